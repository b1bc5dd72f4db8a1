using System.Text.Json;
using Dfa.Core;
using Dfa.Runs.Sharding;

namespace Dfa.Runs.Studies;

/// <summary>One distinct training run of a study: its resolved config's hash (which names its folder) and its seed.</summary>
public sealed record StudyRunRef(string Hash, ulong Seed)
{
    /// <summary>Its folder relative to the study folder: <c>runs/&lt;first 16 hex digits of the hash&gt;</c>.</summary>
    public string Folder => $"{StudyGrid.RunsFolder}/{RunIdentity.FolderName(Hash)}";
}

/// <summary>A priced step of one grid point on one hardware profile (<see cref="Costing.ConfigCosts.Price"/>).</summary>
public sealed record ProfileCost(string Profile, double StepTimeSeconds, double EnergyJ, long FeedbackStorageBytes);

/// <summary>
/// One grid point: a value per varied key (axis order), the backend, its runs (one per seed, indices into
/// <see cref="StudyGrid.Runs"/>) and its price on every profile that can run its backend. A combination of values
/// that are each valid but not together (sparse connections above the rank) is a result, not an error: the point
/// says why in <paramref name="Invalid"/> and has no runs and no prices.
/// </summary>
public sealed record StudyPoint(IReadOnlyList<string> Values, string Backend, IReadOnlyList<int> Runs, IReadOnlyList<ProfileCost> Costs, string? Invalid = null)
{
    public ProfileCost? Cost(string profile) => Costs.FirstOrDefault(c => c.Profile == profile);
}

