namespace Dfa.Cli.Bench;

/// <summary>
/// One benchmark line: <paramref name="Value"/> in <paramref name="Unit"/>, and when a baseline ran in the same
/// process run, its value and <c>Ratio = Value / Baseline</c>.
/// </summary>
public sealed record BenchResult(string Name, int Threads, double Value, string Unit, double? Baseline, double? Ratio);
