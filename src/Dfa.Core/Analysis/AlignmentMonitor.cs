using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Core.Training;

namespace Dfa.Core.Analysis;

/// <summary>One alignment measurement during training: every hidden block's gradient and weight alignment after a step.</summary>
/// <param name="Step">Optimizer steps taken when it was measured.</param>
/// <param name="Epoch">The 1-based epoch that step belongs to.</param>
/// <param name="Gradient">Per hidden block, the DFA update's angle to the BP gradient.</param>
/// <param name="Weight">Per hidden block, the angle between <c>B_l</c> and the forward weights to the output.</param>
public sealed record AlignmentSnapshot(
    long Step,
    int Epoch,
    IReadOnlyList<LayerGradientAlignment> Gradient,
    IReadOnlyList<LayerWeightAlignment> Weight);

/// <summary>
/// Measures a DFA run's alignment while it trains, without changing it: gradient alignment
/// (<see cref="GradientAlignment"/>) on a fixed probe batch and weight alignment (<see cref="WeightAlignment"/>)
/// against feedback matrices realised once.
/// </summary>
/// <remarks>
/// The probe projector must be a second projector built from the same backend, options and feedback seed as the one
/// that trains: it realises the same <c>B_l</c> (the backends' contract: same seed, same bits), while its own noise
/// streams and work counters leave the training projector's untouched. So a run's weights, its counted feedback work
/// and its optical camera noise are bit-identical with monitoring on or off. The probe batch is drawn once from the
/// training set with <c>Rng.Derive(seed, "alignment-probe")</c> and measured in evaluation mode.
/// </remarks>
public sealed class AlignmentMonitor
{
    private readonly Network _network;
    private readonly DirectFeedbackAlignment _dfa;
    private readonly Matrix _inputs;
    private readonly int[] _labels;
    private readonly Matrix[] _feedback;

    /// <summary>The probe's own projector (its counts and any noise stream move with every measurement; checkpoints save them).</summary>
    public IFeedbackProjector ProbeProjector => _dfa.Projector;

    public AlignmentMonitor(Network network, IFeedbackProjector probeProjector, Dataset train, int samples, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(probeProjector);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (probeProjector.Shape.ErrorSize != network.OutputSize || probeProjector.Shape.LayerSizes.Count != network.HiddenBlocks.Count)
        {
            throw new ArgumentException("The probe projector's shape does not match the network.", nameof(probeProjector));
        }

        _network = network;
        _dfa = new DirectFeedbackAlignment(probeProjector);
        int count = Math.Min(samples, train.Count);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        Rng.Derive(seed, "alignment-probe").Shuffle<int>(order);
        _inputs = new Matrix(count, train.Features);
        _labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            train.Sample(order[i]).CopyTo(_inputs.Row(i));
            _labels[i] = train.Labels[order[i]];
        }

        _feedback = Enumerable.Range(0, network.HiddenBlocks.Count).Select(probeProjector.FeedbackMatrix).ToArray();
        Feedback = _feedback.Select(FeedbackMatrixAnalysis.Of).ToArray();
    }

    /// <summary>Spectrum, rank, condition number and sparsity of every <c>B_l</c> (fixed for the run, computed once).</summary>
    public IReadOnlyList<FeedbackMatrixAnalysis> Feedback { get; }

    /// <summary>Probe batch size.</summary>
    public int Samples => _labels.Length;

    /// <summary>Measures now; call between optimizer steps (see <see cref="ITrainingObserver.OnStep"/>).</summary>
    public AlignmentSnapshot Measure(long step, int epoch) => new(
        step,
        epoch,
        GradientAlignment.Measure(_network, _inputs, _labels, _dfa),
        WeightAlignment.Measure(_network, _feedback));
}
