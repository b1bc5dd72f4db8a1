using System.Diagnostics;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;
using Dfa.Runs.Training;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;

namespace Dfa.Runs.Compare;

/// <summary>
/// What <c>dfa compare</c> is asked for. <c>Methods</c> (<c>--methods</c>): the <c>backward_method</c> names to train, in
/// order (<c>all</c>: BP, FA, USF, BRSF, FRSF, KOLEN_POLLACK, DFA, DRTP); DFA runs once per <c>Backends</c> entry, every
/// other method once on the base config's feedback settings; null: BP (unless <c>IncludeBp</c> is false) and DFA per backend.
/// </summary>
public sealed record CompareRequest(
    string ConfigPath,
    IReadOnlyList<string> Overrides,
    IReadOnlyList<string> Backends,
    bool IncludeBp,
    IReadOnlyList<string> Profiles,
    string? OutputFolder,
    string? DataFolder,
    string? ProfileFolder,
    int Seeds = 1,
    IReadOnlyList<string>? Methods = null)
{
    /// <summary>The most seeds per member.</summary>
    public const int MaxSeeds = 1000;
}

/// <summary>A finished comparison: its members in run order, the profiles it priced on, its settings and wall time.</summary>
public sealed record CompareResult(IReadOnlyList<CompareMember> Members, IReadOnlyList<string> Profiles, CompareSettings Settings, double WallSeconds, string Folder);

/// <summary>
/// Trains one network with BP and with DFA on every chosen backend, or with the chosen methods (<c>--methods</c>; same
/// config, seed and data), prices every member
/// on the chosen profiles, and writes <c>summary.json</c> and the overlay plots into the comparison's folder, one run
/// folder per member beside them. The host renders the report and tables from the result. With <c>--seeds N</c> every
/// member is also trained with the next N − 1 seeds (folders <c>&lt;label&gt;-seed&lt;S&gt;</c>), and its test accuracy is
/// reported over all N as mean ± sd; the plots, alignment and costs stay the first seed's.
/// </summary>
public static class CompareRunner
{
    public const string DefaultConfig = "configs/compare.yaml";

