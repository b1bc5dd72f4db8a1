using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// An enum spelled by name, case-insensitively and ignoring <c>_</c> and <c>-</c> (so <c>leaky_relu</c> and
/// <c>LeakyReLU</c> both match). <paramref name="hints"/> are spellings that are refused but earn a suggestion.
/// </summary>
public sealed class EnumType<TEnum>((string Name, TEnum Value)[] names, (string Spelling, string Name)[]? hints = null)
    : ValueType<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Read(YNode node, string path)
    {
        var s = Scalar(node, path, $"one of {List()}");
        var typed = Normalize(s.Value);
        foreach (var (name, value) in names)
        {
            if (Normalize(name) == typed)
            {
                return value;
            }
        }

        var hint = hints?.FirstOrDefault(h => Normalize(h.Spelling) == typed).Name;
        if (hint is null && Suggest.Closest(typed, names.Select(n => Normalize(n.Name))) is { } close)
        {
            hint = names.First(n => Normalize(n.Name) == close).Name;
        }

        var suggestion = hint is null ? "" : $"; did you mean '{hint}'?";
        throw node.Error($"{path}: unknown value '{s.Shown}', expected one of {List()}{suggestion}");
    }

    public override string Render(TEnum value) => names.First(n => EqualityComparer<TEnum>.Default.Equals(n.Value, value)).Name;

    public override string Name => $"one of {List()}";

    private string List() => string.Join(", ", names.Select(n => n.Name));

    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}
