using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// A mapping level of the config schema: its keys, in the order they are rendered, bound onto an immutable record
/// <typeparamref name="T"/>. An unknown key is an error at the key with a did-you-mean, or the place the key belongs
/// when it exists at another level.
/// </summary>
public sealed class Section<T>
{
    private readonly Field<T>[] _fields;
    private readonly Dictionary<string, Field<T>> _byKey;

    /// <exception cref="ArgumentException">Two fields share a key.</exception>
    public Section(params Field<T>[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        _fields = fields;
        _byKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        KeyList = string.Join(", ", fields.Select(f => f.Key));
    }

    /// <summary>The keys, in order.</summary>
    public IEnumerable<string> Keys => _fields.Select(f => f.Key);

    /// <summary>The keys joined by commas, for messages.</summary>
    public string KeyList { get; }

    /// <summary>Binds every entry of <paramref name="map"/> (at dotted <paramref name="prefix"/>) onto <paramref name="target"/>.</summary>
    /// <exception cref="ConfigException">An unknown key, or a value of the wrong type or out of range (at its node).</exception>
    public T Bind(T target, YMapping map, string prefix, BindContext ctx)
    {
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(ctx);
        foreach (var (key, value) in map.Entries)
        {
            if (!_byKey.TryGetValue(key.Value, out var field))
            {
                var where = prefix.Length == 0 ? "" : $" in '{prefix}'";
                var hint = Suggest.DidYouMean(key.Value, Keys);
                if (hint.Length == 0 && ctx.Elsewhere(key.Value, prefix) is { } other)
                {
                    hint = $"; '{key.Value}' belongs at {other}";
                }

                throw key.Error($"unknown key '{key.Shown}'{where}{hint}");
            }

            var path = prefix.Length == 0 ? key.Value : $"{prefix}.{key.Value}";
            ctx.Record(path, key, value);
            target = field.Bind(target, value, path, ctx);
        }

        return target;
    }

    /// <summary>Adds <c>(dotted key, YAML value)</c> for every key of <paramref name="source"/>, in order.</summary>
    public void Describe(T source, string prefix, List<KeyValuePair<string, string>> into)
    {
        foreach (var f in _fields)
        {
            f.Describe(source, Join(prefix, f.Key), into);
        }
    }

    /// <summary>Adds the documentation of every key, with its default from <paramref name="defaults"/>.</summary>
    public void Document(T defaults, string prefix, List<KeyDoc> into)
    {
        foreach (var f in _fields)
        {
            f.Document(defaults, Join(prefix, f.Key), into);
        }
    }

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
}
