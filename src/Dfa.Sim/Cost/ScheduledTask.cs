namespace Dfa.Sim.Cost;

/// <summary>
/// One task of a step's schedule, at its earliest time when every block has its own compute.
/// </summary>
/// <param name="Name">
/// <c>forward:B</c>, <c>delta:B</c> (the block's delta from its error: derivative multiplies), <c>input-grad:B</c>
/// (<c>Wᵀ·δ</c> into the block below), <c>weight-grad:B</c>, <c>update:B</c> (the optimizer on the block's parameters)
/// or <c>projection:LOW..TOP</c> (one module's feedback projection <c>B·e_m</c>; LOW its lowest trainable block), for block <c>B</c>.
/// </param>
/// <param name="Block">The block the task belongs to (a projection: its module's top block).</param>
/// <param name="Seconds">
/// The task's roofline time, <c>max(ops/rate, bytes/bandwidth) + optical</c>, scaled so the tasks of its phase add up to
/// the phase's roofline time (see <see cref="CostModel"/>).
/// </param>
/// <param name="Start">Earliest start: the latest finish of the tasks it waits on (0 for the first forward).</param>
/// <param name="Finish"><c>Start + Seconds</c>.</param>
/// <param name="WaitsOn">The names of the tasks it waits on.</param>
public sealed record ScheduledTask(string Name, string Block, double Seconds, double Start, double Finish, IReadOnlyList<string> WaitsOn);
