using Dfa.Core.Feedback;

namespace Dfa.Sim.Cost;

/// <summary>
/// All the simulator knows of a feedback backend: its name, the device its projection runs on, and what it predicted
/// for a feedback shape at the priced batch size (storage, precision and the work of one projection call). Built by
/// the costing bridge from <c>IFeedbackBackend.Predict</c>; the cost engine never sees a backend type.
/// </summary>
public sealed record FeedbackPlan(string Backend, FeedbackPrediction Prediction, FeedbackDevice Device = FeedbackDevice.Digital)
{
    /// <summary>The arithmetic the projection is priced at.</summary>
    public FeedbackPrecision Precision => Prediction.Precision;

    /// <summary>
    /// The same plan in float16: storage bits and feedback bits read halve, and the cost model prices the
    /// projection's multiply-adds at the FP16 rate. Only meaningful for float32 layouts.
    /// </summary>
    public FeedbackPlan AsFp16(string backend)
    {
        FeedbackStorage s = Prediction.Storage;
        var perCall = new ActionCounts();
        foreach ((HardwareAction action, long count) in Prediction.PerProjection.NonZero())
        {
            perCall.Add(action, action == HardwareAction.FeedbackBitsRead ? count / 2 : count);
        }

        var storage = new FeedbackStorage(s.Layout.Replace("float32", "float16", StringComparison.Ordinal), s.WeightBits / 2, s.IndexBits, s.PaddingBits / 2, s.CalibrationBytes);
        return new FeedbackPlan(backend, new FeedbackPrediction(storage, Prediction.Setup, perCall, FeedbackPrecision.Fp16) { Infeasible = Prediction.Infeasible }, Device);
    }
}
