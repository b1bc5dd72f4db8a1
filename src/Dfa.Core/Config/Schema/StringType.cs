using System.Text.RegularExpressions;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A string; quoted or plain. <paramref name="nullable"/> lets <c>null</c> mean "not set".</summary>
public sealed partial class StringType(bool nullable) : ValueType<string?>
{
    public override string Name => nullable ? "string, or null" : "string";

    public static readonly StringType Required = new(false);
    public static readonly StringType Optional = new(true);

    public override string? Read(YNode node, string path)
    {
        if (nullable && node is YScalar { IsNull: true })
        {
            return null;
        }

        var s = Scalar(node, path, "a string");
        return s.Value.Trim().Length == 0 ? throw node.Error($"{path}: expected a non-empty string") : s.Value;
    }

    public override string Render(string? value) =>
        value is null ? "null"
        : Bare().IsMatch(value) && !Reserved().IsMatch(value) ? value
        : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^[A-Za-z_./~][A-Za-z0-9_./~+-]*$")]
    private static partial Regex Bare();

    [GeneratedRegex(@"^(?i:null|true|false|~|\.inf|\.nan|infinity|nan)$")]
    private static partial Regex Reserved();
}
