using System.Text;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Training;
using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Dfa.Runs.Training;

namespace Dfa.Runs.Experiments;

/// <summary>
/// <c>dfa experiment --shard i/n</c> and the experiment half of <c>dfa merge</c>. An item is one member of one
/// selected experiment, numbered in the order a whole run trains them (experiments in catalog order, members in
/// their experiment's order). A shard trains its members into <c>OUT/&lt;experiment&gt;/&lt;member&gt;/</c>, exactly as
/// the whole run lays them out, and records the numbers a report needs (every epoch's metrics, divergence, final
/// alignment, wall time, training-set size) in <c>shard-results.json</c>, with <c>base.yaml</c> beside it. It writes no
/// report: that needs every member. The merge copies the member folders, rebuilds the plans from the manifest's
/// options and the shard's <c>base.yaml</c>, and writes the reports through <see cref="ExperimentRunner.Finish"/>.
/// </summary>
public static class ExperimentShard
{
    public const string Command = "experiment";

    private const string BaseFile = "base.yaml";

    public static void Run(
        IReadOnlyList<PlannedExperiment> plans, ExperimentRequest request, string baseText, ShardSpec shard, OutputFolder root,
        FeedbackBackendRegistry registry, IExperimentView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plans);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(view);
        ShardManifest.Retract(root.Path);
        IReadOnlyList<(int Plan, int Member)> grid = Grid(plans);
        int[] items = shard.Items(grid.Count);
        var written = new List<object?>();
        foreach (IGrouping<int, int> group in items.GroupBy(k => grid[k].Plan))
        {
            PlannedExperiment plan = plans[group.Key];
            int[] ks = [.. group];
            OutputFolder folder = OutputFolder.Claim(root.PathOf(plan.Experiment.Name));
            RunSpec[] specs = ks.Select(k => plan.Specs[grid[k].Member]).ToArray();
            view.Starting(plan, request, specs, folder.Path, shard);
            IReadOnlyList<RunRecord> records = RunBatch.Execute(specs, folder.Path, request.DataFolder, registry, view, cancellationToken);
            for (int j = 0; j < ks.Length; j++)
            {
                written.Add(Member(ks[j], plan.Experiment.Name, MemberResult.From(records[j]), records[j].TrainSamples));
            }
        }

