using System.Globalization;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>Reads one YAML node as a typed value, with the range check that belongs to the key.</summary>
public abstract class ValueType<TValue>
{
    /// <summary>The value at <paramref name="node"/> (dotted <paramref name="path"/> names it in messages).</summary>
    /// <exception cref="ConfigException">The node has the wrong type or the value is out of range.</exception>
    public abstract TValue Read(YNode node, string path);

    /// <summary>The value as YAML that <see cref="Read"/> reads back to the same value.</summary>
    public abstract string Render(TValue value);

    /// <summary>The values this type takes, for listings, e.g. <c>integer ≥ 1</c> or <c>number in [0, 1)</c>.</summary>
    public abstract string Name { get; }

    protected static YScalar Scalar(YNode node, string path, string expected) => node switch
    {
        YScalar { IsNull: true } => throw node.Error($"{path}: expected {expected}, got {(((YScalar)node).Value.Length == 0 ? "no value" : "null")}"),
        YScalar s => s,
        _ => throw node.Error($"{path}: expected {expected}, got {node.KindName}"),
    };

    /// <summary>Numbers and booleans must be plain scalars: in YAML a quoted "5" is a string.</summary>
    protected static YScalar PlainScalar(YNode node, string path, string expected)
    {
        var s = Scalar(node, path, expected);
        return s.Plain ? s : throw node.Error($"{path}: expected {expected}, got {s.KindName}");
    }

    /// <summary>A number as messages and renderings write it: round-trip, invariant, lower-case exponent.</summary>
    public static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
}
