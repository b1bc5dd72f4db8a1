using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Plugins.Tests.Noisy;

/// <summary>
/// A plug-in backend that lives outside <c>src/</c>: a dense Gaussian feedback matrix (N(0, 1/n_l)) whose every
/// signal gets additive Gaussian noise of <c>σ·rms(S_row)</c>, the kind of read noise an analog device adds. It owns
/// its config section (<see cref="NoisyOptions"/>) and predicts its work; nothing in Core, Backends, Sim, Runs or Cli
/// names it.
/// </summary>
public sealed class NoisyBackend : IFeedbackBackend
{
    public string Name => "noisy";

    public string Description => "a test plug-in: a dense Gaussian matrix with relative Gaussian read noise";

    public IBackendSection Section => NoisyOptions.Section;

    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return new NoisyProjector(shape, Sigma(options), seed);
    }

    /// <summary>
    /// Per call, with <c>N = Σ n_l</c> over <c>L</c> layers: <c>b·e·N</c> multiply-adds for <c>E·B</c>; with noise,
    /// <c>b·N</c> more for the squares, per sample and layer the amplitude <c>σ·sqrt(Σ/n)</c> (a division, a square root
    /// and a multiply, each counted as a multiply), and <c>b·N</c> multiplies and adds for the noise; <c>32·e·N</c>
    /// feedback bits, <c>4·b·e·L</c> error bytes, <c>4·b·N</c> signal bytes.
    /// </summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        double sigma = Sigma(options);
        long b = batch, e = shape.ErrorSize, n = shape.TotalLayerSize;
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, checked((b * e * n) + (sigma > 0 ? b * n : 0)));
        if (sigma > 0)
        {
            perCall.Add(HardwareAction.Fp32Multiply, checked((b * n) + (3 * b * shape.LayerSizes.Count)));
            perCall.Add(HardwareAction.Fp32Add, checked(b * n));
        }

        perCall.Add(HardwareAction.FeedbackBitsRead, checked(32 * e * n));
        perCall.Add(HardwareAction.ErrorBytesRead, checked(4 * b * e * shape.LayerSizes.Count));
        perCall.Add(HardwareAction.SignalBytesWritten, checked(4 * b * n));
        return new FeedbackPrediction(NoisyProjector.StorageFor(shape), new ActionCounts(), perCall);
    }

    /// <summary>The plug-in's counting reference (<see cref="NoisyCountingReference"/>): its loops count what they do.</summary>
    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) =>
        new NoisyCountingReference(new NoisyProjector(shape, Sigma(options), seed), Sigma(options), seed);

    private static double Sigma(FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Init != FeedbackInit.Gaussian || options.Scale is not null)
        {
            throw new DfaInputException("feedback.init and feedback.scale do not apply to the noisy backend: its matrix is N(0, 1/n_l)");
        }

        return (options.Options<NoisyOptions>() ?? new NoisyOptions()).Sigma;
    }
}
