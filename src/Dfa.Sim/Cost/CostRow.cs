namespace Dfa.Sim.Cost;

/// <summary>One phase of a training step: its roofline terms and the time it takes.</summary>
/// <param name="Name"><c>forward</c>, <c>feedback</c> (DFA's projection), <c>backward</c> (BP's input-gradient chain) or <c>update</c>.</param>
/// <param name="ComputeSeconds">Operations ÷ their rates.</param>
/// <param name="MemorySeconds">Bytes moved ÷ the bandwidth of the level the data lives in.</param>
/// <param name="OpticalSeconds">Frames × frame time (optical projections only).</param>
/// <param name="Seconds">The phase's time: <c>max(compute, memory) + optical</c>.</param>
public sealed record PhaseCost(string Name, double ComputeSeconds, double MemorySeconds, double OpticalSeconds, double Seconds);

/// <summary>Energy of one training step by where it goes, in joules.</summary>
public sealed record EnergySplit(double Compute, double OnChip, double OffChip, double Optical, double Static)
{
    public double Total => Compute + OnChip + OffChip + Optical + Static;
}

/// <summary>
/// The price of one training step of a workload with one feedback backend (or BP) on one hardware profile at one
/// batch size. Every number is counted work times a profile price; <see cref="Operations"/> and
/// <see cref="BytesByLevel"/> are the counted work.
/// </summary>
public sealed record CostRow
{
    public required string Workload { get; init; }

    public required int Outputs { get; init; }

    /// <summary>The feedback backend, or <c>bp</c> for backpropagation.</summary>
    public required string Backend { get; init; }

    public required string Profile { get; init; }

    public required int Batch { get; init; }

    /// <summary>The feedback matrix layout (the backend's storage layout; <c>none</c> for BP).</summary>
    public required string Layout { get; init; }

    /// <summary><c>fp32</c>, <c>fp16</c>, <c>1-bit</c> or <c>analog</c>.</summary>
    public required string Precision { get; init; }

    /// <summary>Bytes of feedback matrix the device keeps (0 when regenerated on chip or held by a medium).</summary>
    public required long FeedbackStorageBytes { get; init; }

    /// <summary>Bytes a step needs resident: weights, gradients, activations of the batch, the feedback matrix.</summary>
    public required double WorkingSetBytes { get; init; }

    /// <summary>Whether the working set fits the profile's largest memory level (a verdict, not an error).</summary>
    public required bool Fits { get; init; }

    /// <summary>The closest memory level the working set fits in, or <c>none</c>.</summary>
    public required string Residence { get; init; }

    public required IReadOnlyList<PhaseCost> Phases { get; init; }

    /// <summary>Seconds per step: the phases one after another on the whole device.</summary>
    public required double TimeSeconds { get; init; }

    /// <summary>
    /// The step's critical path if every layer had its own compute: BP's phases and layers run in sequence (equal to
    /// <see cref="TimeSeconds"/>); DFA's weight updates run in parallel after the projection, so only the slowest
    /// layer's update is on the path.
    /// </summary>
    public required double CriticalPathSeconds { get; init; }

    /// <summary><see cref="TimeSeconds"/> × the profile's clock.</summary>
    public required double Cycles { get; init; }

    public required EnergySplit Energy { get; init; }

    public double EnergyJ => Energy.Total;

    public double SamplesPerSecond => Batch / TimeSeconds;

    /// <summary>Counted operations of the step by kind (e.g. <c>fp32_mac</c>, <c>int_add</c>, <c>optical_frames</c>).</summary>
    public required IReadOnlyDictionary<string, double> Operations { get; init; }

    /// <summary>
    /// Compute energy of the step by operation kind, J (e.g. <c>cell_read</c>, <c>dac_conversion</c>,
    /// <c>adc_conversion</c>, <c>fp32_add</c>): the NeuroSim-style split of <see cref="EnergySplit.Compute"/>.
    /// </summary>
    public IReadOnlyDictionary<string, double> EnergyByOperation { get; init; } = new SortedDictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Bytes moved per memory level during the step.</summary>
    public required IReadOnlyDictionary<string, double> BytesByLevel { get; init; }
}
