namespace Dfa.Core.Feedback;

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
