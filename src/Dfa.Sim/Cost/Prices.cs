using System.Collections.Immutable;
using Dfa.Core;
using Dfa.Core.Feedback;
using Dfa.Sim.Profiles;

namespace Dfa.Sim.Cost;

/// <summary>
/// The numbers of one hardware profile as the cost model reads them: every field by its dotted path
/// (<c>compute.fp32_flops_per_s</c>, <c>memory[hbm].bandwidth_bytes_per_s</c>, <c>optical.frame_time_s</c>), with
/// the memory levels' order and the profile's capabilities. <see cref="With"/> changes one number, which is how a
/// what-if sweep varies a profile. The cost model reads prices only from here, so every figure it prints traces back
/// to a field of a profile file and that field's source.
/// </summary>
public sealed class Prices : IDeviceFigures
{
    private readonly ImmutableDictionary<string, double> _values;

    public Prices(HardwareProfile profile)
        : this(
            profile ?? throw new ArgumentNullException(nameof(profile)),
            profile.Fields.ToImmutableDictionary(f => f.Path, f => f.Value, StringComparer.Ordinal))
    {
    }

    private Prices(HardwareProfile profile, ImmutableDictionary<string, double> values, Precision precision = Precision.Fp32)
    {
        Profile = profile;
        _values = values;
        Precision = precision;
        Levels = profile.Memory.Select(m => new Level(
            m.Name,
            m.OffChip,
            values[LevelPath(profile, m, "capacity_bytes")],
            values[LevelPath(profile, m, "bandwidth_bytes_per_s")],
            values[LevelPath(profile, m, "energy_j_per_byte")])).ToArray();
    }

    public HardwareProfile Profile { get; }

    /// <summary>The arithmetic the run trains in (<see cref="WithPrecision"/>); FP32 unless a run chose another.</summary>
    public Precision Precision { get; }

    /// <summary>
    /// The modes this profile prices: <c>fp32</c> always, and each other mode whose peak-rate field
    /// (<see cref="Precisions.RateField"/>) the profile has, on digital and optical (host) profiles.
    /// </summary>
    public IReadOnlyList<Precision> SupportedPrecisions =>
        [.. Precisions.All.Where(p => p == Precision.Fp32 || (Kind is ProfileKind.Digital or ProfileKind.Optical && _values.ContainsKey(Precisions.RateField(p))))];

    public string Name => Profile.Name;

    public ProfileKind Kind => Profile.Kind;

    /// <summary>The memory hierarchy, closest to compute first, with the (possibly overridden) numbers.</summary>
    public IReadOnlyList<Level> Levels { get; }

    /// <summary>Every path this profile prices with, sorted.</summary>
    public IEnumerable<string> Paths => _values.Keys.Order(StringComparer.Ordinal);

    public bool Has(ProfileCapability capability) => Profile.Has(capability);

    /// <inheritdoc/>
    public bool HasCapability(string name) =>
        ProfileSchema.Capabilities.TryGetValue(name, out ProfileCapability capability) && Has(capability);

    /// <summary>
    /// Whether a projection on <paramref name="device"/> can be priced on this profile: digital work on any profile,
    /// an optical unit on an optical profile, analog arrays on a compute-in-memory profile, a spiking chip on a
    /// neuromorphic one.
    /// </summary>
    public bool Runs(FeedbackDevice device) => device switch
    {
        FeedbackDevice.Digital => true,
        FeedbackDevice.Optical => Kind == ProfileKind.Optical,
        FeedbackDevice.InMemory => Kind == ProfileKind.Cim,
        FeedbackDevice.Neuromorphic => Kind == ProfileKind.Neuromorphic,
        _ => false,
    };

    /// <summary>The kind of profile <paramref name="device"/> needs, as tables name it (<c>optical</c>).</summary>
    public static string KindOf(FeedbackDevice device) => device switch
    {
        FeedbackDevice.Optical => "optical",
        FeedbackDevice.InMemory => "compute-in-memory",
        FeedbackDevice.Neuromorphic => "neuromorphic",
        _ => "any",
    };

