namespace Dfa.Sim.Profiles;

/// <summary>One numeric field of a loaded profile, flattened for display and reports.</summary>
/// <param name="Path">Dotted path, e.g. <c>compute.fp32_flops_per_s</c> or <c>memory[hbm].bandwidth_bytes_per_s</c>.</param>
/// <param name="Value">The value, in <paramref name="Unit"/>.</param>
/// <param name="Unit">The unit the key's name states, e.g. <c>B/s</c>, <c>J</c>, <c>fraction</c>.</param>
/// <param name="Source">Where the value comes from.</param>
public sealed record ProfileField(string Path, double Value, string Unit, string Source);
