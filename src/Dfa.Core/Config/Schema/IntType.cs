using System.Globalization;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>An integer in <c>[min, max]</c>.</summary>
public sealed class IntType(int min, int max = int.MaxValue) : ValueType<int>
{
    public override string Name => max == int.MaxValue ? $"integer ≥ {min}" : $"integer in [{min}, {max}]";

    public override int Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "an integer");
        if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            throw node.Error($"{path}: expected an integer, got '{s.Shown}'");
        }

        return v < min ? throw node.Error($"{path} must be at least {min}, got {v}")
            : v > max ? throw node.Error($"{path} must be at most {max}, got {v}")
            : (int)v;
    }

    public override string Render(int value) => value.ToString(CultureInfo.InvariantCulture);
}
