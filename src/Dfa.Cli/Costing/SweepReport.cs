using System.Globalization;
using System.Text;
using Dfa.Cli.Runs;
using Spectre.Console;

namespace Dfa.Cli.Costing;

/// <summary>
/// A finished sweep, whether computed in one process or merged from shards: its axes, the backends compared, every
/// grid point in whole-run order (x fastest), the crossovers in the same order, and the notes printed before the table.
/// </summary>
internal sealed record SweepResult(
    SweepAxis X,
    SweepAxis? Y,
    IReadOnlyList<string> Backends,
    string MetricName,
    string Title,
    IReadOnlyList<SweepPoint> Points,
    IReadOnlyList<Crossover> Crossovers,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Writes a sweep's <c>sweep.csv</c> (one row per point: the varied values, each backend's metric, the cheapest),
/// <c>crossovers.csv</c> and <c>sweep.png</c> atomically, and prints its table. Numbers in the CSVs are
/// round-trip (<c>"R"</c>, invariant culture). <c>dfa sweep</c> and <c>dfa merge</c> both write through here.
/// </summary>
internal static class SweepReport
{
    public const string PointsFile = "sweep.csv";
    public const string CrossoversFile = "crossovers.csv";
    public const string PlotFile = "sweep.png";

    public static void Write(SweepResult result, OutputFolder folder, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(console);
        SweepAxis x = result.X;
        SweepAxis? y = result.Y;
        IReadOnlyList<SweepPoint> points = result.Points;
        foreach (string warning in result.Warnings)
        {
            console.MarkupLine($"[yellow]{Markup.Escape(warning)}[/]");
        }

        AtomicFile.WriteAllText(folder.PathOf(PointsFile), PointsCsv(result));
        AtomicFile.WriteAllText(folder.PathOf(CrossoversFile), CrossoversCsv(x, y, result.Crossovers));
        byte[] png = y is null
            ? SweepPlot.Lines(x, result.Backends, points, result.Crossovers, result.MetricName, result.Title)
            : SweepPlot.Map(x, y, result.Backends, points, result.Title);
        AtomicFile.WriteAllBytes(folder.PathOf(PlotFile), png);

        console.MarkupLine($"[bold]{Markup.Escape(result.Title)}[/], {points.Count} points");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn(Markup.Escape(y?.Path ?? ""))).AddColumn(new TableColumn(Markup.Escape(x.Path)))
            .AddColumn("cheapest from here").AddColumn(new TableColumn("its " + result.MetricName).RightAligned());
        foreach (IGrouping<double?, SweepPoint> row in points.GroupBy(p => p.Y))
        {
            string? last = null;
            foreach (SweepPoint p in row)
            {
                if (p.Cheapest != last)
                {
                    string value = p.Metric.TryGetValue(p.Cheapest, out double v) ? v.ToString("G4", CultureInfo.InvariantCulture) : "-";
                    table.AddRow(row.Key?.ToString("G4", CultureInfo.InvariantCulture) ?? "", p.X.ToString("G4", CultureInfo.InvariantCulture), Markup.Escape(p.Cheapest), value);
                    last = p.Cheapest;
                }
            }
        }

        console.Write(table);
        foreach (Crossover c in result.Crossovers)
        {
            string at = c.Other is { } o ? $" ({y!.Path} = {o.ToString("G4", CultureInfo.InvariantCulture)})" : "";
            console.MarkupLine($"crossover{Markup.Escape(at)}: {Markup.Escape(c.From)} → {Markup.Escape(c.To)} at {Markup.Escape(x.Path)} = {c.Value.ToString("G4", CultureInfo.InvariantCulture)}");
        }

        if (result.Crossovers.Count == 0)
        {
            console.MarkupLine($"no crossover: {Markup.Escape(points[0].Cheapest)} is cheapest over the whole range");
        }

        console.MarkupLine($"wrote {Markup.Escape(folder.PathOf(PointsFile))}, {CrossoversFile}, {PlotFile}");
    }

    private static string PointsCsv(SweepResult result)
    {
        var sb = new StringBuilder();
        SweepAxis x = result.X;
        SweepAxis? y = result.Y;
        sb.AppendLine(string.Join(",", new[] { x.Path }.Concat(y is null ? [] : [y.Path]).Concat(result.Backends.Select(b => $"{b}_{result.MetricName}")).Append("cheapest")));
        foreach (SweepPoint p in result.Points)
        {
            var cells = new List<string> { R(p.X) };
            if (p.Y is { } yv)
            {
                cells.Add(R(yv));
            }

            cells.AddRange(result.Backends.Select(b => R(p.Metric[b])));
            cells.Add(p.Cheapest);
            sb.AppendLine(string.Join(",", cells));
        }

        return sb.ToString();
    }

    private static string CrossoversCsv(SweepAxis x, SweepAxis? y, IReadOnlyList<Crossover> crossovers)
    {
        var sb = new StringBuilder();
        sb.AppendLine((y is null ? "" : y.Path + ",") + x.Path + ",from,to");
        foreach (Crossover c in crossovers)
        {
            sb.AppendLine((c.Other is { } o ? R(o) + "," : "") + R(c.Value) + "," + c.From + "," + c.To);
        }

        return sb.ToString();
    }

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
