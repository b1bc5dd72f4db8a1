namespace Dfa.Sim.Cost;

/// <summary>
/// The price of one training step of a method (BP, FA, DFA, HYBRID, MODULAR, HDFA, with a frozen prefix) on one
/// profile: expected values over the method's kinds of step (HDFA: <c>p</c> BP steps and <c>1 − p</c> DFA steps),
/// and each kind's schedule. Built by <see cref="MethodCostModel.Price"/>.
/// </summary>
public sealed record MethodCost
{
    public required string Workload { get; init; }

    public required int Outputs { get; init; }

    /// <summary><c>BP</c>, <c>FA</c>, <c>DFA</c>, <c>HYBRID</c>, <c>MODULAR</c> or <c>HDFA</c>.</summary>
    public required string Method { get; init; }

    /// <summary>The feedback backend of the projections; null when no step projects anything (BP, FA, modules of one block).</summary>
    public required string? Backend { get; init; }

    /// <summary>The frozen blocks, in order.</summary>
    public required IReadOnlyList<string> Frozen { get; init; }

    public required string Profile { get; init; }

    public required int Batch { get; init; }

    /// <summary>Bytes of feedback matrices kept (every module's projection; FA's <c>B</c> matrices).</summary>
    public required long FeedbackStorageBytes { get; init; }

    /// <summary>Bytes the step needs resident (see <see cref="MethodCostModel"/>).</summary>
    public required double WorkingSetBytes { get; init; }

    public required bool Fits { get; init; }

    public required string Residence { get; init; }

    /// <summary>Expected seconds per step, <c>Σ_k P(k)·time_k</c> over the kinds of step.</summary>
    public required double TimeSeconds { get; init; }

    /// <summary>Expected critical path, <c>Σ_k P(k)·cp_k</c>.</summary>
    public required double CriticalPathSeconds { get; init; }

    /// <summary>Expected energy per step.</summary>
    public required EnergySplit Energy { get; init; }

    public double EnergyJ => Energy.Total;

    /// <summary>Expected counted operations per step, by kind.</summary>
    public required IReadOnlyDictionary<string, double> Operations { get; init; }

    /// <summary>The kinds of step with their probabilities and schedules.</summary>
    public required IReadOnlyList<StepSchedule> Steps { get; init; }
}
