namespace Dfa.Sim.Cost;

/// <summary>
/// One block on a step's timeline (every block on its own compute): when its forward runs, when its backward work
/// can start and what it waits for, and when its last task finishes.
/// </summary>
/// <param name="Block">The block's name, e.g. <c>conv1</c>.</param>
/// <param name="Frozen">True for a frozen block: forward only.</param>
/// <param name="ForwardStart">Start of <c>forward:Block</c>.</param>
/// <param name="ForwardFinish">Finish of <c>forward:Block</c>.</param>
/// <param name="BackwardStart">Start of <c>delta:Block</c>; null for a frozen block.</param>
/// <param name="Finish">Finish of the block's last task (its update, or its input gradient when that ends later).</param>
/// <param name="WaitsOn">The task the block's delta waits on (its module's projection, an input gradient from the block above, or the output's forward); null when frozen.</param>
public sealed record BlockSpan(string Block, bool Frozen, double ForwardStart, double ForwardFinish, double? BackwardStart, double Finish, string? WaitsOn);
