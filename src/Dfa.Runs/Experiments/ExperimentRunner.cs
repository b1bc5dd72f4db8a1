using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;
using Dfa.Runs.Compare;
using Dfa.Runs.Files;
using Dfa.Runs.Studies;
using Dfa.Runs.Training;

namespace Dfa.Runs.Experiments;

/// <summary>
/// One experiment's members as built configs, before any training. With <paramref name="Seeds"/> &gt; 1 the specs are
/// every member with the first seed (labels as the catalog names them), then every member with each next seed
/// (<c>&lt;label&gt;-seed&lt;S&gt;</c>, <c>--set seed=S</c> last in its overrides), as <c>dfa compare --seeds</c> lays them out.
/// </summary>
public sealed record PlannedExperiment(Experiment Experiment, ExperimentMode Mode, IReadOnlyList<RunSpec> Specs, IReadOnlyList<IReadOnlyList<string>> Overrides, int Seeds = 1)
{
    /// <summary>The most seeds an experiment takes.</summary>
    public const int MaxSeeds = 1000;

    /// <summary>The experiment's members per seed.</summary>
    public int MemberCount => Experiment.Members.Count;

    /// <summary>The seed of each seed slice, first to last.</summary>
    public IReadOnlyList<ulong> SeedValues => Enumerable.Range(0, Seeds).Select(k => Specs[k * MemberCount].Config.Seed).ToArray();

    /// <summary>
    /// The members of seed slice <paramref name="k"/> from results in spec order, labelled as the catalog names them,
    /// so a verdict function finds <c>bp</c> or <c>dfa</c> on every seed.
    /// </summary>
    public IReadOnlyList<MemberResult> SeedSlice(IReadOnlyList<MemberResult> all, int k)
    {
        ArgumentNullException.ThrowIfNull(all);
        return Enumerable.Range(0, MemberCount).Select(i => all[(k * MemberCount) + i] with { Label = Experiment.Members[i].Label }).ToArray();
    }

    /// <summary>The experiment's verdict on each seed's members, in seed order.</summary>
    public IReadOnlyList<Verdict> JudgeEachSeed(IReadOnlyList<MemberResult> all) =>
        Enumerable.Range(0, Seeds).Select(k => Experiment.Judge(SeedSlice(all, k))).ToArray();

    /// <summary><c>quick</c> or <c>full</c>.</summary>
    public string ModeName => ReferenceEquals(Mode, Experiment.Quick) ? "quick" : "full";

    /// <summary>
    /// The budget the members were built with, after <c>--set</c>: the mode's unless a <c>--set</c> changed it (a
    /// member whose epochs or training samples differ is reported as it ran); the rate when every member shares one.
    /// </summary>
    public string Ran
    {
        get
        {
            TrainConfig first = Specs[0].Config;
            bool sameBudget = Specs.All(s => s.Config.Epochs == first.Epochs && s.Config.Data.TrainSamples == first.Data.TrainSamples);
            double? lr = Specs.All(s => s.Config.LearningRate == first.LearningRate) ? first.LearningRate : null;
            return sameBudget ? ExperimentMode.Describe(first.Epochs, first.Data.TrainSamples, lr) : "budgets that differ by member";
        }
    }

    /// <summary>Whether every member trains for the mode's epochs on the mode's training samples, as its verdict assumes.</summary>
    public bool OnBudget => Specs.All(s => s.Config.Epochs == Mode.Epochs && s.Config.Data.TrainSamples == Mode.TrainSamples);
}

/// <summary>
/// A finished experiment: its runs' results and training-set sizes (spec order: members × seeds), its verdict, the
/// verdict of each seed (one entry for one seed) and how long it took.
/// </summary>
public sealed record ExperimentResult(PlannedExperiment Plan, IReadOnlyList<MemberResult> Members, IReadOnlyList<int> TrainSamples, Verdict Verdict, double WallSeconds, string Folder)
{
    public IReadOnlyList<Verdict> SeedVerdicts { get; init; } = [Verdict];

