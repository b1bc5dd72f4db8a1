using Dfa.Runs.Costing;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;
using Spectre.Console;

namespace Dfa.Cli.Costing;

/// <summary>
/// Writes a sweep's <c>sweep.csv</c> and <c>crossovers.csv</c> (<see cref="SweepCsv"/>) and <c>sweep.png</c>
/// atomically, and prints its table. <c>dfa sweep</c> and <c>dfa merge</c> both write through here.
/// </summary>
internal static class SweepReport
{
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

        AtomicFile.WriteAllText(folder.PathOf(SweepCsv.PointsFile), SweepCsv.PointsCsv(result));
        AtomicFile.WriteAllText(folder.PathOf(SweepCsv.CrossoversFile), SweepCsv.CrossoversCsv(result));
        byte[] png = y is null
            ? SweepPlot.Lines(x, result.Backends, points, result.Crossovers, result.MetricName, result.Title)
            : SweepPlot.Map(x, y, result.Backends, points, result.Title);
        AtomicFile.WriteAllBytes(folder.PathOf(PlotFile), png);

        console.MarkupLine($"[bold]{Markup.Escape(result.Title)}[/], {Units.Count(points.Count, "point")}");
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
                    string value = p.Metric.TryGetValue(p.Cheapest, out double v) ? Units.Number(v) : "-";
                    table.AddRow(row.Key is { } k ? Units.Number(k) : "", Units.Number(p.X), Markup.Escape(p.Cheapest), value);
                    last = p.Cheapest;
                }
            }
        }

        console.Write(table);
        foreach (Crossover c in result.Crossovers)
        {
            string at = c.Other is { } o ? $" ({y!.Path} = {Units.Number(o)})" : "";
            console.MarkupLine($"crossover{Markup.Escape(at)}: {Markup.Escape(c.From)} → {Markup.Escape(c.To)} at {Markup.Escape(x.Path)} = {Units.Number(c.Value)}");
        }

        if (result.Crossovers.Count == 0)
        {
            console.MarkupLine($"no crossover: {Markup.Escape(points[0].Cheapest)} is cheapest over the whole range");
        }

        console.MarkupLine($"wrote {Markup.Escape(folder.PathOf(SweepCsv.PointsFile))}, {SweepCsv.CrossoversFile}, {PlotFile}");
    }
}
