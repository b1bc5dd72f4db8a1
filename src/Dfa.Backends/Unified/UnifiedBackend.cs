using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Unified;

/// <summary>One shared feedback matrix whose leading columns serve every layer (Launay et al. 2019).</summary>
public sealed class UnifiedBackend : IFeedbackBackend
{
    public string Name => "unified";

    public string Description => "one e × l_max matrix shared by all layers, one projection per step (Launay 2019)";

    public bool HasFp16Variant => true;

    public IReadOnlyList<BackendVariant> Variants { get; } = [new("unified", null, [new SpeedTarget(128)])];

    private static void ThrowIfUnsupported(FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Init != FeedbackInit.Gaussian || options.Scale is not null)
        {
            throw new DfaInputException(
                "feedback.init and feedback.scale do not apply to the unified backend: its matrix is N(0, 1)/sqrt(l_max·e) by definition");
        }
    }

    /// <exception cref="DfaInputException"><c>feedback.init</c> or <c>feedback.scale</c> is set: the unified matrix has one fixed distribution.</exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ThrowIfUnsupported(options);
        return new UnifiedProjector(shape, seed, threads);
    }

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed)
    {
        ThrowIfUnsupported(options);
        return new UnifiedCountingReference(shape, seed);
    }

    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ThrowIfUnsupported(options);
        long e = shape.ErrorSize;
        long lMax = shape.MaxLayerSize;
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, checked(batch * e * lMax));
        perCall.Add(HardwareAction.FeedbackBitsRead, checked(32 * e * lMax));
        perCall.Add(HardwareAction.ErrorBytesRead, checked(4L * batch * e));
        perCall.Add(HardwareAction.Fp32Multiply, checked(batch * shape.LayerSizes.Where(n => n != lMax).Sum(n => (long)n)));
        perCall.Add(HardwareAction.SignalBytesWritten, checked(4L * batch * shape.TotalLayerSize));
        return new FeedbackPrediction(UnifiedProjector.StorageFor(shape), new ActionCounts(), perCall);
    }
}
