using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>
/// One key of a <see cref="Section{T}"/>: how its YAML node binds onto the immutable record <typeparamref name="T"/>,
/// how the record's value renders back to YAML, and what the key means. Built with <see cref="Keys{T}"/>.
/// </summary>
public abstract class Field<T>
{
    private protected Field(string key, string? doc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        Key = key;
        Doc = doc;
    }

    /// <summary>The YAML key, e.g. <c>connections</c>.</summary>
    public string Key { get; }

    /// <summary>One line saying what the key means, for listings and the README's config reference; null when undocumented.</summary>
    public string? Doc { get; }

    /// <summary>Reads <paramref name="value"/> (the node under the key at dotted <paramref name="path"/>) into <paramref name="target"/>.</summary>
    /// <exception cref="ConfigException">The node has the wrong type or is out of range (at the node).</exception>
    public abstract T Bind(T target, YNode value, string path, BindContext ctx);

    /// <summary>Adds <c>(path, YAML value)</c> pairs for this key of <paramref name="source"/> to <paramref name="into"/>.</summary>
    public abstract void Describe(T source, string path, List<KeyValuePair<string, string>> into);

    /// <summary>Adds the documentation of this key (and of the keys below it) to <paramref name="into"/>.</summary>
    public abstract void Document(T defaults, string path, List<KeyDoc> into);
}