        AtomicFile.WriteAllText(root.PathOf(BaseFile), baseText);
        JsonFile.Write(root.PathOf(ShardManifest.ResultsFile), [new("members", written)]);
        new ShardManifest(Command, shard, ShardManifest.Hash(Command, Options(request), Identity(plans, baseText)), grid.Count, Options(request), items).Write(root.Path);
        view.Info($"shard {shard}: {items.Length} of {grid.Count} members → {root.Path}; combine the shards with dfa merge");
    }

    /// <summary>Copies the members' folders into <paramref name="root"/> and writes every experiment's report and the index.</summary>
    public static void Merge(ShardSet set, OutputFolder root, FeedbackBackendRegistry registry, IExperimentView view)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(root);
        ShardManifest first = set.First;
        IReadOnlyList<string> baseOption = first.Many("base");
        var request = new ExperimentRequest(
            first.One("name"), first.One("quick") == "true", root.Path, null, first.Many("set"), baseOption.Count == 1 ? baseOption[0] : null);
        string basePath = Path.Combine(set.Shards[0].Path, BaseFile);
        string baseText;
        try
        {
            baseText = File.ReadAllText(basePath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"cannot read the shard's base config '{basePath}': {ex.Message}");
        }

        string baseName = request.BaseConfigPath ?? ExperimentCatalog.BaseConfig;
        PlannedExperiment[] plans = ExperimentRunner.Resolve(request.Name)
            .Select(e => ExperimentRunner.Plan(e, request.Quick, baseText, baseName, request.Overrides, registry.Schema)).ToArray();
        if (ShardManifest.Hash(Command, Options(request), Identity(plans, baseText)) != first.GridHash)
        {
            throw new DfaInputException(
                $"the shards' grid {ShardSet.Short(first.GridHash)} is not what this dfa plans from their options and '{basePath}' (another dfa version, or an edited base.yaml)");
        }

        IReadOnlyList<(int Plan, int Member)> grid = Grid(plans);
        if (grid.Count != set.GridItems)
        {
            throw new DfaInputException($"the shards' grid has {set.GridItems} members, this dfa plans {grid.Count}");
        }

        var members = new (MemberResult Result, int TrainSamples)?[grid.Count];
        foreach (ShardFolder shard in set.Shards)
        {
            ReadResults(shard, plans, grid, members);
        }

        var results = new List<ExperimentResult>();
        for (int p = 0; p < plans.Length; p++)
        {
            PlannedExperiment plan = plans[p];
            OutputFolder folder = OutputFolder.Claim(root.PathOf(plan.Experiment.Name));
            int[] ks = Enumerable.Range(0, grid.Count).Where(k => grid[k].Plan == p).ToArray();
            foreach (int k in ks)
            {
                string label = plan.Specs[grid[k].Member].Label;
                CopyTree(Path.Combine(set.Holder(k).Path, plan.Experiment.Name, label), folder.PathOf(label));
            }

            MemberResult[] list = ks.Select(k => members[k]!.Value.Result).ToArray();
            view.Info($"experiment {plan.Experiment.Name}: {list.Length} members from {set.Shards.Count} shards → {folder.Path}");

            // Members ran apart: the experiment's wall time is the sum of its members' (no data loading, no reports).
            results.Add(ExperimentRunner.Finish(
                plan, list, ks.Select(k => members[k]!.Value.TrainSamples).ToArray(), list.Sum(m => m.WallSeconds), request, baseText, folder, view));
        }

        view.AllFinished(results, request, root);
    }

    /// <summary>Every member of every plan, in whole-run order.</summary>
    private static List<(int Plan, int Member)> Grid(IReadOnlyList<PlannedExperiment> plans) =>
        plans.SelectMany((p, i) => Enumerable.Range(0, p.Specs.Count).Select(m => (i, m))).ToList();

    /// <summary>The options that define the grid (<c>--out</c> and <c>--data</c> excluded: where, not what).</summary>
    private static List<KeyValuePair<string, object?>> Options(ExperimentRequest request)
    {
        var options = new List<KeyValuePair<string, object?>>
        {
            new("name", request.Name),
            new("quick", request.Quick ? "true" : "false"),
            new("set", request.Overrides.ToList()),
        };
        if (request.BaseConfigPath is { } b)
        {
            options.Add(new("base", b));
        }

        return options;
    }

    /// <summary>The base config's text and every member's label and full override list, as planned.</summary>
    private static string Identity(IReadOnlyList<PlannedExperiment> plans, string baseText)
    {
        var sb = new StringBuilder(baseText).Append("\n--\n");
        foreach (PlannedExperiment plan in plans)
        {
            for (int m = 0; m < plan.Specs.Count; m++)
            {
                sb.Append(plan.Experiment.Name).Append('/').Append(plan.Specs[m].Label).Append(':').AppendJoin(' ', plan.Overrides[m]).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static List<KeyValuePair<string, object?>> Member(int item, string experiment, MemberResult m, int trainSamples) =>
    [
        new("item", item),
        new("experiment", experiment),
        new("label", m.Label),
        new("train_samples", trainSamples),
        new("diverged_epoch", m.DivergedEpoch),
        new("wall_seconds", m.WallSeconds),
        new("epochs", m.Epochs.Select(e => (object?)new List<KeyValuePair<string, object?>>
        {
            new("epoch", e.Epoch),
            new("learning_rate", e.LearningRate),
            new("train_loss", e.TrainLoss),
            new("train_accuracy", e.TrainAccuracy),
            new("validation_loss", e.ValidationLoss),
            new("validation_accuracy", e.ValidationAccuracy),
            new("test_loss", e.TestLoss),
            new("test_accuracy", e.TestAccuracy),
            new("seconds", e.Seconds),
            new("samples_per_second", e.SamplesPerSecond),
        }).ToList()),
        new("final_alignment", m.FinalAlignment.Select(a => (object?)new List<KeyValuePair<string, object?>>
        {
            new("block", a.Block),
            new("gradient_deg", a.GradientDegrees),
            new("weight_deg", a.WeightDegrees),
        }).ToList()),
    ];

    private static void ReadResults(
        ShardFolder shard, IReadOnlyList<PlannedExperiment> plans, IReadOnlyList<(int Plan, int Member)> grid, (MemberResult, int)?[] members)
    {
        string path = Path.Combine(shard.Path, ShardManifest.ResultsFile);
        try
        {
            using JsonDocument doc = ShardJson.Parse(path);
            var held = new List<int>();
            foreach (JsonElement e in doc.RootElement.GetProperty("members").EnumerateArray())
            {
                int k = e.GetProperty("item").GetInt32();
                if (k < 0 || k >= grid.Count || !shard.Manifest.Shard.Holds(k))
                {
                    throw new DfaInputException($"'{path}' has member {k}, which shard {shard.Manifest.Shard} of {grid.Count} does not hold");
                }

                PlannedExperiment plan = plans[grid[k].Plan];
                string label = e.GetProperty("label").GetString()!, experiment = e.GetProperty("experiment").GetString()!;
                if (experiment != plan.Experiment.Name || label != plan.Specs[grid[k].Member].Label)
                {
                    throw new DfaInputException($"'{path}': member {k} is {experiment}/{label}, the plan has {plan.Experiment.Name}/{plan.Specs[grid[k].Member].Label} there");
                }

                held.Add(k);
                EpochMetrics[] epochs = e.GetProperty("epochs").EnumerateArray().Select(x => new EpochMetrics(
                    x.GetProperty("epoch").GetInt32(),
                    ShardJson.Double(x.GetProperty("learning_rate")),
                    ShardJson.Double(x.GetProperty("train_loss")),
                    ShardJson.Double(x.GetProperty("train_accuracy")),
                    ShardJson.NullableDouble(x.GetProperty("validation_loss")),
                    ShardJson.NullableDouble(x.GetProperty("validation_accuracy")),
                    ShardJson.Double(x.GetProperty("test_loss")),
                    ShardJson.Double(x.GetProperty("test_accuracy")),
                    ShardJson.Double(x.GetProperty("seconds")),
                    ShardJson.Double(x.GetProperty("samples_per_second")))).ToArray();
                BlockAngle[] angles = e.GetProperty("final_alignment").EnumerateArray().Select(a => new BlockAngle(
                    a.GetProperty("block").GetString()!, ShardJson.Double(a.GetProperty("gradient_deg")), ShardJson.Double(a.GetProperty("weight_deg")))).ToArray();
                JsonElement diverged = e.GetProperty("diverged_epoch");
                var result = new MemberResult(
                    label, epochs, diverged.ValueKind == JsonValueKind.Null ? null : diverged.GetInt32(), angles, ShardJson.Double(e.GetProperty("wall_seconds")));
                members[k] = (result, e.GetProperty("train_samples").GetInt32());
            }

            if (!held.SequenceEqual(shard.Manifest.Items))
            {
                throw new DfaInputException($"'{path}' does not hold the members its {ShardManifest.FileName} lists");
            }
        }
        catch (Exception ex) when (ex is not DfaInputException && ShardJson.IsMalformed(ex))
        {
            throw new DfaInputException($"'{path}' is not a valid experiment shard result: {ex.Message}");
        }
    }

    /// <summary>Copies a member's run folder file by file (atomically each), leaving out temporary files of interrupted writes.</summary>
    internal static void CopyTree(string from, string to)
    {
        if (!Directory.Exists(from))
        {
            throw new DfaInputException($"member folder '{from}' is missing from its shard");
        }

        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            string name = Path.GetFileName(file);
            if (!(name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                AtomicFile.WriteAllBytes(Path.Combine(to, name), File.ReadAllBytes(file));
            }
        }

        foreach (string dir in Directory.EnumerateDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
