using System.Globalization;
using System.Text;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;
using Dfa.Runs.Training;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Costing;

/// <summary>A finished run as <c>dfa report</c> reads it from its folder's <c>summary.json</c>.</summary>
/// <param name="Folder">The run folder as given.</param>
/// <param name="Config">The effective config, rebuilt from <c>resolved_config</c>.</param>
/// <param name="TestAccuracy">The final test accuracy (a fraction), or null when the run recorded none.</param>
/// <param name="Parameters">The trained network's parameter count, or null when absent.</param>
/// <param name="ConfigFile">
/// Null when the config came from <c>resolved_config</c>; else the config file the summary names, which a run written
/// before <c>resolved_config</c> existed is priced from (its <c>--set</c> overrides are not recorded).
/// </param>
public sealed record FinishedRun(string Folder, TrainConfig Config, double? TestAccuracy, long? Parameters, string? ConfigFile = null);

/// <summary>
/// <c>dfa report</c>'s table: for each finished run, its method, final test accuracy and the simulated step of its own
/// network and method on one profile (<see cref="Sim.Cost.CostModel"/>), with the critical path relative to the BP run's
/// (the first run whose method is BP with nothing frozen). The accuracy-against-critical-path table.
/// </summary>
public static class RunReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Reads <c>FOLDER/summary.json</c>.</summary>
    /// <exception cref="DfaInputException">No such folder or file, invalid JSON, or no <c>resolved_config</c> (one line naming the folder).</exception>
    public static FinishedRun Load(string folder, FeedbackSchema backends)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DfaInputException($"run folder '{folder}' does not exist");
        }

        string path = Path.Combine(folder, RunRecorder.SummaryFile);
        if (!File.Exists(path))
        {
            throw new DfaInputException($"run folder '{folder}' has no {RunRecorder.SummaryFile}; is it a finished run?");
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DfaInputException($"{path}: expected a JSON object");
            }

            double? accuracy = root.TryGetProperty("test_accuracy", out JsonElement a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
            long? parameters = root.TryGetProperty("parameters", out JsonElement n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : null;
            if (!root.TryGetProperty("resolved_config", out JsonElement resolved) || resolved.ValueKind != JsonValueKind.Object)
            {
                // A run from before resolved_config: its summary names the config file it was started with.
                if (root.TryGetProperty("config", out JsonElement file) && file.ValueKind == JsonValueKind.String && File.Exists(file.GetString()))
                {
                    return new FinishedRun(folder, ConfigLoader.Load(file.GetString()!, null, backends), accuracy, parameters, file.GetString());
                }

                throw new DfaInputException($"{path} has no resolved_config object (written by an older dfa?) and the config file it names is not here; price its config with 'dfa cost --config' instead");
            }

            var pairs = new List<string>();
            foreach (JsonProperty p in resolved.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    throw new DfaInputException($"{path}: resolved_config.{p.Name} must be a string, got {p.Value.ValueKind.ToString().ToLowerInvariant()}");
                }

                pairs.Add($"{p.Name}={p.Value.GetString()}");
            }

            TrainConfig config;
            try
            {
                config = ConfigLoader.Parse("{}", $"{path} resolved_config", pairs, backends);
            }
            catch (ConfigException ex)
            {
                throw new DfaInputException($"{path}: resolved_config does not rebuild a config ({ex.Message})");
            }

            return new FinishedRun(folder, config, accuracy, parameters);
        }
        catch (JsonException ex)
        {
            throw new DfaInputException($"{path}: not valid JSON: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw new DfaInputException($"{path}: cannot read it: {ex.Message}");
        }
    }

    /// <summary>Prices every run on <paramref name="prices"/> at <paramref name="batch"/> (null: each run's <c>batch_size</c>).</summary>
    /// <exception cref="DfaInputException">A run the profile cannot price (an optical backend on a digital profile), or whose priced network is not the trained one.</exception>
    public static IReadOnlyList<(FinishedRun Run, MethodCost Cost)> Price(IReadOnlyList<FinishedRun> runs, Prices prices, int? batch, FeedbackBackendRegistry registry)
    {
        var rows = new List<(FinishedRun, MethodCost)>();
        foreach (FinishedRun run in runs)
        {
            if (!ConfigCosts.Runs(run.Config, prices, registry))
            {
                throw new DfaInputException($"{run.Folder}: its {run.Config.Feedback.Backend} backend is priced on {Prices.KindOf(registry.Get(run.Config.Feedback.Backend).Device)} profiles only, not on {prices.Name}; pick one with --profile");
            }

            MethodCost cost = ConfigCosts.Price(run.Config, Path.GetFileName(Path.TrimEndingDirectorySeparator(run.Folder)), batch ?? run.Config.BatchSize, prices, registry);
            long priced = ConfigCosts.Parameters(run.Config);
            if (run.Parameters is { } trained && trained != priced)
            {
                throw new DfaInputException($"{run.Folder}: the priced network has {priced} parameters but the run trained {trained}; its data's shape differs from its config's");
            }

            rows.Add((run, cost));
        }

        return rows;
    }
}
