using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Dfa.Backends.Registry;
using Dfa.Cli.Runs;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Spectre.Console;
using Dfa.Core.Yaml;

namespace Dfa.Cli.Experiments;

/// <summary>One experiment's members as built configs, before any training.</summary>
internal sealed record PlannedExperiment(Experiment Experiment, ExperimentMode Mode, IReadOnlyList<RunSpec> Specs, IReadOnlyList<IReadOnlyList<string>> Overrides);

/// <summary>A finished experiment: its members' results and training-set sizes (member order), its verdict and how long it took.</summary>
internal sealed record ExperimentResult(PlannedExperiment Plan, IReadOnlyList<MemberResult> Members, IReadOnlyList<int> TrainSamples, Verdict Verdict, double WallSeconds, string Folder);

/// <summary>
/// Runs experiments: builds every member's config (base config, then the mode's epochs / samples / rate, then the
/// command line's <c>--set</c>, then the member's own overrides, so the key an experiment varies stays varied), trains
/// them through <see cref="RunBatch"/> into <c>OUT/&lt;experiment&gt;/&lt;member&gt;/</c>, judges the results and writes
/// the reports. Every config of every requested experiment is built before the first run, so a bad <c>--set</c> fails
/// in a second, not an hour in.
/// </summary>
internal static class ExperimentRunner
{
    /// <summary>The shipped base config's text (embedded, so the published executable needs no repository).</summary>
    public static string ShippedBaseConfig()
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Dfa.Cli.Experiments.base.yaml")
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

    public static int Execute(ExperimentRequest request, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
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
                ExperimentShard.Run(plans, request, baseText, shard, root, registry, console, cancellationToken);
                return ExitCodes.Success;
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
                results.Add(RunOne(plan, request, baseText, root, registry, console, cancellationToken));
            }
        }
        finally
        {
            root.AbandonIfUnused();
        }

        WriteIndex(results, request, root, console);
        return ExitCodes.Success;
    }

    /// <summary>The index <c>report.md</c> of more than one experiment, and the verdict lines on the console.</summary>
    public static void WriteIndex(IReadOnlyList<ExperimentResult> results, ExperimentRequest request, OutputFolder root, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(console);
        if (results.Count > 1)
        {
            AtomicFile.WriteAllText(root.PathOf("report.md"), ExperimentReport.Index(results, request));
            console.MarkupLine($"[bold]verdicts[/] ({Markup.Escape(root.PathOf("report.md"))}):");
            foreach (ExperimentResult r in results)
            {
                console.MarkupLine($"  {Markup.Escape(r.Verdict.Line)} [grey]({r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture)} s)[/]");
            }
        }
    }

    /// <summary>
    /// Judges an experiment whose members have run (here, or on shards) and writes its folder's <c>base.yaml</c>,
    /// report, summary and plots: the one path from member results to an experiment's report.
    /// </summary>
    public static ExperimentResult Finish(
        PlannedExperiment plan, IReadOnlyList<MemberResult> members, IReadOnlyList<int> trainSamples, double wallSeconds,
        ExperimentRequest request, string baseText, OutputFolder folder, IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(console);
        Verdict verdict = plan.Experiment.Judge(members);
        var result = new ExperimentResult(plan, members, trainSamples, verdict, wallSeconds, folder.Path);
        AtomicFile.WriteAllText(folder.PathOf("base.yaml"), baseText);
        ExperimentReport.Write(result, request, folder);
        console.MarkupLine($"  [bold]{Markup.Escape(verdict.Line)}[/]");
        return result;
    }

    private static ExperimentResult RunOne(
        PlannedExperiment plan, ExperimentRequest request, string baseText, OutputFolder root, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        Experiment e = plan.Experiment;
        long start = Stopwatch.GetTimestamp();
        OutputFolder folder = OutputFolder.Claim(root.PathOf(e.Name));
        console.MarkupLine(
            $"[bold]experiment {Markup.Escape(e.Name)}[/] ({(request.Quick ? "quick" : "full")}: {ExperimentReport.ModeText(plan.Mode)}; {plan.Specs.Count} members) → {Markup.Escape(folder.Path)}");
        IReadOnlyList<RunRecord> records = RunBatch.Execute(plan.Specs, folder.Path, request.DataFolder, registry, console, cancellationToken);
        MemberResult[] members = records.Select(MemberResult.From).ToArray();
        return Finish(plan, members, records.Select(r => r.TrainSamples).ToArray(), Stopwatch.GetElapsedTime(start).TotalSeconds, request, baseText, folder, console);
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
