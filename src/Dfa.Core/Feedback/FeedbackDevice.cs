namespace Dfa.Core.Feedback;

/// <summary>Where a backend's projection runs: which kind of hardware profile can price it.</summary>
public enum FeedbackDevice
{
    /// <summary>Digital arithmetic: priced on any profile's compute (a CPU, a GPU, an optical unit's host, an accelerator).</summary>
    Digital,

    /// <summary>An optical processing unit: priced only on optical profiles (frames, frame time, power).</summary>
    Optical,

    /// <summary>Analog in-memory arrays: priced only on compute-in-memory profiles.</summary>
    InMemory,

    /// <summary>A spiking, event-driven chip: priced only on neuromorphic profiles.</summary>
    Neuromorphic,
}
