using System.Globalization;
using System.Text;

namespace Dfa.Runs.Costing;

/// <summary>
/// A finished sweep, whether computed in one process or merged from shards: its axes, the backends compared, every
/// grid point in whole-run order (x fastest), the crossovers in the same order, the notes printed before the table,
/// and the arithmetic every point was priced in (<see cref="Dfa.Sim.Cost.Precisions.Describe"/>: <c>fp32</c>, <c>fp16 mixed</c>).
/// </summary>
public sealed record SweepResult(
    SweepAxis X,
    SweepAxis? Y,
    IReadOnlyList<string> Backends,
    string MetricName,
    string Title,
    IReadOnlyList<SweepPoint> Points,
    IReadOnlyList<Crossover> Crossovers,
    IReadOnlyList<string> Warnings,
    string Arithmetic);

/// <summary>A finished sweep's CSV files, the same bytes whether the sweep ran whole or was merged from shards.</summary>
public static class SweepCsv
{
    public const string PointsFile = "sweep.csv";
    public const string CrossoversFile = "crossovers.csv";

    /// <summary>
    /// <c>sweep.csv</c>: one row per point, the varied values, each backend's metric, the cheapest and the arithmetic; numbers
    /// round-trip (<c>"R"</c>, invariant).
    /// </summary>
    public static string PointsCsv(SweepResult result)
    {
        var sb = new StringBuilder();
        SweepAxis x = result.X;
        SweepAxis? y = result.Y;
        sb.AppendLine(string.Join(",", new[] { x.Path }.Concat(y is null ? [] : [y.Path]).Concat(result.Backends.Select(b => $"{b}_{result.MetricName}")).Append("cheapest").Append("arithmetic")));
        foreach (SweepPoint p in result.Points)
        {
            var cells = new List<string> { R(p.X) };
            if (p.Y is { } yv)
            {
                cells.Add(R(yv));
            }

            cells.AddRange(result.Backends.Select(b => R(p.Metric[b])));
            cells.Add(p.Cheapest);
            cells.Add(result.Arithmetic);
            sb.AppendLine(string.Join(",", cells));
        }

        return sb.ToString();
    }

    /// <summary><c>crossovers.csv</c>: where the cheapest backend changes (the other axis's value first on a map), and the arithmetic.</summary>
    public static string CrossoversCsv(SweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.AppendLine((result.Y is null ? "" : result.Y.Path + ",") + result.X.Path + ",from,to,arithmetic");
        foreach (Crossover c in result.Crossovers)
        {
            sb.AppendLine((c.Other is { } o ? R(o) + "," : "") + R(c.Value) + "," + c.From + "," + c.To + "," + result.Arithmetic);
        }

        return sb.ToString();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
