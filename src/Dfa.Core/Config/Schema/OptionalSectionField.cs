using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A section whose absence means "off" (null); <c>key: null</c> switches it off again.</summary>
internal sealed class OptionalSectionField<T, TSection>(
    string key, Section<TSection> section, Func<T, TSection?> get, Func<T, TSection?, T> set, Func<TSection> create)
    : Field<T>(key, null)
    where TSection : class
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) => value switch
    {
        YScalar { IsNull: true } => set(target, null),
        YMapping map => set(target, section.Bind(get(target) ?? create(), map, path, ctx)),
        _ => throw value.Error($"{path}: expected a mapping of keys ({section.KeyList}) or null, got {value.KindName}"),
    };

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into)
    {
        if (get(source) is { } s)
        {
            section.Describe(s, path, into);
        }
        else
        {
            into.Add(new(path, "null"));
        }
    }

    public override void Document(T defaults, string path, List<KeyDoc> into) => section.Document(create(), path, into);
}
