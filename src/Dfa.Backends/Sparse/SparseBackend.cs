using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Sparse;

/// <summary>
/// Sparse feedback (Crafton et al. 2019): each hidden neuron hears <c>k</c> error components (<c>k = 1</c>:
/// single-connection SSDFA, one multiply per neuron), spread evenly so every <c>B_l</c> has full rank
/// <c>min(r, n_l)</c>. See <see cref="SparseProjector"/> for the construction, kernel, counts and storage.
/// </summary>
public sealed class SparseBackend : IFeedbackBackend
{
    public string Name => "sparse";

    public string Description => "k error connections per hidden neuron, int32 index + float32 weight (Crafton 2019, SDFA/SSDFA)";

    public IBackendSection Section => SparseOptions.Section;

    /// <summary>Issue 3's target: single-connection sparse feedback at least 50× the dense backend at batch 128.</summary>
    public IReadOnlyList<BackendVariant> Variants { get; } =
        [new("sparse-k1", new SparseOptions { Connections = 1 }, [new SpeedTarget(128, OnRatio: true, 50)])];

    /// <exception cref="DfaInputException">The options are invalid for <paramref name="shape"/> (see <see cref="SparseProjector"/>).</exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads) =>
        new SparseProjector(shape, options, seed, threads);

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) =>
        new SparseCountingReference(shape, options, seed);

    /// <summary>
    /// Per call, summed over layers (<c>N = Σ n_l</c>, <c>L</c> layers): <c>batch·N</c> fp32 multiplies,
    /// <c>batch·N·(k−1)</c> fp32 multiply-adds, <c>batch·N·k</c> index reads, <c>64·k·N</c> feedback bits read,
    /// <c>4·batch·e·L</c> error bytes read and <c>4·batch·N</c> signal bytes written. No setup work.
    /// Storage: <c>32·k·N</c> weight bits and <c>32·k·N</c> index bits.
    /// </summary>
    /// <exception cref="DfaInputException">The options are invalid for <paramref name="shape"/>, as in <see cref="Create"/>.</exception>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        SparseLayout o = SparseLayout.Resolve(shape, options);
        long k = o.Connections;
        long total = shape.TotalLayerSize;
        long layers = shape.LayerSizes.Count;
        long outputs = checked(batch * total);
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32Multiply, outputs);
        perCall.Add(HardwareAction.Fp32MultiplyAdd, checked(outputs * (k - 1)));
        perCall.Add(HardwareAction.IndexReads, checked(outputs * k));
        perCall.Add(HardwareAction.FeedbackBitsRead, checked(64 * k * total));
        perCall.Add(HardwareAction.ErrorBytesRead, checked(4L * batch * shape.ErrorSize * layers));
        perCall.Add(HardwareAction.SignalBytesWritten, checked(4 * outputs));
        long entries = checked(k * total);
        return new FeedbackPrediction(SparseLayout.Storage(o.Connections, entries, entries), new ActionCounts(), perCall);
    }
}
