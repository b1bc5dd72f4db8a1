namespace Dfa.Sim.Cost;

/// <summary>
/// One kind of step of a method (HDFA has a BP step and a DFA step; every other method one), priced two ways: the
/// whole-device time of its phases one after another (<see cref="TimeSeconds"/>), and
/// the critical path of its task graph when every block has its own compute (<see cref="CriticalPathSeconds"/>).
/// </summary>
public sealed record StepSchedule
{
    /// <summary><c>step</c>, or <c>bp step</c> and <c>dfa step</c> for HDFA.</summary>
    public required string Label { get; init; }

    /// <summary>How often a step is of this kind (1, or HDFA's <c>p</c> and <c>1 − p</c>).</summary>
    public required double Probability { get; init; }

    /// <summary>The phases: forward, then feedback / backward / feedback+backward, update, and optimizer with Adam.</summary>
    public required IReadOnlyList<PhaseCost> Phases { get; init; }

    /// <summary>Seconds per step with the phases one after another on the whole device.</summary>
    public required double TimeSeconds { get; init; }

    /// <summary>The finish of the last task when every task starts as soon as the tasks it waits on are done.</summary>
    public required double CriticalPathSeconds { get; init; }

    /// <summary>The tasks on the critical path, first to last.</summary>
    public required IReadOnlyList<string> CriticalPath { get; init; }

    /// <summary>Every task, in an order in which each comes after the tasks it waits on.</summary>
    public required IReadOnlyList<ScheduledTask> Tasks { get; init; }

    /// <summary>Each block's span on the critical-path timeline, in forward order.</summary>
    public required IReadOnlyList<BlockSpan> Blocks { get; init; }

    public required EnergySplit Energy { get; init; }

    /// <summary>Counted operations of this step by kind, as in <see cref="MethodCost.Operations"/>.</summary>
    public required IReadOnlyDictionary<string, double> Operations { get; init; }

    /// <summary>Compute energy of this step by operation kind, J, as in <see cref="MethodCost.EnergyByOperation"/>.</summary>
    public required IReadOnlyDictionary<string, double> EnergyByOperation { get; init; }

    /// <summary>Bytes moved at the residence level during the step.</summary>
    public required double Bytes { get; init; }
}
