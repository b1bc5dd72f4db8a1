using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dfa.Core.Config;
using Dfa.Runs.Training;

namespace Dfa.Runs.Studies;

/// <summary>
/// What names a run of a study: the SHA-256 of its resolved config (<see cref="ConfigLoader.Describe"/>, the
/// <c>resolved_config</c> of its <c>summary.json</c>: every key with its effective value, one <c>key=value</c> line
/// each, in schema order). Two grid points that resolve to the same config (a key of another backend varied under
/// <c>--backends</c>) share one run; a rerun finds a run finished when its folder's <c>summary.json</c> resolves to the
/// same hash. The summary is the last file a run writes, for a finished or a diverged run alike; a killed run has none.
/// </summary>
public static class RunIdentity
{
    /// <summary>Hex digits of the hash in a run's folder name (64 bits: collisions are not a practical concern).</summary>
    public const int FolderDigits = 16;

    /// <summary>Lowercase hex SHA-256 of the config's resolved keys.</summary>
    public static string Hash(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Hash(ConfigLoader.Describe(config));
    }

    /// <summary>Lowercase hex SHA-256 of <c>key=value\n</c> lines in the given order.</summary>
    public static string Hash(IEnumerable<KeyValuePair<string, string>> resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        var sb = new StringBuilder();
        foreach ((string key, string value) in resolved)
        {
            sb.Append(key).Append('=').Append(value).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The run's folder name inside a study's <c>runs/</c>.</summary>
    public static string FolderName(string hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return hash[..FolderDigits];
    }

    /// <summary>
    /// The finished run in <paramref name="folder"/> if its <c>summary.json</c> exists, parses, resolves to
    /// <paramref name="hash"/> and records a result (a final test accuracy, or a divergence); else null (not run, killed,
    /// or another config's).
    /// </summary>
    public static StudyRunResult? Finished(string folder, string hash)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, RunRecorder.SummaryFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            JsonElement root = doc.RootElement;
            if (!root.TryGetProperty("resolved_config", out JsonElement resolved) || resolved.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var pairs = new List<KeyValuePair<string, string>>();
            foreach (JsonProperty p in resolved.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                pairs.Add(new(p.Name, p.Value.GetString()!));
            }

            if (Hash(pairs) != hash)
            {
                return null;
            }

            bool diverged = root.TryGetProperty("diverged", out JsonElement d) && d.ValueKind == JsonValueKind.True;
            double? accuracy = Number(root, "test_accuracy");
            if (!diverged && accuracy is null)
            {
                return null;
            }

            return new StudyRunResult(hash, diverged ? null : accuracy, diverged, Number(root, "final_train_loss"), Integer(root, "epochs"));
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;

    private static int? Integer(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int v) ? v : null;
}

/// <summary>
/// What a study needs from one finished run: its final test accuracy (a fraction; null for a diverged run), whether it
/// diverged, its final train loss and the epochs it completed.
/// </summary>
public sealed record StudyRunResult(string Hash, double? TestAccuracy, bool Diverged, double? FinalTrainLoss, int? Epochs);
