using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>What the binder saw, by dotted path, so cross-key checks can point at the right node.</summary>
public sealed class BindContext
{
    private readonly Dictionary<string, (YScalar Key, YNode Value)> _seen = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _allKeys;

    /// <param name="allKeys">Every dotted key of the schema, to tell a user whose key sits at the wrong level.</param>
    public BindContext(IReadOnlyList<string> allKeys)
    {
        ArgumentNullException.ThrowIfNull(allKeys);
        _allKeys = allKeys;
    }

    /// <summary>The other places a key exists, quoted and joined by "or" (at most three), or null when it exists nowhere else or in more places.</summary>
    public string? Elsewhere(string key, string prefix)
    {
        var matches = _allKeys.Where(k => k == key || k.EndsWith("." + key, StringComparison.Ordinal))
            .Where(k => k != (prefix.Length == 0 ? key : $"{prefix}.{key}"))
            .Take(4)
            .ToList();
        return matches.Count is >= 1 and <= 3 ? string.Join(" or ", matches.Select(m => $"'{m}'")) : null;
    }

    /// <summary>Remembers the key and value nodes bound at dotted <paramref name="path"/>.</summary>
    public void Record(string path, YScalar key, YNode value) => _seen[path] = (key, value);

    /// <summary>The value node bound at <paramref name="path"/>, or null when the config did not set it.</summary>
    public YNode? ValueAt(string path) => _seen.TryGetValue(path, out var e) ? e.Value : null;

    /// <summary>The key node bound at <paramref name="path"/>, or null when the config did not set it.</summary>
    public YNode? KeyAt(string path) => _seen.TryGetValue(path, out var e) ? e.Key : null;

    /// <summary>The value node of the first of <paramref name="paths"/> the config set, else <paramref name="fallback"/>.</summary>
    public YNode At(YNode fallback, params string[] paths)
    {
        foreach (var p in paths)
        {
            if (ValueAt(p) is { } node)
            {
                return node;
            }
        }

        return fallback;
    }
}
