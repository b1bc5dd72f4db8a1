using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A key holding one value of type <typeparamref name="TValue"/>.</summary>
internal sealed class ValueField<T, TValue>(string key, Func<T, TValue> get, Func<T, TValue, T> set, ValueType<TValue> type, string? doc)
    : Field<T>(key, doc)
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) => set(target, type.Read(value, path));

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into) =>
        into.Add(new(path, type.Render(get(source))));

    public override void Document(T defaults, string path, List<KeyDoc> into) =>
        into.Add(new KeyDoc(path, type.Name, type.Render(get(defaults)), Doc ?? string.Empty));
}
