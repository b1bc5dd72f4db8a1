namespace Dfa.Core.Config.Schema;

/// <summary>One documented config key: what <c>dfa backends</c> and the README's config reference list.</summary>
/// <param name="Path">The dotted key, e.g. <c>feedback.sparse.connections</c>.</param>
/// <param name="Type">The values it takes, e.g. <c>integer ≥ 1</c>, <c>one of float, ternary</c>.</param>
/// <param name="Default">Its default as YAML (<c>null</c> for "not set").</param>
/// <param name="Doc">What it means, one line (empty when undocumented).</param>
public sealed record KeyDoc(string Path, string Type, string Default, string Doc);
