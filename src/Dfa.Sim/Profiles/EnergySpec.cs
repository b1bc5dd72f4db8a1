namespace Dfa.Sim.Profiles;

/// <summary>
/// The <c>energy:</c> section: dynamic energy per operation (J) and static power (W). Energy of an action is
/// <c>count × price</c>; static energy is <c>static_w × time</c>.
/// </summary>
public sealed record EnergySpec
{
    /// <summary><c>fp32_mac_j</c>: one FP32 multiply–accumulate (required for digital and optical).</summary>
    public SourcedValue? Fp32MacJ { get; init; }

    /// <summary><c>fp32_add_j</c>: one FP32 add (required for digital and optical).</summary>
    public SourcedValue? Fp32AddJ { get; init; }

    /// <summary><c>fp16_mac_j</c>: one FP16 multiply–accumulate.</summary>
    public SourcedValue? Fp16MacJ { get; init; }

    /// <summary><c>int8_mac_j</c>: one INT8 multiply–accumulate.</summary>
    public SourcedValue? Int8MacJ { get; init; }

    /// <summary><c>int_add_j</c>: one integer add (the adder-only ±1 path).</summary>
    public SourcedValue? IntAddJ { get; init; }

    /// <summary><c>static_w</c>: power drawn whatever the work (leakage, idle), W (required).</summary>
    public required SourcedValue StaticW { get; init; }

    /// <summary><c>tdp_w</c>: the board or chip power limit, W, for reference and sanity checks.</summary>
    public SourcedValue? TdpW { get; init; }
}
