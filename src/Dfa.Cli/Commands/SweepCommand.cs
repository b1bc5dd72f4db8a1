using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa sweep --workload vgg16 --outputs 1000 --profile lighton-opu-aurora --vary optical.frame_time_s=1e-6:1e-2:log:41</c>:
/// varies one or two fields of a profile, prices every backend at each point, and reports (and plots) where the
/// cheapest backend changes. Writes <c>sweep.csv</c>, <c>crossovers.csv</c> and <c>sweep.png</c> to the output folder;
/// with <c>--shard i/n</c> only that shard's points and a manifest (see <see cref="SweepShard"/>), for <c>dfa merge</c>.
/// </summary>
internal static class SweepCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var workload = new Option<string>("--workload", "-w") { Description = $"The workload: {string.Join(", ", WorkloadCatalog.Names)}.", DefaultValueFactory = _ => "vgg16" };
        var outputs = new Option<int>("--outputs", "-e") { Description = "Output size e.", DefaultValueFactory = _ => 1000 };
        var profile = new Option<string>("--profile", "-p") { Description = "The profile whose fields vary.", Required = true };
        var vary = new Option<string[]>("--vary") { Description = "PATH=START:STOP[:log|lin][:POINTS], once or twice (a profile field as dfa profiles show prints it).", Required = true };
        Option<string> backends = DfaOptions.Backends($"Backends compared, comma-separated ({string.Join(", ", CostPlans.AllNames(registry))}), or all.", "all");
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var metric = new Option<string>("--metric") { Description = "What 'cheapest' means: time or energy per training step.", DefaultValueFactory = _ => "time" };
        Option<string?> output = DfaOptions.Out("Output folder (default runs/sweep-<UTC time>).");
        Option<string?> dir = DfaOptions.ProfileDir();
        var fixedValues = new Option<string[]>("--set") { Description = "Hold a profile field at another value for the whole sweep: PATH=VALUE (repeatable)." };
        var shardOption = new Option<string?>("--shard") { Description = "Compute only shard i of n (1-based) of the grid, for a job array: point k goes to shard (k mod n) + 1. Combine the shard folders with dfa merge." };
        Option<string> precision = CostCommand.PrecisionOption();
        var command = new Command("sweep", "Vary one or two hardware-profile fields and find where the cheapest feedback backend changes (with a PNG plot).")
        {
            workload, outputs, profile, vary, backends, batch, metric, output, dir, fixedValues, shardOption, precision,
        };
        command.SetAction(parse =>
        {
            ShardSpec? shard = parse.GetValue(shardOption) is { } shardText ? ShardSpec.Parse(shardText) : null;
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
            Prices prices = new Prices(catalog.Load(parse.GetRequiredValue(profile))).WithPrecision(Precisions.Parse(parse.GetRequiredValue(precision)));
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

            NetworkSpec w = WorkloadCatalog.Create(parse.GetRequiredValue(workload), parse.GetValue(outputs));
            string[] names = parse.GetRequiredValue(backends).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct().ToArray();
            IReadOnlyList<string> list = names.Contains("all") ? CostPlans.AllNames(registry) : names;
            var sweep = new Sweep(registry, w, parse.GetValue(batch), list, prices, m == "energy");
            if (sweep.Backends.Count < 2)
            {
                throw new DfaInputException($"a sweep compares at least two backends that run on {prices.Name}; got {string.Join(", ", sweep.Backends)}");
            }

            string title = $"{w.Name}, e = {w.Outputs}, on {prices.Name} in {Precisions.Describe(prices.Precision)}: {sweep.MetricName} per step";
            string[] warnings = new[] { x, y }.OfType<SweepAxis>().Where(a => !sweep.Reads(a))
                .Select(a => $"varying {a.Path} changes no price: the cost model does not read it for these backends").ToArray();
            var shape = new SweepResultShape(x, y, sweep.MetricName, title, warnings);

            string folderPath = parse.GetValue(output) ?? Path.Combine("runs", $"sweep-{DateTime.UtcNow:yyyyMMdd-HHmmss}");
            OutputFolder folder = OutputFolder.Claim(folderPath);
            try
            {
                if (shard is not null)
                {
                    (int items, int gridItems, int crossovers) = SweepShard.Run(
                        sweep, shape, GridOptions(w, prices, x, y, sweep, m, parse.GetValue(fixedValues) ?? []), Identity(prices), shard, folder);
                    console.MarkupLine(
                        $"shard {shard}: {items} of {gridItems} points, {crossovers} crossover{(crossovers == 1 ? "" : "s")} → {Markup.Escape(folder.Path)}; combine the shards with dfa merge");
                }
                else
                {
                    IReadOnlyList<SweepPoint> points = sweep.Run(x, y);
                    SweepReport.Write(new SweepResult(x, y, sweep.Backends, sweep.MetricName, title, points, sweep.Crossovers(x, y, points), warnings, Precisions.Describe(prices.Precision)), folder, console);
                }

                return ExitCodes.Success;
            }
            finally
            {
                folder.AbandonIfUnused();
            }
        });
        return command;
    }

    /// <summary>The options that define a sweep's grid, normalised (axes in round-trip numbers), for its shards' manifests.</summary>
    private static List<KeyValuePair<string, object?>> GridOptions(NetworkSpec w, Prices prices, SweepAxis x, SweepAxis? y, Sweep sweep, string metric, IReadOnlyList<string> sets) =>
    [
        new("workload", w.Name),
        new("outputs", w.Outputs.ToString(CultureInfo.InvariantCulture)),
        new("profile", prices.Name),
        new("vary", new[] { x, y }.OfType<SweepAxis>().Select(a => $"{a.Path}={R(a.Start)}:{R(a.Stop)}:{(a.Log ? "log" : "lin")}:{a.Points.ToString(CultureInfo.InvariantCulture)}").ToList()),
        new("backend", string.Join(",", sweep.Backends)),
        new("batch", sweep.Batch.ToString(CultureInfo.InvariantCulture)),
        new("metric", metric),
        new("set", sets.ToList()),
        new("precision", Precisions.Name(prices.Precision)),
    ];

    /// <summary>Every price of the profile after <c>--set</c>: two shards that loaded different files under one name do not merge.</summary>
    private static string Identity(Prices prices) =>
        string.Concat(prices.Paths.Select(path => $"{path}={R(prices[path])}\n")) + $"precision={Precisions.Name(prices.Precision)}\n";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
