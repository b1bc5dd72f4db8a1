using System.Globalization;
using System.Text.RegularExpressions;
using Dfa.Core;
using Dfa.Core.Yaml;

namespace Dfa.Sim.Profiles;

/// <summary>
/// Loads and validates a hardware profile (<c>hardware-profiles/NAME.yaml</c>, schema in
/// <c>hardware-profiles/README.md</c>). Every number is written <c>key: {value: 2.039e12, source: "..."}</c> with its
/// unit in the key's name; every error is a <see cref="ConfigException"/> whose message is <c>file:line:col: problem</c>.
/// </summary>
/// <remarks>
/// Refused, each at the offending node: malformed YAML; a wrong or missing <c>version</c>; unknown keys (with a
/// did-you-mean); duplicate keys; missing required keys and sections (required ones depend on <c>kind</c>); a
/// kind-specific section under another kind; a number missing its <c>source</c> or given as a string with a unit
/// ("2 TB/s"); negative, zero (where a rate or size must be positive), non-finite or fractional (for counts) values;
/// fractions outside (0, 1]. Limits: at most <see cref="MaxProfileBytes"/> of UTF-8, no YAML aliases or tags, nesting
/// at most <see cref="MaxDepth"/> levels, at most 100 000 YAML nodes, one document.
/// </remarks>
public static partial class ProfileLoader
{
    /// <summary>The only <c>version:</c> this build reads.</summary>
    public const int SupportedVersion = 1;

    /// <summary>Largest profile accepted, in bytes (for <see cref="Parse"/>, in UTF-16 characters).</summary>
    public const int MaxProfileBytes = 1 << 20;

    /// <summary>Deepest nesting accepted (the schema needs 4: root, memory list, level, value mapping).</summary>
    public const int MaxDepth = 8;

    private const int MaxMemoryLevels = 16;
    private const int MaxSourceLength = 1000;

    /// <summary>Reads and validates the profile at <paramref name="path"/>; its <c>name</c> must equal the file name without extension.</summary>
    /// <exception cref="DfaInputException">The file is missing or unreadable.</exception>
    /// <exception cref="ConfigException">The profile is invalid.</exception>
    public static HardwareProfile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Build(YamlText.ReadFile(path, MaxProfileBytes, "profile"), YamlSource.File(path), Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Validates profile text.</summary>
    /// <param name="yamlText">The YAML text.</param>
    /// <param name="displayName">Names the text in error messages, like a file path.</param>
    /// <exception cref="ConfigException">The profile is invalid.</exception>
    public static HardwareProfile Parse(string yamlText, string displayName)
    {
        return Build(YamlText.FromString(yamlText, displayName, MaxProfileBytes, "profile"), YamlSource.File(displayName), expectedName: null);
    }

    private static HardwareProfile Build(string text, YamlSource source, string? expectedName)
    {
        var root = YamlReader.Read(text, source, MaxDepth);
        if (root is null or YScalar { IsNull: true })
        {
            throw source.Error(1, 1, "the profile is empty; expected a mapping that starts with 'version: 1'");
        }

        if (root is not YMapping map)
        {
            throw root.Error($"a profile must be a mapping of keys to values, got {root.KindName}");
        }

        CheckVersion(map);
        foreach (var (key, _) in map.Entries)
        {
            if (!ProfileSchema.TopKeys.Contains(key.Value))
            {
                throw key.Error($"unknown key '{key.Shown}'{Suggest.DidYouMean(key.Value, ProfileSchema.TopKeys)}");
            }
        }

        var kind = ReadKind(map);
        var name = ReadName(map, expectedName);
        var description = RequiredString(map, "description", "");
        var fields = new List<ProfileField>();

        foreach (var section in ProfileSchema.Sections)
        {
            var i = map.IndexOf(section.Key);
            if (i >= 0 && !section.AllowedFor.Contains(kind))
            {
                throw map.Entries[i].Key.Error(
                    $"section '{section.Key}' is only for kind {string.Join(" or ", section.AllowedFor.Select(ProfileSchema.KindName))}; this profile's kind is {ProfileSchema.KindName(kind)}");
            }

            if (i < 0 && section.RequiredFor.Contains(kind))
            {
                throw map.Error($"missing section '{section.Key}', required for kind {ProfileSchema.KindName(kind)}");
            }
        }

        Dictionary<string, SourcedValue> top = [];
        Dictionary<string, Dictionary<string, SourcedValue>> sections = [];
        List<MemoryLevel>? memory = null;
        IReadOnlyList<ProfileCapability> capabilities = [];
        YNode? validationNode = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "validation":
                    validationNode = value;
                    break;
                case "clock_hz" or "cores":
                    var rule = ProfileSchema.Top.First(r => r.Key == key.Value);
                    top[key.Value] = ReadSourced(value, key.Value, rule, fields);
                    break;
                case "memory":
                    memory = ReadMemory(value, kind, fields);
                    break;
                case "capabilities":
                    capabilities = ReadCapabilities(value);
                    break;
                default:
                    var section = Array.Find(ProfileSchema.Sections, s => s.Key == key.Value);
                    if (section is not null)
                    {
                        sections[section.Key] = ReadSection(value, section, kind, fields);
                    }

                    break;
            }
        }

