using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// One of a list of names known when the schema is built (the registered feedback backends), matched
/// case-insensitively and read as its listed spelling; an unknown name is an error at its node, with the closest name
/// suggested. An empty list accepts any non-empty string (a schema built without backends).
/// </summary>
/// <param name="what">What a name stands for, as the error names it (<c>feedback backend</c>).</param>
/// <param name="names">The accepted names.</param>
public sealed class NameType(string what, IReadOnlyList<string> names) : ValueType<string?>
{
    public override string Name => names.Count == 0 ? "string" : $"one of {string.Join(", ", names)}";

    public override string? Read(YNode node, string path)
    {
        string? value = StringType.Required.Read(node, path);
        if (names.Count == 0)
        {
            return value;
        }

        string? known = names.FirstOrDefault(n => string.Equals(n, value, StringComparison.OrdinalIgnoreCase));
        if (known is not null)
        {
            return known;
        }

        string hint = Suggest.DidYouMean(value!.ToLowerInvariant(), names);
        throw node.Error($"{path}: unknown {what} '{YScalar.Shorten(value)}', expected one of {string.Join(", ", names)}{hint}");
    }

    public override string Render(string? value) => StringType.Required.Render(value);
}
