using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config;

/// <summary>
/// Loads a <see cref="TrainConfig"/> from YAML: the survey's <c>config.yaml</c> exactly as written (its misspelled
/// <c>lr_schdulear</c> keys included) plus Dfa's own keys, then <c>--set key=value</c> overrides on top. Every value is
/// type- and range-checked against one schema; every error is a <see cref="ConfigException"/> naming the file, line
/// and column (or the override) of the offending node.
/// </summary>
/// <remarks>
/// Limits, so a hostile or broken file fails fast with a message instead of exhausting memory:
/// <list type="bullet">
/// <item>a config is at most <see cref="MaxConfigBytes"/> (1 MiB) of UTF-8 (a leading byte-order mark is allowed);
/// invalid UTF-8 and control characters are refused at their position;</item>
/// <item>YAML aliases (<c>*name</c>) and explicit tags (<c>!!str</c>) are refused, so an alias bomb never expands;</item>
/// <item>mappings and lists nest at most <see cref="MaxDepth"/> levels, and a document holds at most 100 000 nodes;</item>
/// <item>one YAML document per file; keys are unique scalars;</item>
/// <item><c>model.hidden</c> lists 1 to 1024 widths, each 1 to 2^24.</item>
/// </list>
/// Beyond each key's own range, settings that contradict each other are refused: <c>use_BatchNorm1D</c> and
/// <c>use_LayerNorm1D</c> both true; <c>early_stopping</c> without <c>data.validation_split</c> &gt; 0;
/// <c>sgd.nesterov</c> with <c>sgd.momentum</c> 0 or <c>sgd.dampening</c> ≠ 0 (PyTorch's rule).
/// </remarks>
public static class ConfigLoader
{
    /// <summary>Largest config accepted, in bytes (for <see cref="Parse"/>, in UTF-16 characters).</summary>
    public const int MaxConfigBytes = 1 << 20;

    /// <summary>Deepest nesting of mappings and lists accepted (the schema itself needs 3).</summary>
    public const int MaxDepth = 16;

    /// <summary>Reads and validates the config file at <paramref name="path"/>, then applies <paramref name="overrides"/>.</summary>
    /// <param name="path">The YAML file; it also names the file in error messages.</param>
    /// <param name="overrides"><c>key=value</c> strings with dotted keys, applied in order; see <see cref="Parse"/>.</param>
    /// <exception cref="DfaInputException">The file is missing or unreadable.</exception>
    /// <exception cref="ConfigException">The config or an override is invalid.</exception>
    /// <param name="backends">
    /// The registered feedback backends' part of the schema: <c>feedback.backend</c>'s default and each backend's option
    /// section (<c>FeedbackBackendRegistry.Schema</c>); null knows no backend sections and leaves the backend unset.
    /// </param>
    public static TrainConfig Load(string path, IReadOnlyList<string>? overrides = null, FeedbackSchema? backends = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Build(YamlText.ReadFile(path, MaxConfigBytes, "config"), YamlSource.File(path), overrides, backends);
    }

    /// <summary>Validates YAML text, then applies <paramref name="overrides"/>.</summary>
    /// <param name="yamlText">The config text; <c>{}</c> gives every default.</param>
    /// <param name="displayName">Names the text in error messages, like a file path.</param>
    /// <param name="overrides">
    /// <c>key=value</c> strings: a dotted key (<c>lr</c>, <c>model.hidden</c>, <c>lr_schdulear.use_lr_schdulear</c>) and a
    /// YAML scalar or flow collection (<c>0.01</c>, <c>[400, 400]</c>, <c>{kind: constant}</c>). A mapping merges into the
    /// file's mapping; anything else replaces the file's value.
    /// </param>
    /// <exception cref="ConfigException">The config or an override is invalid.</exception>
    /// <param name="backends">The feedback backends' part of the schema, as for <see cref="Load"/>.</param>
    public static TrainConfig Parse(string yamlText, string displayName, IReadOnlyList<string>? overrides = null, FeedbackSchema? backends = null)
    {
        return Build(YamlText.FromString(yamlText, displayName, MaxConfigBytes, "config"), YamlSource.File(displayName), overrides, backends);
    }

    /// <summary>
    /// The effective config as ordered (YAML key, value) pairs with dotted keys, e.g. <c>("lr", "0.005")</c>,
    /// <c>("model.hidden", "[800, 800]")</c>: every key, defaults included, in schema order. Values are YAML, so
    /// passing each pair back as a <c>key=value</c> override reproduces the config.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Describe(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var pairs = new List<KeyValuePair<string, string>>();
        ConfigSchema.Root(new FeedbackSchema(null, [], [.. config.Feedback.Sections.Entries.Select(e => e.Section)])).Describe(config, "", pairs);
        return pairs;
    }

    /// <summary>
    /// Every dotted YAML key the loader accepts with <paramref name="backends"/>, in schema order: the survey's keys,
    /// then Dfa's (e.g. <c>lr</c>, <c>lr_schdulear.gamma</c>, <c>model.hidden</c>, <c>data.synthetic.seed</c>, and each
    /// backend section's keys such as <c>feedback.sparse.rank</c>).
    /// </summary>
    public static IReadOnlyList<string> SupportedKeys(FeedbackSchema? backends = null) =>
        Document(backends).Select(d => d.Path).ToArray().AsReadOnly();

    /// <summary>Every key the loader accepts with <paramref name="backends"/>, with its type, default and meaning, in schema order.</summary>
    public static IReadOnlyList<KeyDoc> Document(FeedbackSchema? backends = null)
    {
        FeedbackSchema schema = backends ?? FeedbackSchema.None;
        var docs = new List<KeyDoc>();
        ConfigSchema.Root(schema).Document(Defaults(schema), "", docs);
        return docs;
    }

    /// <summary>The config every key of which is at its default under <paramref name="backends"/>: the default backend named, no backend section given.</summary>
    public static TrainConfig Defaults(FeedbackSchema? backends = null)
    {
        FeedbackSchema schema = backends ?? FeedbackSchema.None;
        return new TrainConfig { Feedback = new FeedbackConfig { Backend = schema.DefaultBackend, Sections = BackendSections.Of(schema.Sections) } };
    }

    internal static TrainConfig ParseBytes(ReadOnlySpan<byte> bytes, string displayName, IReadOnlyList<string>? overrides, FeedbackSchema? backends = null)
    {
        var source = YamlSource.File(displayName);
        return Build(YamlText.Decode(bytes, source, MaxConfigBytes, "config"), source, overrides, backends);
    }

    private static TrainConfig Build(string text, YamlSource source, IReadOnlyList<string>? overrides, FeedbackSchema? backends)
    {
        var root = YamlReader.Read(text, source, MaxDepth);
        if (root is null or YScalar { IsNull: true })
        {
            throw source.Error(1, 1, "the config is empty; expected a mapping of keys such as 'lr: 0.005'");
        }

        if (root is not YMapping map)
        {
            throw root.Error($"the config must be a mapping of keys to values, got {root.KindName}");
        }

        foreach (var o in overrides ?? [])
        {
            ArgumentNullException.ThrowIfNull(o, nameof(overrides));
            Overrides.Apply(map, o, MaxDepth);
        }

        FeedbackSchema schema = backends ?? FeedbackSchema.None;
        var ctx = new BindContext(SupportedKeys(schema));
        var config = ConfigSchema.Root(schema).Bind(Defaults(schema), map, "", ctx);
        ConfigSchema.CheckConflicts(config, ctx, map, schema.AnyBackendSection);
        return config;
    }
}
