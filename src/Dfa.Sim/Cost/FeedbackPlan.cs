using Dfa.Core.Feedback;

namespace Dfa.Sim.Cost;

/// <summary>The arithmetic a feedback backend uses, which decides the rate and energy its operations are priced at.</summary>
public enum FeedbackPrecision
{
    Fp32,

    /// <summary>A float16 variant of a float32 layout: half the bits stored and read, MACs at the FP16 rate.</summary>
    Fp16,

    /// <summary>±1 weights: adds and subtracts (adder-only on hardware that has that path).</summary>
    OneBit,

    /// <summary>The projection happens in an optical medium; the host only encodes and decodes.</summary>
    Analog,

    /// <summary>The projection happens in analog in-memory arrays (array activations, cell reads, DAC/ADC conversions).</summary>
    InMemory,

    /// <summary>The projection happens as spike events on a neuromorphic chip (spikes, synaptic ops, messages, time steps).</summary>
    Spiking,
}

/// <summary>
/// All the simulator knows of a feedback backend: its name, its arithmetic and what it predicted for the workload's
/// feedback shape at the priced batch size (storage and the work of one projection call). Built by the composition
/// root from <c>IFeedbackBackend.Predict</c>; the cost model never sees a backend type.
/// </summary>
public sealed record FeedbackPlan(string Backend, FeedbackPrecision Precision, FeedbackPrediction Prediction)
{
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
        return new FeedbackPlan(backend, FeedbackPrecision.Fp16, new FeedbackPrediction(storage, Prediction.Setup, perCall));
    }
}
