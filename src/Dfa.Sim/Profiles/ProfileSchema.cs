namespace Dfa.Sim.Profiles;

/// <summary>
/// The keys a profile may hold. A numeric field's unit, whether it must be whole, and its allowed range all follow
/// from its key's name (units are in the key names), so the schema lists only keys and the kinds that require them.
/// </summary>
internal static class ProfileSchema
{
    private static readonly ProfileKind[] All = Enum.GetValues<ProfileKind>();
    private static readonly ProfileKind[] None = [];
    private static readonly ProfileKind[] DigitalAndOptical = [ProfileKind.Digital, ProfileKind.Optical];

    public static readonly string[] TopKeys =
        ["version", "name", "kind", "description", "clock_hz", "cores", "capabilities", "compute", "memory", "energy", "optical", "neuromorphic", "cim", "validation"];

    public static readonly FieldRule[] Top = [new("clock_hz", All), new("cores", All)];

    public static readonly SectionRule Compute = new("compute", All, DigitalAndOptical,
    [
        new("fp32_flops_per_s", All), new("fp16_flops_per_s", None), new("int8_ops_per_s", None),
        new("int_add_ops_per_s", None), new("popcount_words_per_s", None),
        new("gemm_efficiency", All), new("gemv_efficiency", All),
        new("tf32_flops_per_s", None), new("bf16_flops_per_s", None), new("tensor_gemm_efficiency", None),
        new("gemm_half_rows", None),
    ]);

    public static readonly SectionRule Energy = new("energy", All, All,
    [
        new("fp32_mac_j", DigitalAndOptical), new("fp32_add_j", DigitalAndOptical), new("fp16_mac_j", None),
        new("int8_mac_j", None), new("int_add_j", None), new("static_w", All), new("tdp_w", None),
    ]);

    public static readonly SectionRule Optical = new("optical", [ProfileKind.Optical], [ProfileKind.Optical],
    [
        new("dmd_pixels", All), new("camera_pixels", All), new("frame_time_s", All), new("exposure_s", None),
        new("power_w", All), new("output_bits", All), new("frames_per_projection_anchor", All),
        new("frames_per_projection_nonlinear", None), new("frames_per_projection_holography", None),
        new("frames_per_projection_vendor_linear", None), new("signed_split", All), new("peak_ops_per_s", None),
        new("host_link_bytes_per_s", None),
    ]);

    public static readonly SectionRule Neuromorphic = new("neuromorphic", [ProfileKind.Neuromorphic], [ProfileKind.Neuromorphic],
    [
        new("synaptic_op_j", All), new("synaptic_update_j", All), new("synaptic_ops_per_s", All),
        new("synaptic_updates_per_s", None), new("neurons", All), new("synapses", All), new("neuron_cores", None),
        new("spike_j", None), new("core_message_j", None), new("time_step_s", None), new("synapse_bits_per_core", None),
        new("fan_out_cores", None),
    ]);

    public static readonly SectionRule Cim = new("cim", [ProfileKind.Cim], [ProfileKind.Cim],
    [
        new("array_rows", All), new("array_cols", All), new("arrays", All), new("cell_bits", None), new("adc_bits", None),
        new("columns_per_adc", None), new("read_pulse_s", All), new("mac_j", All), new("write_j_per_cell", All),
        new("write_s_per_row", None), new("cell_read_j", None), new("dac_conversion_j", None), new("adc_conversion_j", None),
    ]);

    public static readonly SectionRule[] Sections = [Compute, Energy, Optical, Neuromorphic, Cim];

    public static readonly string[] MemoryKeys = ["name", "off_chip", "capacity_bytes", "bandwidth_bytes_per_s", "energy_j_per_byte", "latency_s"];

    public static readonly FieldRule[] MemoryFields =
        [new("capacity_bytes", All), new("bandwidth_bytes_per_s", All), new("energy_j_per_byte", All), new("latency_s", None)];

    public static readonly IReadOnlyDictionary<string, ProfileCapability> Capabilities = new Dictionary<string, ProfileCapability>
    {
        ["feedback_prng"] = ProfileCapability.FeedbackPrng,
        ["feedback_in_medium"] = ProfileCapability.FeedbackInMedium,
        ["adder_only_feedback"] = ProfileCapability.AdderOnlyFeedback,
        ["graded_spikes"] = ProfileCapability.GradedSpikes,
    };

    public static readonly IReadOnlyDictionary<string, ProfileKind> Kinds = new Dictionary<string, ProfileKind>
    {
        ["digital"] = ProfileKind.Digital,
        ["optical"] = ProfileKind.Optical,
        ["neuromorphic"] = ProfileKind.Neuromorphic,
        ["cim"] = ProfileKind.Cim,
    };

    public static string KindName(ProfileKind kind) => Kinds.First(k => k.Value == kind).Key;

    /// <summary>The unit a key's name states; a key with no unit suffix is a count.</summary>
    public static string UnitOf(string key) => key switch
    {
        _ when key.EndsWith("_flops_per_s", StringComparison.Ordinal) => "FLOP/s",
        _ when key.EndsWith("_ops_per_s", StringComparison.Ordinal) => "op/s",
        _ when key.EndsWith("_words_per_s", StringComparison.Ordinal) => "word/s",
        _ when key.EndsWith("_updates_per_s", StringComparison.Ordinal) => "update/s",
        _ when key.EndsWith("_bytes_per_s", StringComparison.Ordinal) => "B/s",
        _ when key.EndsWith("_j_per_byte", StringComparison.Ordinal) => "J/B",
        _ when key.EndsWith("_j_per_cell", StringComparison.Ordinal) => "J/cell",
        _ when key.EndsWith("_s_per_row", StringComparison.Ordinal) => "s/row",
        _ when key.EndsWith("_efficiency", StringComparison.Ordinal) => "fraction",
        "gemm_half_rows" => "rows",
        _ when key.EndsWith("_bytes", StringComparison.Ordinal) => "B",
        _ when key.EndsWith("_hz", StringComparison.Ordinal) => "Hz",
        _ when key.EndsWith("_j", StringComparison.Ordinal) => "J",
        _ when key.EndsWith("_w", StringComparison.Ordinal) => "W",
        _ when key.EndsWith("_s", StringComparison.Ordinal) => "s",
        _ when key.EndsWith("_pixels", StringComparison.Ordinal) => "pixels",
        _ when key.EndsWith("_bits", StringComparison.Ordinal) => "bits",
        _ => "count",
    };

    /// <summary>Counts, pixels, bits and byte capacities are whole numbers.</summary>
    public static bool IsWhole(string unit) => unit is "count" or "pixels" or "bits" or "B";

    /// <summary>Energies, powers and latencies may be 0; fractions lie in (0, 1]; everything else must be &gt; 0.</summary>
    public static ValueRange RangeOf(string key, string unit) => unit switch
    {
        "fraction" => ValueRange.Fraction,
        "J" or "J/B" or "J/cell" or "W" => ValueRange.NonNegative,
        _ when key == "latency_s" => ValueRange.NonNegative,
        _ => ValueRange.Positive,
    };
}

internal enum ValueRange
{
    Positive,
    NonNegative,
    Fraction,
}

/// <summary>A numeric key and the kinds that require it when its section is present.</summary>
internal sealed record FieldRule(string Key, ProfileKind[] RequiredFor)
{
    public string Unit { get; } = ProfileSchema.UnitOf(Key);
}

/// <summary>A section of numeric keys, the kinds that may have it and the kinds that must.</summary>
internal sealed record SectionRule(string Key, ProfileKind[] AllowedFor, ProfileKind[] RequiredFor, FieldRule[] Fields);
