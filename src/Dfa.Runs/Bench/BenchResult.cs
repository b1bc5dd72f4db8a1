namespace Dfa.Runs.Bench;

/// <summary>
/// One benchmark line: <paramref name="Value"/> in <paramref name="Unit"/>, and when a baseline ran in the same
/// process run, its value and <c>Ratio = Value / Baseline</c>. <paramref name="Goal"/> is the target the line is
/// held to, if any.
/// </summary>
public sealed record BenchResult(string Name, int Threads, double Value, string Unit, double? Baseline, double? Ratio, BenchGoal? Goal = null)
{
    /// <summary>Whether the goal is met; null without a goal (or without the baseline a ratio goal needs).</summary>
    public bool? GoalMet => Goal switch
    {
        null => null,
        { OnRatio: true } g => Ratio is { } r ? r >= g.Minimum : null,
        { } g => Value >= g.Minimum,
    };
}

/// <summary>A minimum for a bench line: on its ratio to the baseline, or on its value.</summary>
public sealed record BenchGoal(bool OnRatio, double Minimum)
{
    public override string ToString() => OnRatio ? $"ratio ≥ {Minimum:0.##}" : $"≥ {Minimum:0.##}";
}
