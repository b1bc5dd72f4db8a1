using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Runs.Costing;

/// <summary>
/// What <c>dfa cost</c> prices: named workloads × output sizes × profiles × batches × backends, or configs ×
/// profiles × batches, every row through the one cost engine.
/// </summary>
public static class CostTables
{
    /// <summary>
    /// Every combination, in workload, e, profile, batch, backend order, in <paramref name="precision"/>; combinations
    /// that cannot run (a backend on another kind of device, a profile without the precision's rate) are listed in
    /// <paramref name="skipped"/>. Each step ends with <paramref name="optimizer"/>'s update (plain SGD unless told), so a
    /// workload priced with a config's optimizer gives the config's numbers.
    /// </summary>
    public static IReadOnlyList<MethodCost> Workloads(
        FeedbackBackendRegistry registry, ProfileCatalog catalog, IReadOnlyList<string> workloads, IReadOnlyList<int> outputs,
        IReadOnlyList<string> backends, IReadOnlyList<string> profiles, IReadOnlyList<int> batches, bool feedbackAtInput,
        out IReadOnlyList<string> skipped, OptimizerKind optimizer = OptimizerKind.Sgd, Precision precision = Precision.Fp32)
    {
        IReadOnlyList<string> backendNames = backends.Contains("all") ? CostPlans.AllNames(registry) : backends;
        var notes = new List<string>();
        Prices[] prices = Load(catalog, profiles, precision, notes);
        var rows = new List<MethodCost>();
        var skippedOn = new Dictionary<string, List<string>>();
        foreach (string w in workloads)
        {
            foreach (int e in outputs)
            {
                NetworkSpec workload = WorkloadCatalog.Create(w, e, feedbackAtInput);
                foreach (Prices p in prices)
                {
                    foreach (int batch in batches)
                    {
                        foreach (string b in backendNames)
                        {
                            if (!CostPlans.Runs(b, p, registry))
                            {
                                // One note per backend, naming every profile it was skipped on.
                                string note = $"{b} is priced on {Prices.KindOf(registry.Get(CostPlans.BackendOf(b, registry)).Device)} profiles only; skipped on";
                                List<string> on = skippedOn.TryGetValue(note, out List<string>? list) ? list : skippedOn[note] = [];
                                if (!on.Contains(p.Name))
                                {
                                    on.Add(p.Name);
                                }

                                continue;
                            }

                            rows.Add(CostPlans.Price(b, workload, batch, p, registry, optimizer: optimizer));
                        }
                    }
                }
            }
        }

        skipped = [.. notes, .. skippedOn.Select(n => $"{n.Key} {string.Join(", ", n.Value)}")];
        return rows;
    }

    /// <summary>
    /// Every config on every profile at every batch (null: each config's <c>batch_size</c>), in config, profile, batch
    /// order; a config whose backend a profile cannot run is listed in <paramref name="skipped"/>.
    /// </summary>
    public static IReadOnlyList<PricedConfig> Configs(
        FeedbackBackendRegistry registry, ProfileCatalog catalog, IReadOnlyList<string> configs, IReadOnlyList<string> profiles,
        IReadOnlyList<int>? batches, out IReadOnlyList<string> skipped, Precision precision = Precision.Fp32)
    {
        var notes = new List<string>();
        Prices[] prices = Load(catalog, profiles, precision, notes);
        var rows = new List<PricedConfig>();
        foreach (string path in configs)
        {
            TrainConfig config = ConfigLoader.Load(Files.ShippedFiles.Config(path), null, registry.Schema);
            string label = path;
            foreach (Prices p in prices)
            {
                if (!ConfigCosts.Runs(config, p, registry))
                {
                    notes.Add($"{path}: the {config.Feedback.Backend} backend is priced on {Prices.KindOf(registry.Get(config.Feedback.Backend).Device)} profiles only; skipped on {p.Name}");
                    continue;
                }

                foreach (int batch in batches ?? [config.BatchSize])
                {
                    rows.Add(new PricedConfig(label, ConfigCosts.Price(config, label, batch, p, registry), ConfigCosts.Plan(config, label)));
                }
            }
        }

        skipped = notes;
        return rows;
    }

    /// <summary>The named profiles (or all) in <paramref name="precision"/>; those without its rate are noted and left out.</summary>
    private static Prices[] Load(ProfileCatalog catalog, IReadOnlyList<string> profiles, Precision precision, List<string> notes)
    {
        var prices = new List<Prices>();
        foreach (string name in profiles.Contains("all") ? catalog.Names : profiles)
        {
            var p = new Prices(catalog.Load(name));
            if (p.SupportedPrecisions.Contains(precision))
            {
                prices.Add(p.WithPrecision(precision));
            }
            else
            {
                notes.Add($"{name} has no {Precisions.Name(precision)} rate ({Precisions.RateField(precision)}); skipped");
            }
        }

        return [.. prices];
    }
}
