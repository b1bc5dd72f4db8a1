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
/// <param name="Folder">The run folder: as given, or a comparison's, experiment's or study's folder joined with the member's.</param>
/// <param name="Config">The effective config, rebuilt from <c>resolved_config</c>.</param>
/// <param name="TestAccuracy">The final test accuracy (a fraction), or null when the run recorded none.</param>
/// <param name="Parameters">The trained network's parameter count, or null when absent.</param>
public sealed record FinishedRun(string Folder, TrainConfig Config, double? TestAccuracy, long? Parameters);

/// <summary>
/// <c>dfa report</c>'s table: for each finished run, its method, final test accuracy and the simulated step of its own
/// network and method on one profile (<see cref="Sim.Cost.CostModel"/>), with the critical path relative to the BP run's
/// (the first run whose method is BP with nothing frozen). Every run is priced from the config it recorded
/// (<c>resolved_config</c> in its <c>summary.json</c>: the config file with every <c>--set</c> applied), never from a
/// config file as it reads now.
/// </summary>
public static class RunReport
{
    /// <summary>A study's index of its runs (issue 15's <c>dfa study</c>): <c>points[].runs[]</c>, folders relative to the study's.</summary>
    public const string StudyFile = "study.json";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// The finished runs <paramref name="folder"/> holds: a run folder (its <c>summary.json</c> records
    /// <c>resolved_config</c>) is one; a comparison (<c>summary.json</c>'s <c>members[].run</c>), an experiment
    /// (<c>experiment</c> and <c>members[].label</c>) or a study (<c>study.json</c>'s <c>points[].runs</c>) is its
    /// members' run folders, in their order.
    /// </summary>
    /// <exception cref="DfaInputException">No such folder, no summary, invalid JSON, a summary that records no config, or a member folder that is none of these (one line naming it).</exception>
    public static IReadOnlyList<FinishedRun> Load(string folder, FeedbackSchema backends)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DfaInputException($"run folder '{folder}' does not exist");
        }

        string study = Path.Combine(folder, StudyFile);
        if (File.Exists(study))
        {
            return [.. Members(study, root => root.TryGetProperty("points", out JsonElement points) && points.ValueKind == JsonValueKind.Array
                ? points.EnumerateArray().SelectMany(p => Strings(p, "runs"))
                : throw new DfaInputException($"{study}: expected a 'points' list whose entries list their 'runs'"))
                .Select(run => LoadRun(Path.Combine(folder, run), backends))];
        }

        string path = Path.Combine(folder, RunRecorder.SummaryFile);
        if (!File.Exists(path))
        {
            throw new DfaInputException($"'{folder}' has no {RunRecorder.SummaryFile} (nor {StudyFile}): it is not a finished run, comparison, experiment or study");
        }

        IReadOnlyList<string> members = Members(path, root =>
            root.TryGetProperty("resolved_config", out _) || !root.TryGetProperty("members", out JsonElement list) || list.ValueKind != JsonValueKind.Array
                ? []
                : list.EnumerateArray().SelectMany(m =>
                    m.ValueKind == JsonValueKind.Object && m.TryGetProperty("run", out JsonElement run) && run.ValueKind == JsonValueKind.String ? [run.GetString()!]
                    : m.ValueKind == JsonValueKind.Object && m.TryGetProperty("runs", out _) ? Strings(m, "runs")
                    : root.TryGetProperty("experiment", out _) ? Strings(m, "label").Take(1)
                    : throw new DfaInputException($"{path}: a member names no run folder ('run' or 'label')")));
        return members.Count == 0 ? [LoadRun(folder, backends)] : [.. members.Select(m => LoadRun(Path.Combine(folder, m), backends))];
    }

    /// <summary>Reads one run folder's <c>summary.json</c>.</summary>
    private static FinishedRun LoadRun(string folder, FeedbackSchema backends)
    {
        folder = Path.TrimEndingDirectorySeparator(folder);
        string path = Path.Combine(folder, RunRecorder.SummaryFile);
        if (!File.Exists(path))
        {
            throw new DfaInputException(Directory.Exists(folder)
                ? $"run folder '{folder}' has no {RunRecorder.SummaryFile}; is it a finished run?"
                : $"run folder '{folder}' does not exist");
        }

        return Read(path, root =>
        {
            double? accuracy = root.TryGetProperty("test_accuracy", out JsonElement a) && a.ValueKind == JsonValueKind.Number ? a.GetDouble() : null;
            long? parameters = root.TryGetProperty("parameters", out JsonElement n) && n.ValueKind == JsonValueKind.Number ? n.GetInt64() : null;
            if (!root.TryGetProperty("resolved_config", out JsonElement resolved) || resolved.ValueKind != JsonValueKind.Object)
            {
                throw new DfaInputException(
                    $"{path} has no resolved_config object (written by an older dfa?), so what the run trained is not known; price its config with 'dfa cost --configs' instead");
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

            try
            {
                return new FinishedRun(folder, ConfigLoader.Parse("{}", $"{path} resolved_config", pairs, backends), accuracy, parameters);
            }
            catch (ConfigException ex)
            {
                throw new DfaInputException($"{path}: resolved_config does not rebuild a config ({ex.Message})");
            }
        });
    }

    private static IReadOnlyList<string> Members(string path, Func<JsonElement, IEnumerable<string>> members) =>
        Read(path, root => (IReadOnlyList<string>)[.. members(root)]);

    /// <summary>The strings of <paramref name="element"/>'s property <paramref name="name"/>: one string, or a list of them.</summary>
    private static IEnumerable<string> Strings(JsonElement element, string name) =>
        element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out JsonElement v) ? []
        : v.ValueKind == JsonValueKind.String ? [v.GetString()!]
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)
        : [];

    private static T Read<T>(string path, Func<JsonElement, T> read)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object ? read(doc.RootElement) : throw new DfaInputException($"{path}: expected a JSON object");
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
