using System.CommandLine;
using System.Globalization;
using System.Text;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Cli.Runs;
using Dfa.Core;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa sweep --workload vgg16 --outputs 1000 --profile lighton-opu-aurora --vary optical.frame_time_s=1e-6:1e-2:log:41</c>:
/// varies one or two fields of a profile, prices every backend at each point, and reports (and plots) where the
/// cheapest backend changes. Writes <c>sweep.csv</c>, <c>crossovers.csv</c> and <c>sweep.png</c> to the output folder.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var workload = new Option<string>("--workload", "-w") { Description = $"The workload: {string.Join(", ", WorkloadCatalog.Names)}.", DefaultValueFactory = _ => "vgg16" };
        var outputs = new Option<int>("--outputs", "-e") { Description = "Output size e.", DefaultValueFactory = _ => 1000 };
        var profile = new Option<string>("--profile", "-p") { Description = "The profile whose fields vary.", Required = true };
        var vary = new Option<string[]>("--vary") { Description = "PATH=START:STOP[:log|lin][:POINTS], once or twice (a profile field as dfa profiles show prints it).", Required = true };
        var backends = new Option<string>("--backend", "-b") { Description = "Backends compared, comma-separated, or all.", DefaultValueFactory = _ => "all" };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var metric = new Option<string>("--metric") { Description = "What 'cheapest' means: time or energy per training step.", DefaultValueFactory = _ => "time" };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/sweep-<UTC time>)." };
        Option<string?> dir = ProfileFolder.Option();
        var fixedValues = new Option<string[]>("--set") { Description = "Hold a profile field at another value for the whole sweep: PATH=VALUE (repeatable)." };
        var command = new Command("sweep", "Vary one or two hardware-profile fields and find where the cheapest feedback backend changes (with a PNG plot).")
        {
            workload, outputs, profile, vary, backends, batch, metric, output, dir, fixedValues,
        };
        command.SetAction(parse =>
        {
            string[] axes = parse.GetRequiredValue(vary);
            if (axes.Length is < 1 or > 2)
            {
                throw new DfaInputException($"--vary is given once or twice, got {axes.Length}");
            }

            SweepAxis x = SweepAxis.Parse(axes[0]);
            SweepAxis? y = axes.Length == 2 ? SweepAxis.Parse(axes[1]) : null;
            if (y is not null && y.Path == x.Path)
            {
                throw new DfaInputException($"--vary names {x.Path} twice; vary two different fields");
            }

            if ((long)x.Points * (y?.Points ?? 1) > 100_000)
            {
                throw new DfaInputException($"a sweep has at most 100000 points, asked for {x.Points} × {y?.Points ?? 1}");
            }
            string m = parse.GetRequiredValue(metric).ToLowerInvariant();
            if (m is not ("time" or "energy"))
            {
                throw new DfaInputException($"--metric takes time or energy, got '{m}'");
            }

            if (parse.GetValue(batch) < 1 || parse.GetValue(outputs) < 1)
            {
                throw new DfaInputException("--batch and --outputs must be at least 1");
            }

            ProfileCatalog catalog = ProfileFolder.Open(parse.GetValue(dir));
            var prices = new Prices(catalog.Load(parse.GetRequiredValue(profile)));
            foreach (string assignment in parse.GetValue(fixedValues) ?? [])
            {
                int eq = assignment.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0 || !double.TryParse(assignment[(eq + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                {
                    throw new DfaInputException($"--set takes PATH=VALUE with a number, got '{assignment}'");
                }

                prices = prices.With(assignment[..eq].Trim(), value);
            }

            foreach (SweepAxis a in new[] { x, y }.OfType<SweepAxis>())
            {
                _ = prices.With(a.Path, a.Start).With(a.Path, a.Stop); // unknown fields and bad values fail before any work
            }

            Workload w = WorkloadCatalog.Create(parse.GetRequiredValue(workload), parse.GetValue(outputs));
            string[] names = parse.GetRequiredValue(backends).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            IReadOnlyList<string> list = names.Contains("all") ? CostPlans.AllNames(registry) : names;
            var sweep = new Sweep(registry, w, parse.GetValue(batch), list, prices, m == "energy");
            if (sweep.Backends.Count < 2)
            {
                throw new DfaInputException($"a sweep compares at least two backends that run on {prices.Name}; got {string.Join(", ", sweep.Backends)}");
            }

            string folderPath = parse.GetValue(output) ?? Path.Combine("runs", $"sweep-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            OutputFolder folder = OutputFolder.Claim(folderPath);
            try
            {
                return Execute(sweep, x, y, w, prices, folder, console);
            }
            finally
            {
                folder.AbandonIfUnused();
            }
        });
        return command;
    }

    private static int Execute(Sweep sweep, SweepAxis x, SweepAxis? y, Workload w, Prices prices, OutputFolder folder, IAnsiConsole console)
    {
        IReadOnlyList<SweepPoint> points = sweep.Run(x, y);
        foreach (SweepAxis axis in new[] { x, y }.OfType<SweepAxis>())
        {
            if (!sweep.Reads(axis))
            {
                console.MarkupLine($"[yellow]varying {Markup.Escape(axis.Path)} changes no price: the cost model does not read it for these backends[/]");
            }
        }

        IReadOnlyList<Crossover> crossovers = sweep.Crossovers(x, y, points);
        string title = $"{w.Name}, e = {w.Outputs}, on {prices.Name}: {sweep.MetricName} per step";

        AtomicFile.WriteAllText(folder.PathOf("sweep.csv"), PointsCsv(sweep, x, y, points));
        AtomicFile.WriteAllText(folder.PathOf("crossovers.csv"), CrossoversCsv(x, y, crossovers));
        byte[] png = y is null
            ? SweepPlot.Lines(x, sweep.Backends, points, crossovers, sweep.MetricName, title)
            : SweepPlot.Map(x, y, sweep.Backends, points, title);
        AtomicFile.WriteAllBytes(folder.PathOf("sweep.png"), png);

        console.MarkupLine($"[bold]{Markup.Escape(title)}[/], {points.Count} points");
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(new TableColumn(Markup.Escape(y?.Path ?? ""))).AddColumn(new TableColumn(Markup.Escape(x.Path)))
            .AddColumn("cheapest from here").AddColumn(new TableColumn("its " + sweep.MetricName).RightAligned());
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
        foreach (Crossover c in crossovers)
        {
            string at = c.Other is { } o ? $" ({y!.Path} = {o.ToString("G4", CultureInfo.InvariantCulture)})" : "";
            console.MarkupLine($"crossover{Markup.Escape(at)}: {Markup.Escape(c.From)} → {Markup.Escape(c.To)} at {Markup.Escape(x.Path)} = {c.Value.ToString("G4", CultureInfo.InvariantCulture)}");
        }

        if (crossovers.Count == 0)
        {
            console.MarkupLine($"no crossover: {Markup.Escape(points[0].Cheapest)} is cheapest over the whole range");
        }

        console.MarkupLine($"wrote {Markup.Escape(folder.PathOf("sweep.csv"))}, crossovers.csv, sweep.png");
        return ExitCodes.Success;
    }

    private static string PointsCsv(Sweep sweep, SweepAxis x, SweepAxis? y, IReadOnlyList<SweepPoint> points)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", new[] { x.Path }.Concat(y is null ? [] : [y.Path]).Concat(sweep.Backends.Select(b => $"{b}_{sweep.MetricName}")).Append("cheapest")));
        foreach (SweepPoint p in points)
        {
            var cells = new List<string> { R(p.X) };
            if (p.Y is { } yv)
            {
                cells.Add(R(yv));
            }

            cells.AddRange(sweep.Backends.Select(b => R(p.Metric[b])));
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
