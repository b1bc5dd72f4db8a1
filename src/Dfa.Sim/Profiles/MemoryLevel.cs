namespace Dfa.Sim.Profiles;

/// <summary>
/// One level of a profile's memory hierarchy (<c>memory:</c> list, closest to compute first). Energy is per byte moved
/// to or from the level: <c>energy_j_per_byte</c>, J/B, the one memory-energy unit of every profile.
/// </summary>
/// <param name="Name">Unique within the profile, e.g. <c>l2</c>, <c>hbm</c>, <c>dram</c>.</param>
/// <param name="OffChip">Whether traffic to this level leaves the chip (its energy is reported as off-chip).</param>
/// <param name="CapacityBytes"><c>capacity_bytes</c>, &gt; 0.</param>
/// <param name="BandwidthBytesPerS"><c>bandwidth_bytes_per_s</c>, &gt; 0.</param>
/// <param name="EnergyJPerByte"><c>energy_j_per_byte</c>, ≥ 0.</param>
/// <param name="LatencyS">Optional <c>latency_s</c>, ≥ 0.</param>
public sealed record MemoryLevel(
    string Name,
    bool OffChip,
    SourcedValue CapacityBytes,
    SourcedValue BandwidthBytesPerS,
    SourcedValue EnergyJPerByte,
    SourcedValue? LatencyS);
