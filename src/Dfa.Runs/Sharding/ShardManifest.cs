using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dfa.Core;
using Dfa.Runs.Files;

namespace Dfa.Runs.Sharding;

/// <summary>
/// A shard's <c>shard.json</c>: which shard of which grid its folder holds. The grid is named by its command, the
/// options that define it (output folders and data locations excluded: they differ between machines, not results) and
/// a SHA-256 over those options plus an identity text the command adds (a sweep: every price of its profile after
/// <c>--set</c>; an experiment: the base config's text and every member's overrides), so two shards of "the same"
/// command line run against a different profile file or base config do not merge. A shard writes this file last, after
/// its results, so a folder without it is an unfinished shard.
/// </summary>
public sealed record ShardManifest(
    string Command,
    ShardSpec Shard,
    string GridHash,
    int GridItems,
    IReadOnlyList<KeyValuePair<string, object?>> Options,
    IReadOnlyList<int> Items)
{
    public const string FileName = "shard.json";

    /// <summary>The shard's items' results, in a format its command defines (read back by <c>dfa merge</c>).</summary>
    public const string ResultsFile = "shard-results.json";

    public const string Format = "dfa-shard/1";

    public const string Assignment = "item k (0-based, in whole-run order) belongs to shard (k mod n) + 1";

    /// <summary>
    /// The grid's hash: lowercase hex SHA-256 of <c>command</c>, then one <c>key=value</c> line per option (one line per
    /// value of a repeated option), then <paramref name="identity"/>.
    /// </summary>
    public static string Hash(string command, IReadOnlyList<KeyValuePair<string, object?>> options, string identity)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sb = new StringBuilder().Append(Format).Append('\n').Append(command).Append('\n');
        foreach ((string key, object? value) in options)
        {
            foreach (string v in Values(value))
            {
                sb.Append(key).Append('=').Append(v).Append('\n');
            }
        }

        sb.Append("--\n").Append(identity);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    /// <summary>The single value of option <paramref name="key"/> (a merge reads the options the shards ran with).</summary>
    public string One(string key) => Options.FirstOrDefault(o => o.Key == key).Value as string
        ?? throw new DfaInputException($"{FileName}: option '{key}' is missing");

    /// <summary>The values of repeated option <paramref name="key"/> (empty when absent).</summary>
    public IReadOnlyList<string> Many(string key) => Options.FirstOrDefault(o => o.Key == key).Value is { } v ? Values(v) : [];

    /// <summary>Removes a previous attempt's manifest, so a shard that fails now cannot be mistaken for a finished one.</summary>
    public static void Retract(string folder) => File.Delete(Path.Combine(folder, FileName));

    public void Write(string folder) => JsonFile.Write(Path.Combine(folder, FileName),
    [
        new("format", Format),
        new("command", Command),
        new("shard", Shard.ToString()),
        new("index", Shard.Index),
        new("count", Shard.Count),
        new("grid", new List<KeyValuePair<string, object?>>
        {
            new("hash", GridHash),
            new("items", GridItems),
            new("assignment", Assignment),
            new("options", Options.ToList()),
        }),
        new("items", Items.ToList()),
    ]);

    /// <summary>Reads <c>FOLDER/shard.json</c>.</summary>
    /// <exception cref="DfaInputException">The folder or file is missing, or the file is not a shard manifest.</exception>
    public static ShardManifest Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string path = Path.Combine(folder, FileName);
        if (!Directory.Exists(folder))
        {
            throw new DfaInputException($"shard folder '{folder}' does not exist");
        }

        if (!File.Exists(path))
        {
            throw new DfaInputException($"'{folder}' has no {FileName}: not a shard folder, or its shard has not finished");
        }

        try
        {
            using JsonDocument doc = ShardJson.Parse(path);
            JsonElement root = doc.RootElement;
            if (root.GetProperty("format").GetString() != Format)
            {
                throw new DfaInputException($"'{path}' is not a {Format} manifest");
            }

            JsonElement grid = root.GetProperty("grid");
            var options = new List<KeyValuePair<string, object?>>();
            foreach (JsonProperty p in grid.GetProperty("options").EnumerateObject())
            {
                object? value = p.Value.ValueKind == JsonValueKind.Array
                    ? p.Value.EnumerateArray().Select(e => e.GetString()!).ToList()
                    : p.Value.GetString();
                options.Add(new(p.Name, value));
            }

            int index = root.GetProperty("index").GetInt32(), count = root.GetProperty("count").GetInt32();
            if (count is < 1 or > ShardSpec.MaxCount || index < 1 || index > count)
            {
                throw new DfaInputException($"'{path}': shard {index}/{count} is not i/n with 1 ≤ i ≤ n ≤ {ShardSpec.MaxCount}");
            }

            return new ShardManifest(
                root.GetProperty("command").GetString()!,
                new ShardSpec(index, count),
                grid.GetProperty("hash").GetString()!,
                grid.GetProperty("items").GetInt32(),
                options,
                root.GetProperty("items").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        catch (Exception ex) when (ShardJson.IsMalformed(ex))
        {
            throw new DfaInputException($"'{path}' is not a valid shard manifest: {ex.Message}");
        }
    }

    private static IReadOnlyList<string> Values(object? value) => value switch
    {
        null => [],
        string s => [s],
        IEnumerable<string> many => many.ToList(),
        _ => throw new ArgumentException($"Option values are strings or string lists, got {value.GetType().Name}.", nameof(value)),
    };
}

/// <summary>Reading back what a shard wrote with <see cref="JsonFile"/>: numbers exactly, non-finite ones from their strings.</summary>
public static class ShardJson
{
    /// <summary>Shard files are small; a larger one is not ours (64 MiB holds a 100 000-point sweep with room to spare).</summary>
    private const long MaxBytes = 64L << 20;

    public static JsonDocument Parse(string path)
    {
        if (new FileInfo(path).Length > MaxBytes)
        {
            throw new DfaInputException($"'{path}' is larger than {MaxBytes >> 20} MiB: not a shard file");
        }

        return JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 16 });
    }

    /// <summary>A double as <see cref="JsonFile"/> writes it: a number, or <c>"NaN"</c> / <c>"Infinity"</c> / <c>"-Infinity"</c>.</summary>
    public static double Double(JsonElement e) => e.ValueKind == JsonValueKind.String
        ? double.Parse(e.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
        : e.GetDouble();

    public static double? NullableDouble(JsonElement e) => e.ValueKind == JsonValueKind.Null ? null : Double(e);

    /// <summary>The exceptions that mean "this JSON is not what we wrote" (not a bug of ours).</summary>
    public static bool IsMalformed(Exception ex) =>
        ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException or OverflowException or IOException or UnauthorizedAccessException;
}
