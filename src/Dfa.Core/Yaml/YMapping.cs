namespace Dfa.Core.Yaml;

/// <summary>A mapping, its entries in document order; keys are unique scalars (the reader refuses duplicates).</summary>
public sealed class YMapping(YamlSource source, int line, int column) : YNode(source, line, column)
{
    public List<KeyValuePair<YScalar, YNode>> Entries { get; } = [];

    public override string KindName => "a mapping";

    /// <summary>The index of the entry whose key is <paramref name="key"/> (ordinal), or −1.</summary>
    public int IndexOf(string key) => Entries.FindIndex(e => e.Key.Value == key);

    /// <summary>The value under <paramref name="key"/>, or null when the key is absent.</summary>
    public YNode? Find(string key)
    {
        int i = IndexOf(key);
        return i < 0 ? null : Entries[i].Value;
    }
}
