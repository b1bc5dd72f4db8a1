using System.Globalization;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A non-negative 64-bit integer (seeds).</summary>
public sealed class ULongType : ValueType<ulong>
{
    public override string Name => "integer ≥ 0";

    public static readonly ULongType Instance = new();

    public override ulong Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "a non-negative integer");
        if (ulong.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        throw long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var neg) && neg < 0
            ? node.Error($"{path} must be at least 0, got {neg}")
            : node.Error($"{path}: expected a non-negative integer, got '{s.Shown}'");
    }

    public override string Render(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