    /// <summary>The kind of profile <paramref name="device"/> needs, as messages name it (<c>an optical profile</c>).</summary>
    public static string ProfileFor(FeedbackDevice device) => device switch
    {
        FeedbackDevice.Optical => "an optical profile",
        FeedbackDevice.InMemory => "a compute-in-memory profile",
        FeedbackDevice.Neuromorphic => "a neuromorphic profile",
        _ => "any profile",
    };

    /// <summary>Refuses <paramref name="plan"/> when this profile cannot run its device.</summary>
    /// <exception cref="DfaInputException">The plan's device needs another kind of profile.</exception>
    public void ThrowIfCannotRun(FeedbackPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!Runs(plan.Device))
        {
            throw new DfaInputException($"the {plan.Backend} backend needs {ProfileFor(plan.Device)}; {Name} is {Kind.ToString().ToLowerInvariant()}");
        }
    }

    /// <summary>The value at <paramref name="path"/>, which the profile's schema guarantees for its kind.</summary>
    public double this[string path] => _values.TryGetValue(path, out double v)
        ? v
        : throw new InvalidOperationException($"Profile {Name} has no {path}; the profile schema should have required it.");

    /// <summary>The value at <paramref name="path"/>, or null when the profile leaves that optional field out.</summary>
    public double? Find(string path) => _values.TryGetValue(path, out double v) ? v : null;

    /// <summary>A copy with <paramref name="path"/> set to <paramref name="value"/> (a what-if).</summary>
    /// <exception cref="DfaInputException">The profile has no such field, or the value is negative or not finite.</exception>
    public Prices With(string path, double value)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!_values.ContainsKey(path))
        {
            throw new DfaInputException(
                $"profile {Name} has no field '{path}'; its fields: {string.Join(", ", Paths)}");
        }

        string unit = Profile.Fields.First(f => f.Path == path).Unit;
        string key = path[(path.LastIndexOf('.') + 1)..];
        bool ok = double.IsFinite(value) && ProfileSchema.RangeOf(key, unit) switch
        {
            ValueRange.Fraction => value is > 0 and <= 1,
            ValueRange.NonNegative => value >= 0,
            _ => value > 0,
        };
        if (!ok || (ProfileSchema.IsWhole(unit) && value != Math.Floor(value)))
        {
            string what = ProfileSchema.RangeOf(key, unit) switch
            {
                ValueRange.Fraction => "a fraction in (0, 1]",
                ValueRange.NonNegative => "a non-negative number",
                _ => "a positive number",
            };
            throw new DfaInputException($"{path} must be {what}{(ProfileSchema.IsWhole(unit) ? ", whole" : "")} (in {unit}), got {value}");
        }

        return new Prices(Profile, _values.SetItem(path, value), Precision);
    }

    /// <summary>The same prices for a run in <paramref name="precision"/>.</summary>
    /// <exception cref="DfaInputException">The profile has no rate for that mode (listing the modes it has).</exception>
    public Prices WithPrecision(Precision precision)
    {
        if (!SupportedPrecisions.Contains(precision))
        {
            throw new DfaInputException(
                $"profile {Name} has no {Precisions.Name(precision)} rate ({Precisions.RateField(precision)}); its precisions: {string.Join(", ", SupportedPrecisions.Select(Precisions.Name))}");
        }

        return precision == Precision ? this : new Prices(Profile, _values, precision);
    }

    private static string LevelPath(HardwareProfile profile, MemoryLevel level, string field)
    {
        string byName = $"memory[{level.Name}].{field}";
        return profile.Fields.Any(f => f.Path == byName) ? byName : $"memory[{profile.Memory.ToList().IndexOf(level)}].{field}";
    }

    /// <summary>One memory level's prices.</summary>
    public sealed record Level(string Name, bool OffChip, double CapacityBytes, double BandwidthBytesPerS, double EnergyJPerByte);
}
