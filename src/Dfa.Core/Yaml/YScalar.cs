namespace Dfa.Core.Yaml;

/// <summary>A scalar: its text exactly as written (without quotes), and whether it was quoted.</summary>
public sealed class YScalar(YamlSource source, int line, int column, string value, bool plain)
    : YNode(source, line, column)
{
    /// <summary>The scalar's text; for a quoted scalar, without the quotes and with escapes resolved.</summary>
    public string Value { get; } = value;

    /// <summary>Unquoted: may be a number, a boolean or null. Quoted scalars are always strings.</summary>
    public bool Plain { get; } = plain;

    /// <summary>A plain empty value, <c>~</c> or <c>null</c> (any of YAML's spellings).</summary>
    public bool IsNull => Plain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string KindName => IsNull ? "null" : Plain ? $"'{Shown}'" : $"the quoted string \"{Shown}\"";

    /// <summary>The value as quoted in messages: at most 60 characters.</summary>
    public string Shown => Shorten(Value);

    /// <summary><paramref name="value"/> cut to at most 60 characters for a message ("..." after 57).</summary>
    public static string Shorten(string value) => value.Length <= 60 ? value : string.Concat(value.AsSpan(0, 57), "...");
}