    /// <summary>
    /// Per catalog member over its seeds: final test accuracy and final train loss (diverged runs left out) and how
    /// many seeds diverged.
    /// </summary>
    public IReadOnlyList<(string Label, Spread TestAccuracy, Spread FinalTrainLoss, int Diverged)> OverSeeds =>
        Plan.Experiment.Members.Select((member, i) =>
        {
            MemberResult[] runs = Enumerable.Range(0, Plan.Seeds).Select(k => Members[(k * Plan.MemberCount) + i]).ToArray();
            MemberResult[] finished = runs.Where(r => !r.Diverged && r.Epochs.Count > 0).ToArray();
            return (member.Label, Spread.Of(finished.Select(r => r.FinalTestAccuracy)), Spread.Of(finished.Select(r => r.FinalTrainLoss)), runs.Count(r => r.Diverged));
        }).ToArray();
}

/// <summary>
/// Runs experiments: builds every member's config (base config, then the mode's epochs / samples / rate, then the
/// command line's <c>--set</c>, then the member's own overrides, so the key an experiment varies stays varied), trains
/// them through <see cref="RunBatch"/> into <c>OUT/&lt;experiment&gt;/&lt;member&gt;/</c>, judges the results and writes
/// each experiment's summary and plots (its report is the host's, <see cref="IExperimentView"/>). Every config of every requested experiment is built before the first run, so a bad <c>--set</c> fails
/// in a second, not an hour in.
/// </summary>
public static class ExperimentRunner
{
    /// <summary>The shipped base config's text (embedded, so the published executable needs no repository).</summary>
    public static string ShippedBaseConfig()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dfa.Runs.Experiments.base.yaml")
            ?? throw new InvalidOperationException("The embedded experiments base config is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The experiments <paramref name="name"/> names: one, or <c>all</c>; an unknown name lists the valid ones.</summary>
    public static IReadOnlyList<Experiment> Resolve(string name)
    {
        if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase))
        {
            return ExperimentCatalog.All;
        }

