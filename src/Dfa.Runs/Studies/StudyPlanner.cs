using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Core.Yaml;
using Dfa.Runs.Costing;
using Dfa.Runs.Experiments;
using Dfa.Runs.Training;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;

namespace Dfa.Runs.Studies;

/// <summary>A planned study: the grid, one run spec per distinct run (labelled with its folder) and the base config's text.</summary>
public sealed record StudyPlan(StudyGrid Grid, IReadOnlyList<RunSpec> Specs, string BaseText);

/// <summary>
/// Plans a study before anything trains: every run's config (base config → the quick mode → <c>--set</c> → the point's
/// keys → its backend → its seed), checked by the config's schema, the method planner and the memory check, and every
/// point priced on every profile that can run its backend, through the same <c>Predict</c> the backend's counters are
/// tested against (<see cref="ConfigCosts.Price"/>). A bad key or value fails here in one line naming it, before any
/// folder is made; values that are valid one by one but not together (or not on one of the backends) make an invalid
/// point, reported with the reason and not trained. A run trains DFA's feedback on one backend only, so the other backends' option sections are
/// dropped from its config: a key of another backend then does not split one run into several.
/// </summary>
public static class StudyPlanner
{
    /// <summary>The most distinct runs in one study.</summary>
    public const int MaxRuns = 10_000;

    /// <summary>
    /// The quick mode's overrides: the experiments' quick scale, <see cref="ExperimentMode.QuickTrainSamples"/> training
    /// samples and at most <see cref="ExperimentMode.QuickEpochs"/> epochs (fewer when the config has fewer), applied
    /// right after the base config.
    /// </summary>
    public static IReadOnlyList<string> QuickOverrides(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int samples = Math.Min(config.Data.TrainSamples ?? int.MaxValue, ExperimentMode.QuickTrainSamples);
        return
        [
            $"epochs={Math.Min(config.Epochs, ExperimentMode.QuickEpochs).ToString(CultureInfo.InvariantCulture)}",
            $"data.train_samples={samples.ToString(CultureInfo.InvariantCulture)}",
        ];
    }

