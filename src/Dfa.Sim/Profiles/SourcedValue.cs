namespace Dfa.Sim.Profiles;

/// <summary>
/// One number of a profile and where it comes from: a paper or datasheet, or <c>measured</c>, <c>derived: formula</c>
/// or <c>assumption: why</c>. Written in YAML as <c>key: {value: 2.039e12, source: "..."}</c>; the unit is in the key.
/// </summary>
/// <param name="Value">The value in the unit the key names (SI: Hz, s, J, W, bytes, bytes/s).</param>
/// <param name="Source">The citation or tag, never empty.</param>
public sealed record SourcedValue(double Value, string Source);
