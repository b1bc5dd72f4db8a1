namespace Dfa.Core.Yaml;

/// <summary>A list (block or flow style), its items in order.</summary>
public sealed class YSequence(YamlSource source, int line, int column) : YNode(source, line, column)
{
    public List<YNode> Items { get; } = [];

    public override string KindName => "a list";
}
