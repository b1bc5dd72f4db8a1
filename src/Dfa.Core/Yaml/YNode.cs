namespace Dfa.Core.Yaml;

/// <summary>
/// A node of a YAML document with the position it was read from (<see cref="YamlReader"/>), so a loader can point
/// every error at the offending node: <c>file:line:col: problem</c>. Nodes are plain data: mappings keep their keys
/// in document order and nothing is expanded (aliases and tags are refused by the reader).
/// </summary>
public abstract class YNode(YamlSource source, int line, int column)
{
    /// <summary>The text the node was read from: a file, or one <c>--set</c> override.</summary>
    public YamlSource Source { get; } = source;

    /// <summary>1-based line of the node's first character.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the node's first character.</summary>
    public int Column { get; } = column;

    /// <summary>What the node is, for messages: <c>a mapping</c>, <c>a list</c>, <c>null</c>, <c>'5'</c>, <c>the quoted string "x"</c>.</summary>
    public abstract string KindName { get; }

    /// <summary>An error at this node: <c>file:line:col: <paramref name="problem"/></c>, or the override it came from.</summary>
    public ConfigException Error(string problem) => Source.Error(Line, Column, problem);
}
