using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary><c>true</c> or <c>false</c> (any case; plain, not quoted).</summary>
public sealed class BoolType : ValueType<bool>
{
    public override string Name => "true or false";

    public static readonly BoolType Instance = new();

    public override bool Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "true or false");
        return s.Value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw node.Error($"{path}: expected true or false, got '{s.Shown}'"),
        };
    }

    public override string Render(bool value) => value ? "true" : "false";
}
