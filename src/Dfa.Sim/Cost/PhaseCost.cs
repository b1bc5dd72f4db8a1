namespace Dfa.Sim.Cost;

/// <summary>One phase of a training step: its roofline terms and the time it takes.</summary>
/// <param name="Name"><c>forward</c>, <c>feedback</c> (DFA's projection), <c>backward</c> (BP's input-gradient chain) or <c>update</c>.</param>
/// <param name="ComputeSeconds">Operations ÷ their rates, summed over the phase's kernels.</param>
/// <param name="MemorySeconds">Bytes moved ÷ the bandwidth of the level the data lives in, summed over the phase's kernels.</param>
/// <param name="OpticalSeconds">Frames × frame time (optical projections only).</param>
/// <param name="Seconds">The phase's time: <c>Σ max(compute, memory) + optical</c> over its kernels, which run one after another.</param>
public sealed record PhaseCost(string Name, double ComputeSeconds, double MemorySeconds, double OpticalSeconds, double Seconds);
