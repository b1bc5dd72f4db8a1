using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A key holding a nested mapping that is always present (its keys default individually).</summary>
internal sealed class SectionField<T, TSection>(string key, Section<TSection> section, Func<T, TSection> get, Func<T, TSection, T> set)
    : Field<T>(key, null)
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) =>
        value is YMapping map
            ? set(target, section.Bind(get(target), map, path, ctx))
            : throw value.Error($"{path}: expected a mapping of keys ({section.KeyList}), got {value.KindName}");

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into) =>
        section.Describe(get(source), path, into);

    public override void Document(T defaults, string path, List<KeyDoc> into) => section.Document(get(defaults), path, into);
}
