using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Dense;

/// <summary>One independent float32 matrix per hidden layer (Nøkland 2016): the reference every other backend is tested against.</summary>
public sealed class DenseBackend : IFeedbackBackend
{
    public string Name => "dense";

    public string Description => "one float32 feedback matrix per hidden layer (Nøkland 2016)";

    public bool HasFp16Variant => true;

    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new DenseProjector(shape, options.Init, options.Scale, seed, threads);
    }

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) =>
        new DenseCountingReference(shape, options, seed);

    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        long e = shape.ErrorSize;
        long total = shape.TotalLayerSize;
        int layers = shape.LayerSizes.Count;
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, checked(batch * e * total));
        perCall.Add(HardwareAction.FeedbackBitsRead, checked(32 * e * total));
        perCall.Add(HardwareAction.ErrorBytesRead, checked(4L * batch * e * layers));
        perCall.Add(HardwareAction.SignalBytesWritten, checked(4L * batch * total));
        return new FeedbackPrediction(DenseProjector.StorageFor(shape), new ActionCounts(), perCall);
    }
}
