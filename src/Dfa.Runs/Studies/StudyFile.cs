using System.Globalization;
using Dfa.Core;
using Dfa.Core.Yaml;

namespace Dfa.Runs.Studies;

/// <summary>
/// A study's settings as far as they are given: by a study file (<see cref="StudyFile"/>) or on the command line. Null
/// (or, for <see cref="Set"/>, empty) means "not given".
/// </summary>
public sealed record StudyOptions(
    string? Config,
    IReadOnlyList<string>? Vary,
    IReadOnlyList<string>? Backends,
    int? Seeds,
    IReadOnlyList<string>? Profiles,
    bool? Quick,
    IReadOnlyList<string> Set,
    double? MarginPoints)
{
    public static StudyOptions None { get; } = new(null, null, null, null, null, null, [], null);

    /// <summary>These options where given, else <paramref name="under"/>'s; <c>--set</c> overrides add to the file's, after them.</summary>
    public StudyOptions Over(StudyOptions under)
    {
        ArgumentNullException.ThrowIfNull(under);
        return new StudyOptions(
            Config ?? under.Config, Vary ?? under.Vary, Backends ?? under.Backends, Seeds ?? under.Seeds, Profiles ?? under.Profiles,
            Quick ?? under.Quick, [.. under.Set, .. Set], MarginPoints ?? under.MarginPoints);
    }

    /// <summary>The request these options make, with the defaults for what no one gave.</summary>
    /// <exception cref="DfaInputException">No config was given.</exception>
    public StudyRequest Request(IReadOnlyList<string> defaultProfiles, string? outputFolder, string? dataFolder, string? profileFolder, Sharding.ShardSpec? shard)
    {
        string config = Config ?? throw new DfaInputException("dfa study needs --config FILE (or a study file that names one)");
        return new StudyRequest(
            config, Vary ?? [], Backends, Seeds ?? 1, Profiles ?? defaultProfiles, Quick ?? false, Set, outputFolder, dataFolder, profileFolder, shard,
            MarginPoints ?? StudyRequest.DefaultMarginPoints);
    }
}

/// <summary>
/// A shipped study (<c>configs/studies/*.yaml</c>): the <c>dfa study</c> options as YAML, <c>version: 1</c> first, then
/// <c>config</c> (a training config, relative to the study file), <c>vary</c> (a mapping of each key to a list of its values or
/// to a range SPEC, or a list of <c>KEY=SPEC</c>), and optionally
/// <c>backends</c>, <c>seeds</c>, <c>profiles</c>, <c>quick</c>, <c>set</c> (a list of <c>KEY=VALUE</c>) and <c>margin_pt</c>.
/// Options given on the command line replace the file's (<c>--set</c> adds to them). Errors name the file, line and column.
/// </summary>
public static class StudyFile
{
    private static readonly string[] Keys = ["version", "config", "vary", "backends", "seeds", "profiles", "quick", "set", "margin_pt"];

    /// <exception cref="DfaInputException">An unreadable file, or one that is not a study file (file:line:col).</exception>
    public static StudyOptions Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var source = YamlSource.File(path);
        YNode? root = YamlReader.Read(YamlText.ReadFile(path, 1 << 16, "study file"), source, 4);
        if (root is not YMapping map)
        {
            throw root?.Error("a study file is a mapping of keys such as 'config: ../backends/optical.yaml'") ?? source.Error(1, 1, "the study file is empty");
        }

        foreach ((YScalar key, YNode _) in map.Entries)
        {
            if (!Keys.Contains(key.Value))
            {
                throw key.Error($"unknown key '{key.Shown}' in a study file (valid: {string.Join(", ", Keys)}){Suggest.DidYouMean(key.Value, Keys)}");
            }
        }

        if (map.Find("version") is not YScalar { Value: "1" })
        {
            throw (map.Find("version") ?? map).Error("a study file starts with 'version: 1'");
        }

        string? config = Scalar(map, "config");
        if (config is not null && !Path.IsPathRooted(config))
        {
            // Relative to the study file, then as seen from the working directory (so reports name it as a user would).
            string full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, config));
            config = Path.GetRelativePath(Environment.CurrentDirectory, full);
        }

        return new StudyOptions(
            config,
            Vary(map),
            List(map, "backends"),
            Scalar(map, "seeds") is { } seeds ? Int(map.Find("seeds")!, seeds) : null,
            List(map, "profiles"),
            Scalar(map, "quick") is { } quick ? Bool(map.Find("quick")!, quick) : null,
            List(map, "set") ?? [],
            Scalar(map, "margin_pt") is { } margin ? Number(map.Find("margin_pt")!, margin) : null);
    }

    /// <summary><c>vary</c> as a list of <c>KEY=SPEC</c>, or as a mapping of each key to its SPEC or to a list of its values.</summary>
    private static string[]? Vary(YMapping map) => map.Find("vary") switch
    {
        YMapping keys => keys.Entries.Select(e => e.Value switch
        {
            YScalar spec => $"{e.Key.Value}={spec.Value}",
            YSequence values => $"{e.Key.Value}={string.Join(",", values.Items.Select(i => i is YScalar v ? v.Value : throw i.Error($"vary.{e.Key.Value} lists plain values, got {i.KindName}")))}",
            YNode n => throw n.Error($"vary.{e.Key.Value} takes a SPEC or a list of values, got {n.KindName}"),
        }).ToArray(),
        _ => List(map, "vary"),
    };

    private static string? Scalar(YMapping map, string key) => map.Find(key) switch
    {
        null => null,
        YScalar s => s.Value,
        YNode n => throw n.Error($"{key} takes one value, got {n.KindName}"),
    };

    private static string[]? List(YMapping map, string key) => map.Find(key) switch
    {
        null => null,
        YSequence s => s.Items.Select(i => i is YScalar v ? v.Value : throw i.Error($"{key} lists plain values, got {i.KindName}")).ToArray(),
        YNode n => throw n.Error($"{key} takes a list, e.g. [a, b], got {n.KindName}"),
    };

    private static int Int(YNode node, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : throw node.Error($"expected a positive integer, got '{text}'");

    private static bool Bool(YNode node, string text) => text.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => throw node.Error($"expected true or false, got '{text}'"),
    };

    private static double Number(YNode node, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw node.Error($"expected a number, got '{text}'");
}
