using System.Text;

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
    public static TrainConfig Load(string path, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        return ParseBytes(ReadFile(path), path, overrides);
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
    public static TrainConfig Parse(string yamlText, string displayName, IReadOnlyList<string>? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(displayName);
        var source = ConfigSource.File(displayName);
        if (yamlText.Length > MaxConfigBytes)
        {
            throw source.Error(1, 1, $"the config is {yamlText.Length} characters; the limit is {MaxConfigBytes} (1 MiB)");
        }

        var text = yamlText.StartsWith('\uFEFF') ? yamlText[1..] : yamlText;
        ConfigText.CheckCharacters(text, source);
        return Build(text, source, overrides);
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
        ConfigSchema.Root.Describe(config, "", pairs);
        return pairs;
    }

    /// <summary>
    /// Every dotted YAML key the loader accepts, in schema order: the survey's keys, then Dfa's (e.g. <c>lr</c>,
    /// <c>lr_schdulear.gamma</c>, <c>model.hidden</c>, <c>data.synthetic.seed</c>).
    /// </summary>
    public static IReadOnlyList<string> SupportedKeys { get; } =
        Describe(new TrainConfig
        {
            EarlyStopping = new(),
            Feedback = new() { Sparse = new(), Binary = new(), Optical = new(), Crossbar = new(), Spiking = new() },
            InitFrom = new(),
        }).Select(p => p.Key).ToArray().AsReadOnly();

    internal static TrainConfig ParseBytes(ReadOnlySpan<byte> bytes, string displayName, IReadOnlyList<string>? overrides)
    {
        var source = ConfigSource.File(displayName);
        if (bytes.Length > MaxConfigBytes)
        {
            throw source.Error(1, 1, $"the config is larger than {MaxConfigBytes} bytes (1 MiB)");
        }

        return Build(ConfigText.Decode(bytes, source), source, overrides);
    }

    private static TrainConfig Build(string text, ConfigSource source, IReadOnlyList<string>? overrides)
    {
        var root = YamlTreeReader.Read(text, source, MaxDepth);
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

        var ctx = new BindContext(SupportedKeys);
        var config = ConfigSchema.Root.Bind(new TrainConfig(), map, "", ctx);
        ConfigSchema.CheckConflicts(config, ctx, map);
        return config;
    }

    private static byte[] ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new DfaInputException($"{path}: is a directory, not a config file");
        }

        if (!File.Exists(path))
        {
            throw new DfaInputException($"{path}: config file not found");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            // Read one byte past the cap so an oversized (or endless, e.g. a device) file is detected without loading it.
            var buffer = new byte[MaxConfigBytes + 1];
            var total = 0;
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }

            return total > MaxConfigBytes
                ? throw new ConfigException(path, 1, 1, $"the config is larger than {MaxConfigBytes} bytes (1 MiB)")
                : buffer[..total];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DfaInputException($"{path}: cannot read the config file: {OneLine(ex.Message)}", ex);
        }
    }

    private static string OneLine(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            b.Append(char.IsControl(c) ? ' ' : c);
        }

        return b.ToString().Trim();
    }
}
