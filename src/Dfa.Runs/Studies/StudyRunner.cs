using System.Globalization;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Runs.Experiments;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;
using Dfa.Runs.Sharding;
using Dfa.Runs.Training;

namespace Dfa.Runs.Studies;

/// <summary>How a <c>dfa study</c> (or one shard of it) ended.</summary>
/// <param name="Result">The analysed study; null for a shard, which writes no report.</param>
/// <param name="Folder">The study (or shard) folder.</param>
/// <param name="Items">The distinct runs this process was responsible for (all of them, or its shard's).</param>
/// <param name="Trained">How many of them it trained.</param>
/// <param name="Skipped">How many were already finished in the folder (same resolved config, complete summary) and were skipped.</param>
/// <param name="TotalRuns">The study's distinct runs.</param>
public sealed record StudyOutcome(StudyResult? Result, string Folder, int Items, int Trained, int Skipped, int TotalRuns);

/// <summary>
/// Runs a study: plans it (<see cref="StudyPlanner"/>), trains each distinct run through <see cref="RunBatch"/> into
/// <c>OUT/runs/&lt;hash&gt;/</c> one at a time, skipping the runs the folder already holds finished (its
/// <c>summary.json</c> resolves to the run's hash: a killed and rerun study picks up where it stopped), then reads every
/// run's summary back and writes <c>study.json</c>, <c>study.csv</c>, <c>report.md</c> and the plots. With
/// <c>--shard i/n</c> it trains only that shard's runs (run <c>k</c> goes to shard <c>(k mod n) + 1</c>) and writes the
/// grid (<c>study-grid.json</c>) and <c>shard.json</c> instead; <see cref="Merge"/> copies the shards' runs into one
/// folder and writes the outputs through the same code, so they equal a whole study's.
/// </summary>
public static class StudyRunner
{
    public const string Command = "study";

    /// <summary>A shard's copy of the grid: the identity its manifest's hash covers, and what the merge writes from.</summary>
    public const string GridFile = "study-grid.json";

    /// <exception cref="DfaInputException">A bad input (one line; nothing is written).</exception>
    /// <exception cref="BatchInterruptedException">Interrupted; the finished runs stay in the folder, and rerunning skips them.</exception>
    public static StudyOutcome Execute(StudyRequest request, FeedbackBackendRegistry registry, IRunView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(view);
        StudyPlan plan = StudyPlanner.Plan(request, registry);
        StudyGrid grid = plan.Grid;
        string outPath = request.OutputFolder
            ?? Path.Combine("runs", $"study-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        OutputFolder root = OutputFolder.Claim(outPath);
        int[] items = request.Shard?.Items(grid.Runs.Count) ?? [.. Enumerable.Range(0, grid.Runs.Count)];
        int trained = 0, skipped = 0;
        try
        {
            if (request.Shard is not null)
            {
                ShardManifest.Retract(root.Path);
            }

            view.Info($"dfa study {grid.Config} → {root.Path}: {grid.Points.Count} points × {grid.Seeds.Count} seeds, {grid.Runs.Count} distinct runs"
                + (request.Shard is { } s ? $"; shard {s}: {items.Length} of them" : string.Empty) + (grid.Quick ? " (quick mode)" : string.Empty));
            foreach (int k in items)
            {
                StudyRunRef run = grid.Runs[k];
                if (RunIdentity.Finished(root.PathOf(run.Folder), run.Hash) is not null)
                {
                    skipped++;
                    continue;
                }

                string[] points = grid.Points.Where(p => p.Runs.Contains(k)).Select(grid.Describe).ToArray();
                view.Info($"run {k + 1}/{grid.Runs.Count} ({run.Folder}): {string.Join(" | ", points)}, seed {run.Seed}");
                RunBatch.Execute([plan.Specs[k]], root.Path, request.DataFolder, registry, view, cancellationToken);
                trained++;
            }

            if (skipped > 0)
            {
                view.Info($"skipped {skipped} finished run{(skipped == 1 ? "" : "s")} already in {root.Path}");
            }

            if (request.Shard is { } shard)
            {
                string gridText = WriteGrid(grid, root);
                new ShardManifest(Command, shard, ShardManifest.Hash(Command, Options(grid), gridText), grid.Runs.Count, Options(grid), items).Write(root.Path);
                view.Info($"shard {shard}: {items.Length} of {grid.Runs.Count} runs → {root.Path}; combine the shards with dfa merge");
                return new StudyOutcome(null, root.Path, items.Length, trained, skipped, grid.Runs.Count);
            }

            return new StudyOutcome(Finish(grid, root, view.Plotter), root.Path, items.Length, trained, skipped, grid.Runs.Count);
        }
        catch (OperationCanceledException ex) when (ex is not BatchInterruptedException)
        {
            throw new BatchInterruptedException(root.Path, ex);
        }
        finally
        {
            root.AbandonIfUnused();
        }
    }

    /// <summary>
    /// Reads every run's result from <paramref name="root"/> and writes the study's outputs: the one path from runs to a
    /// study's files, for a whole study, a resumed one and a merge alike.
    /// </summary>
    public static StudyResult Finish(StudyGrid grid, OutputFolder root, ICurvePlotter? plotter)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(root);
        StudyRunResult?[] results = grid.Runs.Select(r => RunIdentity.Finished(root.PathOf(r.Folder), r.Hash)).ToArray();
        StudyResult result = StudyFiles.Analyse(grid, results, root, plotter);
        StudyFiles.Write(result, root);
        StudyReport.Write(result, root);
        return result;
    }

