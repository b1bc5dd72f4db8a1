using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;
using Dfa.Runs.Files;
using Dfa.Runs.Training;

namespace Dfa.Runs.Experiments;

/// <summary>One experiment's members as built configs, before any training.</summary>
public sealed record PlannedExperiment(Experiment Experiment, ExperimentMode Mode, IReadOnlyList<RunSpec> Specs, IReadOnlyList<IReadOnlyList<string>> Overrides)
{
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

/// <summary>A finished experiment: its members' results and training-set sizes (member order), its verdict and how long it took.</summary>
public sealed record ExperimentResult(PlannedExperiment Plan, IReadOnlyList<MemberResult> Members, IReadOnlyList<int> TrainSamples, Verdict Verdict, double WallSeconds, string Folder);

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
    public static PlannedExperiment Plan(Experiment experiment, bool quick, string baseText, string baseName, IReadOnlyList<string> overrides, FeedbackSchema backends)
    {
        ArgumentNullException.ThrowIfNull(experiment);
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

        return new PlannedExperiment(experiment, mode, specs, all);
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
        PlannedExperiment[] plans = experiments.Select(e => Plan(e, request.Quick, baseText, baseName, request.Overrides, registry.Schema)).ToArray();

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
        Verdict verdict = plan.Experiment.Judge(members);
        if (!plan.OnBudget)
        {
            // The criteria are calibrated on the mode's budget: on other runs they are measured, not judged.
            string measured = verdict.Line[(verdict.Line.IndexOf(" — ", StringComparison.Ordinal) + 3)..];
            verdict = new Verdict(
                VerdictStatus.NotJudged,
                $"{plan.Experiment.Name}: {Verdict.Text(VerdictStatus.NotJudged)} — ran {plan.Ran}, not the {plan.ModeName} mode's {plan.Mode.Text}; measured: {measured}");
        }

        var result = new ExperimentResult(plan, members, trainSamples, verdict, wallSeconds, folder.Path);
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
