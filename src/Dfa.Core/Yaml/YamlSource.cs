namespace Dfa.Core.Yaml;

/// <summary>
/// Where YAML text came from, so an error can name it: a file (or text parsed under a display name), or one
/// <c>--set key=value</c> override, whose errors name the override and count columns from its first character.
/// </summary>
public sealed class YamlSource
{
    private YamlSource(string name, string? overrideText, int columnOffset)
    {
        Name = name;
        OverrideText = overrideText;
        ColumnOffset = columnOffset;
    }

    /// <summary>The file's path or display name; for an override, its text.</summary>
    public string Name { get; }

    /// <summary>The override as typed; null for a file.</summary>
    public string? OverrideText { get; }

    /// <summary>Added to a YAML column so it counts from the start of the override text.</summary>
    public int ColumnOffset { get; }

    /// <summary>A file, or text named <paramref name="displayName"/> in messages.</summary>
    public static YamlSource File(string displayName) => new(displayName, null, 0);

    /// <summary>The part of override <paramref name="text"/> that starts at <paramref name="columnOffset"/> (0-based).</summary>
    public static YamlSource Override(string text, int columnOffset) => new(text, text, columnOffset);

    /// <summary>An error at 1-based <paramref name="line"/> and <paramref name="column"/> of this source.</summary>
    public ConfigException Error(int line, int column, string problem) =>
        OverrideText is null
            ? new ConfigException(Name, line, column, problem)
            : ConfigException.ForOverride(OverrideText, column + ColumnOffset, problem);
}
