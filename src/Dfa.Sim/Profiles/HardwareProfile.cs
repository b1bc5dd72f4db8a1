namespace Dfa.Sim.Profiles;

/// <summary>
/// A hardware profile as loaded by <see cref="ProfileLoader"/>: the prices a cost model multiplies the counted work by.
/// Every number carries its source; <see cref="Fields"/> lists them all, flattened, in file order.
/// </summary>
public sealed record HardwareProfile
{
    /// <summary>The schema version the file declares; always <see cref="ProfileLoader.SupportedVersion"/>.</summary>
    public required int Version { get; init; }

    /// <summary>The profile's name, lower-case letters, digits and '-'; equals the file name without <c>.yaml</c>.</summary>
    public required string Name { get; init; }

    public required ProfileKind Kind { get; init; }

    public required string Description { get; init; }

    /// <summary><c>clock_hz</c>: the clock cycles are counted at, Hz.</summary>
    public required SourcedValue ClockHz { get; init; }

    /// <summary><c>cores</c>: cores (CPU cores, GPU SMs, chip cores) that run in parallel.</summary>
    public required SourcedValue Cores { get; init; }

    /// <summary>Peak throughputs and efficiencies; null only for kinds neuromorphic and cim when the file has none.</summary>
    public ComputeSpec? Compute { get; init; }

    /// <summary>The memory hierarchy, closest to compute first; at least one level.</summary>
    public required IReadOnlyList<MemoryLevel> Memory { get; init; }

    public required EnergySpec Energy { get; init; }

    /// <summary>Present exactly when <see cref="Kind"/> is <see cref="ProfileKind.Optical"/>.</summary>
    public OpticalSpec? Optical { get; init; }

    /// <summary>Present exactly when <see cref="Kind"/> is <see cref="ProfileKind.Neuromorphic"/>.</summary>
    public NeuromorphicSpec? Neuromorphic { get; init; }

    /// <summary>Present exactly when <see cref="Kind"/> is <see cref="ProfileKind.Cim"/>.</summary>
    public CimSpec? Cim { get; init; }

    public IReadOnlyList<ProfileCapability> Capabilities { get; init; } = [];

    /// <summary>The published end-to-end figures the profile must predict (<c>validation:</c>), in file order; empty when it has none.</summary>
    public IReadOnlyList<ValidationEntry> Validation { get; init; } = [];

    /// <summary>Every numeric field with its unit and source, in file order.</summary>
    public required IReadOnlyList<ProfileField> Fields { get; init; }

    /// <summary>The path or display name the profile was read from.</summary>
    public required string SourceName { get; init; }

    public bool Has(ProfileCapability capability) => Capabilities.Contains(capability);
}
