using System.Globalization;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A list of bounded integers, e.g. <c>[800, 800]</c>.</summary>
public sealed class IntListType(int minCount, int maxCount, IntType item) : ValueType<IReadOnlyList<int>>
{
    public override string Name => $"list of {minCount} to {maxCount} integers ({item.Name})";

    public override IReadOnlyList<int> Read(YNode node, string path)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"{path}: expected a list of integers such as [800, 800], got {node.KindName}");
        }

        if (seq.Items.Count < minCount || seq.Items.Count > maxCount)
        {
            throw node.Error($"{path}: expected {minCount} to {maxCount} entries, got {seq.Items.Count}");
        }

        var values = new int[seq.Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var element = seq.Items[i];
            if (element is not YScalar)
            {
                throw element.Error($"{path}: expected a list of integers, got {element.KindName} at index {i}");
            }

            values[i] = item.Read(element, $"{path}[{i}]");
        }

        return Array.AsReadOnly(values);
    }

    public override string Render(IReadOnlyList<int> value) =>
        $"[{string.Join(", ", value.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]";
}