        foreach (var rule in ProfileSchema.Top)
        {
            if (!top.ContainsKey(rule.Key))
            {
                throw map.Error($"missing '{rule.Key}' ({rule.Unit}), required for every profile");
            }
        }

        if (memory is null)
        {
            throw map.Error("missing 'memory', a list of at least one level (name, off_chip, capacity_bytes, bandwidth_bytes_per_s, energy_j_per_byte)");
        }

        IReadOnlyList<ValidationEntry> validation = validationNode is null ? [] : ReadValidation(validationNode, fields);
        return new HardwareProfile
        {
            Validation = validation,
            Version = SupportedVersion,
            Name = name,
            Kind = kind,
            Description = description,
            ClockHz = top["clock_hz"],
            Cores = top["cores"],
            Compute = sections.TryGetValue("compute", out var c) ? ToCompute(c) : null,
            Memory = memory.AsReadOnly(),
            Energy = ToEnergy(sections["energy"]),
            Optical = sections.TryGetValue("optical", out var o) ? ToOptical(o) : null,
            Neuromorphic = sections.TryGetValue("neuromorphic", out var n) ? ToNeuromorphic(n) : null,
            Cim = sections.TryGetValue("cim", out var x) ? ToCim(x) : null,
            Capabilities = capabilities,
            Fields = fields.AsReadOnly(),
            SourceName = map.Source.Name,
        };
    }

    private static void CheckVersion(YMapping map)
    {
        var i = map.IndexOf("version");
        if (i < 0)
        {
            throw map.Error($"missing 'version: {SupportedVersion}'; every profile starts with its schema version");
        }

        var node = map.Entries[i].Value;
        if (node is not YScalar { Plain: true } s || !int.TryParse(s.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            throw node.Error($"'version' must be the whole number {SupportedVersion}, got {node.KindName}");
        }

        if (v != SupportedVersion)
        {
            throw node.Error($"unsupported profile version {v}; this Dfa reads version {SupportedVersion}");
        }
    }

    private static ProfileKind ReadKind(YMapping map)
    {
        var s = RequiredString(map, "kind", $" ({string.Join(", ", ProfileSchema.Kinds.Keys)})", out var node);
        return ProfileSchema.Kinds.TryGetValue(s, out var kind)
            ? kind
            : throw node.Error($"unknown kind '{((YScalar)node).Shown}'{Suggest.DidYouMean(s, ProfileSchema.Kinds.Keys)} (kinds: {string.Join(", ", ProfileSchema.Kinds.Keys)})");
    }

    private static string ReadName(YMapping map, string? expectedName)
    {
        var name = RequiredString(map, "name", "", out var node);
        if (!NamePattern().IsMatch(name))
        {
            throw node.Error($"name '{((YScalar)node).Shown}' must be 1 to 64 lower-case letters, digits and '-', starting with a letter or digit");
        }

        if (expectedName is not null && name != expectedName)
        {
            throw node.Error($"name '{name}' does not match the file name '{expectedName}.yaml'; profiles are looked up by file name");
        }

        return name;
    }

    private static string RequiredString(YMapping map, string key, string hint) => RequiredString(map, key, hint, out _);

    private static string RequiredString(YMapping map, string key, string hint, out YNode node)
    {
        var i = map.IndexOf(key);
        if (i < 0)
        {
            throw map.Error($"missing '{key}'{hint}");
        }

        node = map.Entries[i].Value;
        return node is YScalar { IsNull: false } s && s.Value.Trim().Length > 0
            ? s.Value
            : throw node.Error($"'{key}' must be a non-empty text, got {node.KindName}");
    }

    private static Dictionary<string, SourcedValue> ReadSection(YNode node, SectionRule section, ProfileKind kind, List<ProfileField> fields)
    {
        if (node is not YMapping map)
        {
            throw node.Error($"'{section.Key}' must be a mapping of keys such as '{section.Fields[0].Key}: {{value: ..., source: \"...\"}}', got {node.KindName}");
        }

        return ReadFields(map, section.Key, section.Fields, kind, fields);
    }

    private static Dictionary<string, SourcedValue> ReadFields(
        YMapping map, string path, FieldRule[] rules, ProfileKind kind, List<ProfileField> fields, IEnumerable<string>? otherKeys = null)
    {
        var values = new Dictionary<string, SourcedValue>();
        foreach (var (key, value) in map.Entries)
        {
            var rule = Array.Find(rules, r => r.Key == key.Value);
            if (rule is null)
            {
                if (otherKeys?.Contains(key.Value) == true)
                {
                    continue;
                }

                var known = rules.Select(r => r.Key).Concat(otherKeys ?? []);
                throw key.Error($"unknown key '{key.Shown}' in '{path}'{Suggest.DidYouMean(key.Value, known)}");
            }

            values[rule.Key] = ReadSourced(value, $"{path}.{rule.Key}", rule, fields);
        }

        foreach (var rule in rules)
        {
            if (!values.ContainsKey(rule.Key) && rule.RequiredFor.Contains(kind))
            {
                throw map.Error($"missing '{path}.{rule.Key}' ({rule.Unit}), required for kind {ProfileSchema.KindName(kind)}");
            }
        }

        return values;
    }

    private static SourcedValue ReadSourced(YNode node, string path, FieldRule rule, List<ProfileField> fields)
    {
        if (node is YScalar scalar && !scalar.IsNull)
        {
            // Check the number first: "2 TB/s" deserves the unit message, a bare number the missing-source one.
            _ = ParseNumber(scalar, path, rule);
            throw node.Error($"'{path}' needs a source: write {{value: {scalar.Shown}, source: \"a citation, or measured / derived: ... / assumption: ...\"}}");
        }

        if (node is not YMapping map)
        {
            throw node.Error($"'{path}' must be {{value: <number in {rule.Unit}>, source: \"...\"}}, got {node.KindName}");
        }

        YNode? valueNode = null, sourceNode = null;
        foreach (var (key, value) in map.Entries)
        {
            switch (key.Value)
            {
                case "value":
                    valueNode = value;
                    break;
                case "source":
                    sourceNode = value;
                    break;
                default:
                    throw key.Error($"unknown key '{key.Shown}' in '{path}'{Suggest.DidYouMean(key.Value, ["value", "source"])}; a number is {{value: ..., source: \"...\"}}");
            }
        }

        if (valueNode is null)
        {
            throw map.Error($"'{path}' has no 'value' (a number in {rule.Unit})");
        }

        var number = valueNode is YScalar { IsNull: false } vs
            ? ParseNumber(vs, path, rule)
            : throw valueNode.Error($"'{path}' value must be a number in {rule.Unit}, got {valueNode.KindName}");

        if (sourceNode is null)
        {
            throw map.Error($"'{path}' has no 'source'; every number needs one (a citation, or 'measured', 'derived: ...', 'assumption: ...')");
        }

        if (sourceNode is not YScalar { IsNull: false } ss || ss.Value.Trim().Length == 0)
        {
            throw sourceNode.Error($"'{path}' source must be a non-empty text, got {sourceNode.KindName}");
        }

        if (ss.Value.Length > MaxSourceLength)
        {
            throw sourceNode.Error($"'{path}' source is {ss.Value.Length} characters; the limit is {MaxSourceLength}");
        }

        var result = new SourcedValue(number, ss.Value.Trim());
        fields.Add(new ProfileField(path, number, rule.Unit, result.Source));
        return result;
    }

    private static double ParseNumber(YScalar s, string path, FieldRule rule)
    {
        var text = s.Value.Trim();
        if (s.Plain && text.TrimStart('+', '-').ToLowerInvariant() is ".inf" or ".nan")
        {
            throw s.Error($"'{path}' must be a finite number in {rule.Unit}, got '{s.Shown}'");
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !s.Plain)
        {
            throw IsNumberWithUnit(text)
                ? s.Error($"'{path}' must be a plain number in {rule.Unit} (the unit is in the key's name), got '{s.Shown}'")
                : s.Error($"'{path}' must be a number in {rule.Unit}, got {s.KindName}");
        }

        if (!double.IsFinite(v))
        {
            throw s.Error($"'{path}' must be a finite number in {rule.Unit}, got '{s.Shown}'");
        }

        var shown = s.Shown;
        switch (ProfileSchema.RangeOf(rule.Key, rule.Unit))
        {
            case ValueRange.Fraction when v is <= 0 or > 1:
                throw s.Error($"'{path}' is a fraction and must lie in (0, 1], got {shown}");
            case ValueRange.Positive when v <= 0:
                throw s.Error($"'{path}' must be greater than 0 {rule.Unit}, got {shown}");
            case ValueRange.NonNegative when v < 0:
                throw s.Error($"'{path}' must not be negative, got {shown} {rule.Unit}");
        }

        if (ProfileSchema.IsWhole(rule.Unit) && (v != Math.Floor(v) || v > 1e18))
        {
            throw s.Error($"'{path}' must be a whole number of {rule.Unit} (at most 1e18), got {shown}");
        }

        // -0 reads as 0, as in configs: .NET's sign checks (ThrowIfNegative) treat -0.0 as negative.
        return v == 0 ? 0 : v;
    }

    private static List<MemoryLevel> ReadMemory(YNode node, ProfileKind kind, List<ProfileField> fields)
    {
        if (node is not YSequence seq || seq.Items.Count == 0)
        {
            throw node.Error($"'memory' must be a list of at least one level, got {(node is YSequence ? "an empty list" : node.KindName)}");
        }

        if (seq.Items.Count > MaxMemoryLevels)
        {
            throw node.Error($"'memory' lists {seq.Items.Count} levels; the limit is {MaxMemoryLevels}");
        }

        var levels = new List<MemoryLevel>();
        for (var i = 0; i < seq.Items.Count; i++)
        {
            if (seq.Items[i] is not YMapping map)
            {
                throw seq.Items[i].Error($"'memory[{i}]' must be a mapping (name, off_chip, capacity_bytes, ...), got {seq.Items[i].KindName}");
            }

            var name = RequiredString(map, "name", $" in 'memory[{i}]'", out var nameNode);
            var first = levels.FindIndex(l => l.Name == name);
            if (first >= 0)
            {
                throw nameNode.Error($"memory level name '{name}' is used twice (also memory[{first}])");
            }

            if (!LevelNamePattern().IsMatch(name))
            {
                throw nameNode.Error($"memory level name '{((YScalar)nameNode).Shown}' must be 1 to 32 lower-case letters, digits, '_' and '-'");
            }

            var path = $"memory[{name}]";
            var offChipIndex = map.IndexOf("off_chip");
            if (offChipIndex < 0)
            {
                throw map.Error($"missing '{path}.off_chip' (true or false: does traffic to this level leave the chip?)");
            }

            var offChipNode = map.Entries[offChipIndex].Value;
            var offChip = offChipNode is YScalar { Plain: true, Value: "true" or "false" } b
                ? b.Value == "true"
                : throw offChipNode.Error($"'{path}.off_chip' must be true or false, got {offChipNode.KindName}");

            var values = ReadFields(map, path, ProfileSchema.MemoryFields, kind, fields, otherKeys: ["name", "off_chip"]);
            levels.Add(new MemoryLevel(
                name, offChip, values["capacity_bytes"], values["bandwidth_bytes_per_s"], values["energy_j_per_byte"], values.GetValueOrDefault("latency_s")));
        }

        return levels;
    }

    private static ProfileCapability[] ReadCapabilities(YNode node)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"'capabilities' must be a list such as [feedback_prng], got {node.KindName}");
        }

        var list = new List<ProfileCapability>();
        foreach (var item in seq.Items)
        {
            if (item is not YScalar { IsNull: false } s || !ProfileSchema.Capabilities.TryGetValue(s.Value, out var cap))
            {
                var typed = item is YScalar t ? t.Value : "";
                throw item.Error($"unknown capability {item.KindName}{Suggest.DidYouMean(typed, ProfileSchema.Capabilities.Keys)} (known: {string.Join(", ", ProfileSchema.Capabilities.Keys)})");
            }

            if (list.Contains(cap))
            {
                throw item.Error($"capability '{s.Value}' is listed twice");
            }

            list.Add(cap);
        }

        return [.. list];
    }

    private static ComputeSpec ToCompute(Dictionary<string, SourcedValue> d) => new()
    {
        Fp32FlopsPerS = d["fp32_flops_per_s"],
        Fp16FlopsPerS = d.GetValueOrDefault("fp16_flops_per_s"),
        Int8OpsPerS = d.GetValueOrDefault("int8_ops_per_s"),
        Tf32FlopsPerS = d.GetValueOrDefault("tf32_flops_per_s"),
        Bf16FlopsPerS = d.GetValueOrDefault("bf16_flops_per_s"),
        TensorGemmEfficiency = d.GetValueOrDefault("tensor_gemm_efficiency"),
        IntAddOpsPerS = d.GetValueOrDefault("int_add_ops_per_s"),
        PopcountWordsPerS = d.GetValueOrDefault("popcount_words_per_s"),
        GemmEfficiency = d["gemm_efficiency"],
        GemvEfficiency = d["gemv_efficiency"],
        GemmHalfRows = d.GetValueOrDefault("gemm_half_rows"),
    };

    private static EnergySpec ToEnergy(Dictionary<string, SourcedValue> d) => new()
    {
        Fp32MacJ = d.GetValueOrDefault("fp32_mac_j"),
        Fp32AddJ = d.GetValueOrDefault("fp32_add_j"),
        Fp16MacJ = d.GetValueOrDefault("fp16_mac_j"),
        Int8MacJ = d.GetValueOrDefault("int8_mac_j"),
        IntAddJ = d.GetValueOrDefault("int_add_j"),
        StaticW = d["static_w"],
        TdpW = d.GetValueOrDefault("tdp_w"),
    };

    private static OpticalSpec ToOptical(Dictionary<string, SourcedValue> d) => new()
    {
        DmdPixels = d["dmd_pixels"],
        CameraPixels = d["camera_pixels"],
        FrameTimeS = d["frame_time_s"],
        ExposureS = d.GetValueOrDefault("exposure_s"),
        PowerW = d["power_w"],
        OutputBits = d["output_bits"],
        FramesPerProjectionAnchor = d["frames_per_projection_anchor"],
        FramesPerProjectionNonlinear = d.GetValueOrDefault("frames_per_projection_nonlinear"),
        FramesPerProjectionHolography = d.GetValueOrDefault("frames_per_projection_holography"),
        FramesPerProjectionVendorLinear = d.GetValueOrDefault("frames_per_projection_vendor_linear"),
        SignedSplit = d["signed_split"],
        PeakOpsPerS = d.GetValueOrDefault("peak_ops_per_s"),
        HostLinkBytesPerS = d.GetValueOrDefault("host_link_bytes_per_s"),
    };

    private static NeuromorphicSpec ToNeuromorphic(Dictionary<string, SourcedValue> d) => new()
    {
        SynapticOpJ = d["synaptic_op_j"],
        SynapticUpdateJ = d["synaptic_update_j"],
        SynapticOpsPerS = d["synaptic_ops_per_s"],
        SynapticUpdatesPerS = d.GetValueOrDefault("synaptic_updates_per_s"),
        Neurons = d["neurons"],
        Synapses = d["synapses"],
        NeuronCores = d.GetValueOrDefault("neuron_cores"),
    };

    private static CimSpec ToCim(Dictionary<string, SourcedValue> d) => new()
    {
        ArrayRows = d["array_rows"],
        ArrayCols = d["array_cols"],
        Arrays = d["arrays"],
        CellBits = d.GetValueOrDefault("cell_bits"),
        AdcBits = d.GetValueOrDefault("adc_bits"),
        ColumnsPerAdc = d.GetValueOrDefault("columns_per_adc"),
        ReadPulseS = d["read_pulse_s"],
        MacJ = d["mac_j"],
        WriteJPerCell = d["write_j_per_cell"],
        WriteSPerRow = d.GetValueOrDefault("write_s_per_row"),
    };

    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,31}$")]
    private static partial Regex LevelNamePattern();

    /// <summary>"2 TB/s", "500us", "30 W": the longest prefix that is a number, then something that reads as a unit.</summary>
    private static bool IsNumberWithUnit(string text)
    {
        for (var i = Math.Min(text.Length, 64); i > 0; i--)
        {
            if (double.TryParse(text.AsSpan(0, i), NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                var rest = text.AsSpan(i).TrimStart();
                return i < text.Length && rest.Length > 0 && (char.IsLetter(rest[0]) || rest[0] is '/' or '%');
            }
        }

        return false;
    }
}