    /// <exception cref="DfaInputException">A bad config, key, value, backend or profile (one line); nothing is written.</exception>
    public static StudyPlan Plan(StudyRequest request, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(registry);
        if (request.Seeds is < 1 or > StudyRequest.MaxSeeds)
        {
            throw new DfaInputException($"--seeds takes 1..{StudyRequest.MaxSeeds}, got {request.Seeds}");
        }

        if (!(request.MarginPoints >= 0 && double.IsFinite(request.MarginPoints)))
        {
            throw new DfaInputException($"--margin takes accuracy points ≥ 0, got {request.MarginPoints.ToString(CultureInfo.InvariantCulture)}");
        }

        StudyAxis[] axes = request.Vary.Select(StudyAxis.Parse).ToArray();
        if (axes.GroupBy(a => a.Key, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new DfaInputException($"--vary names {twice.Key} twice; give its values once");
        }

        string baseText = YamlText.ReadFile(request.ConfigPath, ConfigLoader.MaxConfigBytes, "config");
        string path = request.ConfigPath;
        TrainConfig Parse(IReadOnlyList<string> overrides) => ConfigLoader.Parse(baseText, path, overrides, registry.Schema);
        string[] mode = request.Quick ? [.. QuickOverrides(Parse([]))] : [];
        string[] common = [.. mode, .. request.Overrides];
        TrainConfig baseConfig = Parse(common);
        foreach (StudyAxis axis in axes)
        {
            for (int i = 0; i < axis.Values.Count; i++)
            {
                try
                {
                    _ = Parse([.. common, axis.Override(i)]);
                }
                catch (ConfigException ex) when (ex.IsOverride)
                {
                    throw new DfaInputException($"--vary {axis.Override(i)}: {ex.Problem}");
                }
            }
        }

        bool projects = TrainingSetup.UsesFeedbackBackend(baseConfig);
        string[] backends = Backends(request, baseConfig, projects, registry);
        if (axes.Length == 0 && backends.Length < 2)
        {
            throw new DfaInputException("a study varies something: give --vary KEY=SPEC, or two or more --backends");
        }

        ulong[] seeds = Enumerable.Range(0, request.Seeds).Select(k => baseConfig.Seed + (ulong)k).ToArray();
        long pointCount = backends.Length * axes.Aggregate(1L, (n, a) => n * a.Values.Count);
        if (pointCount * seeds.Length > MaxRuns)
        {
            throw new DfaInputException($"a study has at most {MaxRuns} runs; {pointCount} points × {seeds.Length} seeds is {pointCount * seeds.Length}");
        }

        ProfileCatalog catalog = ProfileFolder.Open(request.ProfileFolder);
        string[] profileNames = request.Profiles.Contains("all") ? [.. catalog.Names] : [.. request.Profiles.Distinct()];
        Prices[] prices = profileNames.Select(p => new Prices(catalog.Load(p))).ToArray();

        var runs = new List<StudyRunRef>();
        var specs = new List<RunSpec>();
        var byHash = new Dictionary<string, int>(StringComparer.Ordinal);
        var points = new List<StudyPoint>();
        foreach (string backend in backends)
        {
            foreach (int[] index in Combinations(axes))
            {
                string[] values = index.Select((v, a) => axes[a].Values[v]).ToArray();
                string[] keys = [.. index.Select((v, a) => axes[a].Override(v)), .. request.Backends is null ? [] : new[] { $"feedback.backend={backend}" }];
                var pointRuns = new List<int>();
                var pointSpecs = new List<(StudyRunRef Run, TrainConfig Config)>();
                ProfileCost[] costs;
                try
                {
                    foreach (ulong seed in seeds)
                    {
                        TrainConfig config = Parse([.. common, .. keys, $"seed={seed.ToString(CultureInfo.InvariantCulture)}"]);
                        if (projects)
                        {
                            config = config with { Feedback = config.Feedback with { Sections = config.Feedback.Sections.Only(backend) } };
                        }

                        pointSpecs.Add((new StudyRunRef(RunIdentity.Hash(Check(config, registry)), seed), config));
                    }

                    costs = Price(pointSpecs[0].Config, prices, registry);
                }
                catch (DfaInputException ex)
                {
                    // Each value passed on its own above: only the combination (or this backend) refuses it.
                    points.Add(new StudyPoint(values, backend, [], [], ex is ConfigException c ? c.Problem : ex.Message));
                    continue;
                }

                foreach ((StudyRunRef run, TrainConfig config) in pointSpecs)
                {
                    if (!byHash.TryGetValue(run.Hash, out int at))
                    {
                        at = runs.Count;
                        byHash[run.Hash] = at;
                        runs.Add(run);
                        specs.Add(new RunSpec(run.Folder, config, path));
                    }

                    pointRuns.Add(at);
                }

                points.Add(new StudyPoint(values, backend, pointRuns, costs));
            }
        }

        if (runs.Count == 0)
        {
            throw new DfaInputException($"no point of the study is a valid config: {points[0].Invalid}");
        }

        var grid = new StudyGrid(path, axes, backends, seeds, request.Quick, mode, [.. request.Overrides], profileNames, request.MarginPoints, runs, points);
        return new StudyPlan(grid, specs, baseText);
    }

    /// <summary>The backends a study trains: the config's own, or the ones asked for (each checked).</summary>
    private static string[] Backends(StudyRequest request, TrainConfig config, bool projects, FeedbackBackendRegistry registry)
    {
        if (request.Backends is null)
        {
            return [projects ? registry.Get(config.Feedback.Backend).Name : "none"];
        }

        if (!projects)
        {
            throw new DfaInputException(
                $"--backends needs a config whose backward_method projects errors through a feedback backend (DFA, MODULAR, HYBRID, HDFA); {request.ConfigPath} trains {config.Algorithm.ToString().ToUpperInvariant()}");
        }

        string[] names = request.Backends.Contains("all") ? [.. registry.Names] : [.. request.Backends.Distinct()];
        if (names.Length == 0)
        {
            throw new DfaInputException("--backends is empty");
        }

        return names.Select(n => registry.Get(n).Name).ToArray();
    }

    /// <summary>The method, network and memory checks <c>dfa train</c> makes before allocating, for one run's config.</summary>
    private static TrainConfig Check(TrainConfig config, FeedbackBackendRegistry registry)
    {
        (int inputs, int classes) = ConfigCosts.Shape(config);
        NetworkSpec spec = NetworkSpec.From(config, inputs, classes);
        MethodPlan plan = MethodPlan.For(config, spec);
        IFeedbackBackend? backend = plan.UsesFeedbackBackend ? registry.Get(config.Feedback.Backend) : null;
        MemoryCheck.ThrowIfTooLarge(spec, plan, config, backend);
        return config;
    }

    /// <summary>One step of the point's config on every profile that can run its backend, at its batch size and optimizer.</summary>
    private static ProfileCost[] Price(TrainConfig config, IReadOnlyList<Prices> profiles, FeedbackBackendRegistry registry) =>
        profiles.Where(p => ConfigCosts.Runs(config, p, registry)).Select(p =>
        {
            MethodCost cost = ConfigCosts.Price(config, "study", config.BatchSize, p, registry);
            return new ProfileCost(p.Name, cost.TimeSeconds, cost.EnergyJ, cost.FeedbackStorageBytes);
        }).ToArray();

    /// <summary>Every combination of value indices, the first axis slowest and the last fastest (one empty combination without axes).</summary>
    private static IEnumerable<int[]> Combinations(IReadOnlyList<StudyAxis> axes)
    {
        int[] index = new int[axes.Count];
        while (true)
        {
            yield return (int[])index.Clone();
            int a = axes.Count - 1;
            while (a >= 0 && ++index[a] == axes[a].Values.Count)
            {
                index[a] = 0;
                a--;
            }

            if (a < 0)
            {
                yield break;
            }
        }
    }
}