        return ExperimentCatalog.Find(name) is { } e
            ? [e]
            : throw new DfaInputException($"unknown experiment '{name}'; valid names: {string.Join(", ", ExperimentCatalog.Names)}, all");
    }

    /// <summary>Builds every member's config; config errors surface here as <see cref="ConfigException"/>.</summary>
    public static PlannedExperiment Plan(Experiment experiment, bool quick, string baseText, string baseName, IReadOnlyList<string> overrides, FeedbackSchema backends, int seeds = 1)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        if (seeds is < 1 or > PlannedExperiment.MaxSeeds)
        {
            throw new DfaInputException($"--seeds takes 1..{PlannedExperiment.MaxSeeds}, got {seeds}");
        }

        ExperimentMode mode = experiment.Mode(quick);
        var specs = new List<RunSpec>();
        var all = new List<IReadOnlyList<string>>();
        foreach (ExperimentMember member in experiment.Members)
        {
            List<string> list = [.. mode.Overrides, .. overrides, .. member.Overrides];
            TrainConfig config = ConfigLoader.Parse(baseText, baseName, list, backends);
            specs.Add(new RunSpec(member.Label, config, baseName));
            all.Add(list);
        }

        // The other seeds after all the first ones (a member may set its own seed; each next seed counts on from it).
        int members = specs.Count;
        for (int k = 1; k < seeds; k++)
        {
            for (int i = 0; i < members; i++)
            {
                ulong seed = specs[i].Config.Seed + (ulong)k;
                specs.Add(new RunSpec(CompareRunner.SeedLabel(specs[i].Label, seed), specs[i].Config with { Seed = seed }, baseName));
                all.Add([.. all[i], $"seed={seed.ToString(CultureInfo.InvariantCulture)}"]);
            }
        }

        return new PlannedExperiment(experiment, mode, specs, all, seeds);
    }

    /// <summary>Runs the requested experiments (or this shard's members of them) into the request's folder.</summary>
    /// <returns>The output folder.</returns>
    public static string Execute(ExperimentRequest request, FeedbackBackendRegistry registry, IExperimentView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(view);
        IReadOnlyList<Experiment> experiments = Resolve(request.Name);
        string baseName = request.BaseConfigPath ?? ExperimentCatalog.BaseConfig;
        string baseText = BaseText(request.BaseConfigPath);
        PlannedExperiment[] plans = experiments.Select(e => Plan(e, request.Quick, baseText, baseName, request.Overrides, registry.Schema, request.Seeds)).ToArray();

        string outPath = request.OutputFolder
            ?? Path.Combine("runs", "experiments", DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        OutputFolder root = OutputFolder.Claim(outPath);
        if (request.Shard is { } shard)
        {
            try
            {
                ExperimentShard.Run(plans, request, baseText, shard, root, registry, view, cancellationToken);
                return root.Path;
            }
            finally
            {
                root.AbandonIfUnused();
            }
        }

        var results = new List<ExperimentResult>();
        try
        {
            foreach (PlannedExperiment plan in plans)
            {
                results.Add(RunOne(plan, request, baseText, root, registry, view, cancellationToken));
            }
        }
        finally
        {
            root.AbandonIfUnused();
        }

        view.AllFinished(results, request, root);
        return root.Path;
    }

    /// <summary>
    /// Judges an experiment whose members have run (here, or on shards) and writes its folder's <c>base.yaml</c>,
    /// summary and plots, then hands it to the view for its report: the one path from member results to an
    /// experiment's folder.
    /// </summary>
    public static ExperimentResult Finish(
        PlannedExperiment plan, IReadOnlyList<MemberResult> members, IReadOnlyList<int> trainSamples, double wallSeconds,
        ExperimentRequest request, string baseText, OutputFolder folder, IExperimentView view)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(view);
        IReadOnlyList<Verdict> seedVerdicts = plan.JudgeEachSeed(members);
        Verdict verdict = Verdict.OverSeeds(plan.Experiment.Name, seedVerdicts, plan.SeedValues);
        if (!plan.OnBudget)
        {
            // The criteria are calibrated on the mode's budget: on other runs they are measured, not judged.
            string notJudged = $"{plan.Experiment.Name}: {Verdict.Text(VerdictStatus.NotJudged)} — ran {plan.Ran}, not the {plan.ModeName} mode's {plan.Mode.Text}; measured: ";
            string measured = plan.Seeds == 1
                ? Verdict.Measured(verdict.Line)
                : string.Join("; ", seedVerdicts.Zip(plan.SeedValues).Select(x => $"seed {x.Second}: {Verdict.Measured(x.First.Line)}"));
            verdict = new Verdict(VerdictStatus.NotJudged, notJudged + measured);
            seedVerdicts = seedVerdicts.Select(v => new Verdict(VerdictStatus.NotJudged, notJudged + Verdict.Measured(v.Line))).ToArray();
        }

        var result = new ExperimentResult(plan, members, trainSamples, verdict, wallSeconds, folder.Path) { SeedVerdicts = seedVerdicts };
        AtomicFile.WriteAllText(folder.PathOf("base.yaml"), baseText);
        if (view.Plotter is { } plotter)
        {
            ExperimentFiles.WritePlots(result, folder, plotter);
        }

        JsonFile.Write(folder.PathOf(ExperimentFiles.SummaryFile), ExperimentFiles.Summary(result, request));
        view.Finished(result, request, folder);
        return result;
    }

    private static ExperimentResult RunOne(
        PlannedExperiment plan, ExperimentRequest request, string baseText, OutputFolder root, FeedbackBackendRegistry registry, IExperimentView view, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        OutputFolder folder = OutputFolder.Claim(root.PathOf(plan.Experiment.Name));
        view.Starting(plan, request, plan.Specs, folder.Path, null);
        IReadOnlyList<RunRecord> records = RunBatch.Execute(plan.Specs, folder.Path, request.DataFolder, registry, view, cancellationToken);
        MemberResult[] members = records.Select(MemberResult.From).ToArray();
        return Finish(plan, members, records.Select(r => r.TrainSamples).ToArray(), Stopwatch.GetElapsedTime(start).TotalSeconds, request, baseText, folder, view);
    }

    /// <summary>The base config's text: the file at <paramref name="path"/>, or the shipped one when null.</summary>
    public static string BaseText(string? path) => path is null ? ShippedBaseConfig() : ReadBase(path);

    private static string ReadBase(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"cannot read base config '{path}': {ex.Message}");
        }
    }
}
