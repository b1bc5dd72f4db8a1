using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A value that may also be <c>null</c> (or left empty) to mean "not set".</summary>
public sealed class NullableType<TValue>(ValueType<TValue> inner) : ValueType<TValue?>
    where TValue : struct
{
    public override string Name => $"{inner.Name}, or null";

    public override TValue? Read(YNode node, string path) => node is YScalar { IsNull: true } ? null : inner.Read(node, path);

    public override string Render(TValue? value) => value is { } v ? inner.Render(v) : "null";
}
