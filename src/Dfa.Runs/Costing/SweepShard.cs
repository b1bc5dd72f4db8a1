using System.Text.Json;
using Dfa.Core;
using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Costing;

/// <summary>
/// <c>dfa sweep --shard i/n</c> and the sweep half of <c>dfa merge</c>. An item is one grid point (every backend
/// priced there: the cheapest needs them all), numbered in whole-run order, x fastest. A shard prices its points and,
/// for each of them that has a right-hand neighbour in its row, the crossover on that segment (pricing the neighbour
/// too, a deterministic recomputation), so the merge needs no profile and no pricing: it puts the points and
/// crossovers back in order, and the host writes the result as it writes a whole run's.
/// </summary>
public static class SweepShard
{
    public const string Command = "sweep";

    /// <summary>Prices this shard's points and crossovers into <paramref name="folder"/>; returns (points priced, grid points, crossovers found).</summary>
    public static (int Items, int GridItems, int Crossovers) Run(Sweep sweep, SweepResultShape shape, IReadOnlyList<KeyValuePair<string, object?>> options, string identity, ShardSpec shard, OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(folder);
        ShardManifest.Retract(folder.Path);
        SweepAxis x = shape.X;
        SweepAxis? y = shape.Y;
        IReadOnlyList<(double X, double? Y)> grid = Sweep.Grid(x, y);
        int[] items = shard.Items(grid.Count);
        var points = new List<object?>();
        var crossovers = new List<object?>();
        foreach (int k in items)
        {
            SweepPoint p = sweep.Evaluate(x, grid[k].X, y, grid[k].Y);
            points.Add(new List<KeyValuePair<string, object?>>
            {
                new("item", k),
                new("x", p.X),
                new("y", p.Y),
                new("metric", sweep.Backends.Select(b => new KeyValuePair<string, object?>(b, p.Metric[b])).ToList()),
                new("cheapest", p.Cheapest),
            });
            if (Sweep.HasSegment(x, grid.Count, k)
                && sweep.Crossing(x, y, p, sweep.Evaluate(x, grid[k + 1].X, y, grid[k + 1].Y)) is { } c)
            {
                crossovers.Add(new List<KeyValuePair<string, object?>>
                {
                    new("item", k),
                    new("other", c.Other),
                    new("value", c.Value),
                    new("from", c.From),
                    new("to", c.To),
                });
            }
        }

        JsonFile.Write(folder.PathOf(ShardManifest.ResultsFile),
        [
            new("backends", sweep.Backends.ToList()),
            new("metric", shape.MetricName),
            new("title", shape.Title),
            new("warnings", shape.Warnings.ToList()),
            new("points", points),
            new("crossovers", crossovers),
        ]);
        new ShardManifest(Command, shard, ShardManifest.Hash(Command, options, identity), grid.Count, options, items).Write(folder.Path);
        return (items.Length, grid.Count, crossovers.Count);
    }

    /// <summary>Puts the shards' points and crossovers back in whole-run order: the whole run's result.</summary>
    public static SweepResult Merge(ShardSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        ShardManifest first = set.First;
        IReadOnlyList<string> vary = first.Many("vary");
        if (vary.Count is < 1 or > 2)
        {
            throw new DfaInputException($"{ShardManifest.FileName} of '{set.Shards[0].Path}' has {vary.Count} --vary axes; a sweep has 1 or 2");
        }

        SweepAxis x = SweepAxis.Parse(vary[0]);
        SweepAxis? y = vary.Count == 2 ? SweepAxis.Parse(vary[1]) : null;
        var points = new SweepPoint?[set.GridItems];
        var crossovers = new SortedDictionary<int, Crossover>();
        string[] backends = [];
        string metric = "", title = "";
        string[] warnings = [];
        foreach (ShardFolder shard in set.Shards)
        {
            string path = Path.Combine(shard.Path, ShardManifest.ResultsFile);
            try
            {
                using JsonDocument doc = ShardJson.Parse(path);
                JsonElement root = doc.RootElement;
                if (shard.Manifest.Shard.Index == 1)
                {
                    backends = root.GetProperty("backends").EnumerateArray().Select(e => e.GetString()!).ToArray();
                    metric = root.GetProperty("metric").GetString()!;
                    title = root.GetProperty("title").GetString()!;
                    warnings = root.GetProperty("warnings").EnumerateArray().Select(e => e.GetString()!).ToArray();
                }

                var held = new List<int>();
                foreach (JsonElement p in root.GetProperty("points").EnumerateArray())
                {
                    int k = p.GetProperty("item").GetInt32();
                    if (k < 0 || k >= points.Length || !shard.Manifest.Shard.Holds(k))
                    {
                        throw new DfaInputException($"'{path}' has point {k}, which shard {shard.Manifest.Shard} of {points.Length} does not hold");
                    }

                    held.Add(k);
                    JsonElement m = p.GetProperty("metric");
                    var values = backends.ToDictionary(b => b, b => ShardJson.Double(m.GetProperty(b)), StringComparer.Ordinal);
                    points[k] = new SweepPoint(ShardJson.Double(p.GetProperty("x")), ShardJson.NullableDouble(p.GetProperty("y")), values, p.GetProperty("cheapest").GetString()!);
                }

                if (!held.SequenceEqual(shard.Manifest.Items))
                {
                    throw new DfaInputException($"'{path}' does not hold the points its {ShardManifest.FileName} lists");
                }

                foreach (JsonElement c in root.GetProperty("crossovers").EnumerateArray())
                {
                    int k = c.GetProperty("item").GetInt32();
                    if (!shard.Manifest.Shard.Holds(k))
                    {
                        throw new DfaInputException($"'{path}' has a crossover at point {k}, which shard {shard.Manifest.Shard} does not hold");
                    }

                    crossovers[k] = new Crossover(
                        ShardJson.NullableDouble(c.GetProperty("other")), ShardJson.Double(c.GetProperty("value")), c.GetProperty("from").GetString()!, c.GetProperty("to").GetString()!);
                }
            }
            catch (Exception ex) when (ex is not DfaInputException && ShardJson.IsMalformed(ex))
            {
                throw new DfaInputException($"'{path}' is not a valid sweep shard result: {ex.Message}");
            }
        }

        if (x.Points * (y?.Points ?? 1) != set.GridItems)
        {
            throw new DfaInputException($"the shards' grid has {set.GridItems} points, but its --vary axes give {x.Points * (y?.Points ?? 1)}");
        }

        // Shards written before --precision existed list none: they were priced in FP32, the only arithmetic there was.
        string arithmetic = Precisions.Describe(first.Options.Any(o => o.Key == "precision") ? Precisions.Parse(first.One("precision")) : Precision.Fp32);
        return new SweepResult(x, y, backends, metric, title, points.Select(p => p!).ToArray(), crossovers.Values.ToArray(), warnings, arithmetic);
    }
}

/// <summary>What a sweep's report needs besides its points: axes, metric, title and the notes printed before the table.</summary>
public sealed record SweepResultShape(SweepAxis X, SweepAxis? Y, string MetricName, string Title, IReadOnlyList<string> Warnings);