    /// <summary>Copies every shard's finished runs into <paramref name="root"/> and writes the study's outputs.</summary>
    /// <exception cref="DfaInputException">A shard's grid does not match its manifest, or a run it should hold is not finished there.</exception>
    public static StudyResult Merge(ShardSet set, OutputFolder root, ICurvePlotter? plotter)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(root);
        string gridPath = Path.Combine(set.Shards[0].Path, GridFile);
        StudyGrid grid;
        string gridText;
        try
        {
            gridText = File.ReadAllText(gridPath);
            using JsonDocument doc = ShardJson.Parse(gridPath);
            grid = StudyGrid.Read(doc.RootElement, gridPath);
        }
        catch (Exception ex) when (ex is not DfaInputException && ShardJson.IsMalformed(ex))
        {
            throw new DfaInputException($"cannot read the shard's study grid '{gridPath}': {ex.Message}");
        }

        if (ShardManifest.Hash(Command, set.First.Options, gridText) != set.First.GridHash || grid.Runs.Count != set.GridItems)
        {
            throw new DfaInputException($"'{gridPath}' is not the grid {ShardSet.Short(set.First.GridHash)} its {ShardManifest.FileName} names (edited, or from another shard set)");
        }

        for (int k = 0; k < grid.Runs.Count; k++)
        {
            StudyRunRef run = grid.Runs[k];
            string from = Path.Combine(set.Holder(k).Path, run.Folder);
            if (RunIdentity.Finished(from, run.Hash) is null)
            {
                throw new DfaInputException($"shard {set.Holder(k).Manifest.Shard} ('{set.Holder(k).Path}') has no finished run {run.Folder}, which it should hold");
            }
        }

        for (int k = 0; k < grid.Runs.Count; k++)
        {
            ExperimentShard.CopyTree(Path.Combine(set.Holder(k).Path, grid.Runs[k].Folder), root.PathOf(grid.Runs[k].Folder));
        }

        return Finish(grid, root, plotter);
    }

    /// <summary>Writes the grid as a shard stores it; returns its text (the identity the manifest's hash covers).</summary>
    private static string WriteGrid(StudyGrid grid, OutputFolder root)
    {
        string path = root.PathOf(GridFile);
        JsonFile.Write(path, grid.Json());
        return File.ReadAllText(path);
    }

    /// <summary>The options that define a study's grid, as its manifest lists them (where the folders are is not among them).</summary>
    private static List<KeyValuePair<string, object?>> Options(StudyGrid grid) =>
    [
        new("config", grid.Config),
        new("vary", grid.Axes.Select(a => $"{a.Key}={string.Join(",", a.Values)}").ToList()),
        new("backends", grid.Backends.ToList()),
        new("seeds", grid.Seeds.Count.ToString(CultureInfo.InvariantCulture)),
        new("quick", grid.Quick ? "true" : "false"),
        new("set", grid.Overrides.ToList()),
        new("profiles", grid.Profiles.ToList()),
        new("margin_pt", grid.MarginPoints.ToString("R", CultureInfo.InvariantCulture)),
    ];
}