    /// <exception cref="DfaInputException">A bad config, backend or profile, or nothing to compare; nothing is trained then.</exception>
    /// <exception cref="BatchInterruptedException">Interrupted; finished member runs stay in the folder.</exception>
    public static CompareResult Execute(CompareRequest request, FeedbackBackendRegistry registry, IRunView view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(view);
        long start = Stopwatch.GetTimestamp();
        if (request.Seeds is < 1 or > CompareRequest.MaxSeeds)
        {
            throw new DfaInputException($"--seeds takes 1..{CompareRequest.MaxSeeds}, got {request.Seeds}");
        }

        // A compare config may tune several backends at once (feedback.sparse and feedback.binary …): each member keeps its own section.
        FeedbackSchema schema = registry.Schema with { AnyBackendSection = true };
        TrainConfig baseConfig = ConfigLoader.Load(request.ConfigPath, request.Overrides, schema);

        // "all": the reference (default) backend first, the baseline the others approximate or compress, then the rest
        // in the registry's order; "none": no DFA member (BP alone).
        string[] backends = request.Backends.Contains("all")
            ? [.. registry.Names.OrderBy(n => n == registry.Default.Name ? 0 : 1)]
            : [.. request.Backends.Where(b => b != "none").Select(b => registry.Get(b).Name).Distinct()];

        TrainingAlgorithmKind[] methods = Methods(request, registry);
        if (!methods.Contains(TrainingAlgorithmKind.Dfa))
        {
            backends = [];
        }

        if (methods.Length == 0 || (methods.All(m => m == TrainingAlgorithmKind.Dfa) && backends.Length == 0))
        {
            throw new DfaInputException(request.Methods is null ? "nothing to compare: --no-bp and no backends" : "nothing to compare: --methods dfa with --backends none");
        }

        ProfileCatalog catalog = ProfileFolder.Open(request.ProfileFolder);
        string[] profileNames = request.Profiles.Contains("all") ? [.. catalog.Names] : [.. request.Profiles.Distinct()];
        HardwareProfile[] profiles = profileNames.Select(catalog.Load).ToArray();

        // Members in the order asked (BP, then DFA per backend by default); each is the base config plus the method's own keys.
        var specs = new List<RunSpec>();
        foreach (TrainingAlgorithmKind method in methods)
        {
            if (method == TrainingAlgorithmKind.Dfa)
            {
                specs.AddRange(backends.Select(b => new RunSpec($"dfa-{b}", ForBackend(baseConfig, b), request.ConfigPath)));
                continue;
            }

            string name = MethodNames.Of(method);
            specs.Add(new RunSpec(name.ToLowerInvariant(), ForOwnBackend(ConfigLoader.Load(request.ConfigPath, [.. request.Overrides, $"backward_method={name}"], schema)), request.ConfigPath));
        }

        // The other seeds of every member, after all the first seeds: seed only names the initial weights, the feedback
        // matrices, the shuffling and any training subset, so each is the member's config with that one key changed.
        int members = specs.Count;
        for (int k = 1; k < request.Seeds; k++)
        {
            ulong seed = baseConfig.Seed + (ulong)k;
            specs.AddRange(specs.Take(members).Select(s => new RunSpec(SeedLabel(s.Label, seed), s.Config with { Seed = seed }, s.ConfigLabel)).ToArray());
        }

        string outPath = request.OutputFolder
            ?? Path.Combine("runs", $"compare-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        OutputFolder folder = OutputFolder.Claim(outPath);
        view.Info($"dfa compare {request.ConfigPath} → {folder.Path}");
        view.Info($"  {string.Join(", ", specs.Take(members).Select(s => s.Label))}: {Reports.Units.Count(baseConfig.Epochs, "epoch")}{(members > 1 ? " each" : string.Empty)}, "
            + (request.Seeds == 1 ? $"seed {baseConfig.Seed}" : $"seeds {baseConfig.Seed}..{baseConfig.Seed + (ulong)request.Seeds - 1}") + $", {Units.Count(baseConfig.EffectiveThreads, "thread")}");
        IReadOnlyList<RunRecord> runs;
        try
        {
            runs = RunBatch.Execute(specs, folder.Path, request.DataFolder, registry, view, cancellationToken);
        }
        catch (OperationCanceledException ex) when (ex is not BatchInterruptedException)
        {
            throw new BatchInterruptedException(folder.Path, ex);
        }
        finally
        {
            folder.AbandonIfUnused();
        }

        CompareMember[] compared = [.. runs.Take(members).Select((r, i) => Member(r, [.. Enumerable.Range(1, request.Seeds - 1).Select(k => runs[(k * members) + i])], profiles, registry))];
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var settings = new CompareSettings(baseConfig, request.ConfigPath, request.Overrides, request.Seeds);
        if (view.Plotter is { } plotter)
        {
            CompareFiles.WritePlots(folder.Path, compared, plotter);
        }

        JsonFile.Write(folder.PathOf(CompareFiles.SummaryFile), CompareFiles.Summary(compared, settings, wall));
        return new CompareResult(compared, profileNames, settings, wall, folder.Path);
    }

    /// <summary>
    /// A member other than DFA's per-backend ones (BP, FA, sign symmetry, Kolen–Pollack, DRTP …): the sections tuning other
    /// backends than its own <c>feedback.backend</c> are dropped (the chain rules and BP project nothing; DRTP projects
    /// through that backend), so its run reloads with the plain schema.
    /// </summary>
    private static TrainConfig ForOwnBackend(TrainConfig config) =>
        config with { Feedback = config.Feedback with { Sections = config.Feedback.Sections.Only(config.Feedback.Backend ?? string.Empty) } };

    /// <summary>
    /// The base config as DFA on <paramref name="backend"/>: the base's option section of that backend (e.g.
    /// <c>feedback.sparse</c>) is kept, those of the other backends are dropped, so a config tuned for one backend
    /// still compares against all the others at their defaults.
    /// </summary>
    public static TrainConfig ForBackend(TrainConfig baseConfig, string backend)
    {
        ArgumentNullException.ThrowIfNull(baseConfig);
        return baseConfig with
        {
            Algorithm = TrainingAlgorithmKind.Dfa,
            Feedback = baseConfig.Feedback with { Backend = backend, Sections = baseConfig.Feedback.Sections.Only(backend) },
        };
    }

    /// <summary>The methods a request trains, in order; the names are <c>backward_method</c>'s, case-insensitively.</summary>
    /// <exception cref="DfaInputException">A name that is not a method, listing the valid ones.</exception>
    public static TrainingAlgorithmKind[] Methods(CompareRequest request, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (request.Methods is null)
        {
            return request.IncludeBp ? [TrainingAlgorithmKind.Bp, TrainingAlgorithmKind.Dfa] : [TrainingAlgorithmKind.Dfa];
        }

        var methods = new List<TrainingAlgorithmKind>();
        foreach (string name in request.Methods)
        {
            if (name.Equals("all", StringComparison.OrdinalIgnoreCase))
            {
                methods.AddRange(AllMethods);
                continue;
            }

            try
            {
                methods.Add(ConfigLoader.Parse("{}", "--methods", [$"backward_method={name}"], registry.Schema).Algorithm);
            }
            catch (DfaInputException)
            {
                throw new DfaInputException(
                    $"--methods: unknown method '{name}'; valid: {string.Join(", ", Enum.GetValues<TrainingAlgorithmKind>().Select(MethodNames.Of))}, all");
            }
        }

        return [.. methods.Distinct().Where(m => request.IncludeBp || m != TrainingAlgorithmKind.Bp)];
    }

    /// <summary><c>--methods all</c>: BP and every feedback-alignment rule that trains any network without further settings.</summary>
    public static IReadOnlyList<TrainingAlgorithmKind> AllMethods { get; } =
    [
        TrainingAlgorithmKind.Bp, TrainingAlgorithmKind.Fa, TrainingAlgorithmKind.Usf, TrainingAlgorithmKind.Brsf, TrainingAlgorithmKind.Frsf,
        TrainingAlgorithmKind.KolenPollack, TrainingAlgorithmKind.Dfa, TrainingAlgorithmKind.Drtp,
    ];

    /// <summary>The run folder of a member's run with another seed than the first.</summary>
    public static string SeedLabel(string label, ulong seed) => $"{label}-seed{seed.ToString(CultureInfo.InvariantCulture)}";

    private static CompareMember Member(RunRecord run, IReadOnlyList<RunRecord> otherSeeds, IReadOnlyList<HardwareProfile> profiles, FeedbackBackendRegistry registry)
    {
        TrainConfig config = run.Spec.Config;
        int inputs = run.Setup.Network.InputSize, classes = run.Setup.Network.OutputSize;
        string backend = config.Algorithm == TrainingAlgorithmKind.Dfa ? registry.Get(config.Feedback.Backend).Name : MethodNames.Of(config.Algorithm).ToLowerInvariant();
        (long, long) storage = (0, 0);
        if (run.Setup.Projector is { } projector)
        {
            var imageNet = new FeedbackShape(CompareCosts.ImageNetOutputs, projector.Shape.LayerSizes);
            storage = (projector.Storage.MatrixBytes, registry.Get(config.Feedback.Backend).Predict(imageNet, config.Feedback, config.BatchSize).Storage.MatrixBytes);
        }
        else if (config.Algorithm != TrainingAlgorithmKind.Bp)
        {
            long Stored(int e) => CostModel.BackwardStorageBytes(MethodPlan.For(config, NetworkSpec.From(config, inputs, e)));
            storage = (Stored(classes), Stored(CompareCosts.ImageNetOutputs));
        }

        return new CompareMember(run.Spec.Label, backend, run, storage, CompareCosts.Price(config, inputs, classes, profiles, registry))
        {
            OtherSeeds = otherSeeds,
            ProfileKind = run.Setup.Projector is null ? "any" : Prices.KindOf(registry.Get(config.Feedback.Backend).Device),
        };
    }
}
