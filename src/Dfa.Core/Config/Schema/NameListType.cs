using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A list of names, e.g. <c>[conv1, conv2]</c>: block names of the network.</summary>
public sealed class NameListType(int maxCount) : ValueType<IReadOnlyList<string>>
{
    public override string Name => $"list of at most {maxCount} names";

    public override IReadOnlyList<string> Read(YNode node, string path)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"{path}: expected a list of names such as [conv1, conv2], got {node.KindName}");
        }

        if (seq.Items.Count > maxCount)
        {
            throw node.Error($"{path}: expected at most {maxCount} names, got {seq.Items.Count}");
        }

        var values = new string[seq.Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = StringType.Required.Read(seq.Items[i], $"{path}[{i}]")!;
            if (Array.IndexOf(values, values[i], 0, i) >= 0)
            {
                throw seq.Items[i].Error($"{path}[{i}]: '{values[i]}' is listed twice");
            }
        }

        return Array.AsReadOnly(values);
    }

    public override string Render(IReadOnlyList<string> value) =>
        $"[{string.Join(", ", value.Select(StringType.Required.Render))}]";
}