/// <summary>
/// A planned study as data: what it varies, its points with their runs and prices, and its settings. Everything a
/// study's outputs are written from, besides the runs' own summaries, so a whole study, a resumed one and a merge of
/// its shards write the same files. Its JSON form (<see cref="Json"/>, <see cref="Read"/>) is what a shard stores for
/// <c>dfa merge</c>, which then needs neither the config nor the profiles.
/// </summary>
/// <param name="Config">The base config as the command line named it.</param>
/// <param name="Axes">The varied keys, in the order given.</param>
/// <param name="Backends">The backends, in the order given (the config's own when none was).</param>
/// <param name="Seeds">The seeds: the config's <c>seed</c> and the next <c>--seeds − 1</c>.</param>
/// <param name="Quick">Whether the experiments' quick mode was applied.</param>
/// <param name="ModeOverrides">The quick mode's overrides (none when not quick).</param>
/// <param name="Overrides">The <c>--set</c> overrides.</param>
/// <param name="Profiles">The profiles priced on.</param>
/// <param name="MarginPoints">The knee margin, in accuracy points.</param>
/// <param name="Runs">The distinct runs, in the order a whole study trains them (the shard items).</param>
/// <param name="Points">The grid: backends outermost, then the axes in order, the last fastest.</param>
public sealed record StudyGrid(
    string Config,
    IReadOnlyList<StudyAxis> Axes,
    IReadOnlyList<string> Backends,
    IReadOnlyList<ulong> Seeds,
    bool Quick,
    IReadOnlyList<string> ModeOverrides,
    IReadOnlyList<string> Overrides,
    IReadOnlyList<string> Profiles,
    double MarginPoints,
    IReadOnlyList<StudyRunRef> Runs,
    IReadOnlyList<StudyPoint> Points)
{
    public const string RunsFolder = "runs";

    /// <summary>The settings key of the backend in a point's settings.</summary>
    public const string BackendKey = "backend";

    /// <summary>A point's settings as <c>key = value</c> pairs, the backend last.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Settings(StudyPoint point)
    {
        ArgumentNullException.ThrowIfNull(point);
        return [.. Axes.Select((a, i) => new KeyValuePair<string, string>(a.Key, point.Values[i])), new(BackendKey, point.Backend)];
    }

    /// <summary>A point's settings in one line, e.g. <c>feedback.optical.bit_depth=4, backend=optical</c>.</summary>
    public string Describe(StudyPoint point) => string.Join(", ", Settings(point).Select(kv => $"{kv.Key}={kv.Value}"));

    /// <summary>The grid as JSON fields (runs by hash and seed, costs by profile); <see cref="Read"/> reads it back exactly.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Json() =>
    [
        new("config", Config),
        new("vary", Axes.Select(a => (object?)new List<KeyValuePair<string, object?>> { new("key", a.Key), new("values", a.Values.ToList()) }).ToList()),
        new("backends", Backends.ToList()),
        new("seeds", Seeds.Cast<object?>().ToList()),
        new("quick", Quick),
        new("mode_overrides", ModeOverrides.ToList()),
        new("overrides", Overrides.ToList()),
        new("profiles", Profiles.ToList()),
        new("margin_pt", MarginPoints),
        new("runs", Runs.Select(r => (object?)new List<KeyValuePair<string, object?>> { new("hash", r.Hash), new("seed", r.Seed) }).ToList()),
        new("points", Points.Select(p => (object?)new List<KeyValuePair<string, object?>>
        {
            new("values", p.Values.ToList()),
            new("backend", p.Backend),
            new("runs", p.Runs.Cast<object?>().ToList()),
            new("invalid", p.Invalid),
            new("costs", p.Costs.Select(c => (object?)new List<KeyValuePair<string, object?>>
            {
                new("profile", c.Profile),
                new("step_time_s", c.StepTimeSeconds),
                new("energy_j", c.EnergyJ),
                new("feedback_storage_bytes", c.FeedbackStorageBytes),
            }).ToList()),
        }).ToList()),
    ];

    /// <summary>Reads a grid written by <see cref="Json"/>.</summary>
    /// <exception cref="DfaInputException">The element is not such a grid (naming <paramref name="path"/>).</exception>
    public static StudyGrid Read(JsonElement e, string path)
    {
        try
        {
            StudyRunRef[] runs = e.GetProperty("runs").EnumerateArray()
                .Select(r => new StudyRunRef(r.GetProperty("hash").GetString()!, r.GetProperty("seed").GetUInt64())).ToArray();
            StudyPoint[] points = e.GetProperty("points").EnumerateArray().Select(p => new StudyPoint(
                Strings(p.GetProperty("values")),
                p.GetProperty("backend").GetString()!,
                p.GetProperty("runs").EnumerateArray().Select(i => i.GetInt32()).ToArray(),
                p.GetProperty("costs").EnumerateArray().Select(c => new ProfileCost(
                    c.GetProperty("profile").GetString()!,
                    ShardJson.Double(c.GetProperty("step_time_s")),
                    ShardJson.Double(c.GetProperty("energy_j")),
                    c.GetProperty("feedback_storage_bytes").GetInt64())).ToArray(),
                p.GetProperty("invalid").GetString())).ToArray();
            if (points.SelectMany(p => p.Runs).Any(i => i < 0 || i >= runs.Length))
            {
                throw new DfaInputException($"'{path}': a point names a run that is not in the grid");
            }

            return new StudyGrid(
                e.GetProperty("config").GetString()!,
                e.GetProperty("vary").EnumerateArray().Select(a => new StudyAxis(a.GetProperty("key").GetString()!, Strings(a.GetProperty("values")))).ToArray(),
                Strings(e.GetProperty("backends")),
                e.GetProperty("seeds").EnumerateArray().Select(s => s.GetUInt64()).ToArray(),
                e.GetProperty("quick").GetBoolean(),
                Strings(e.GetProperty("mode_overrides")),
                Strings(e.GetProperty("overrides")),
                Strings(e.GetProperty("profiles")),
                ShardJson.Double(e.GetProperty("margin_pt")),
                runs,
                points);
        }
        catch (Exception ex) when (ex is not DfaInputException && ShardJson.IsMalformed(ex))
        {
            throw new DfaInputException($"'{path}' is not a valid study grid: {ex.Message}");
        }
    }

    private static string[] Strings(JsonElement e) => e.EnumerateArray().Select(x => x.GetString()!).ToArray();
}
