namespace Dfa.Core.Yaml;

/// <summary>
/// A config the user wrote is wrong: malformed YAML, an unknown key, a value of the wrong type or out of range, or two
/// settings that contradict each other. The message is one line, <c>path:line:col: what is wrong</c> for a file, or
/// <c>--set 'key=value': what is wrong</c> for a command-line override.
/// </summary>
public sealed class ConfigException : DfaInputException
{
    /// <summary>An error at a position in a config file (or in text parsed under a display name).</summary>
    /// <param name="file">The path or display name of the config.</param>
    /// <param name="line">1-based line of the offending node.</param>
    /// <param name="column">1-based column of the offending node.</param>
    /// <param name="problem">What is wrong, one line, without the position prefix.</param>
    public ConfigException(string file, int line, int column, string problem)
        : this(file, line, column, OneLine(problem), $"{OneLine(file)}:{line}:{column}: {OneLine(problem)}", null)
    {
    }

    private ConfigException(string file, int line, int column, string problem, string message, Exception? inner)
        : base(message, inner!)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(line, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(column, 1);
        File = file;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>
    /// The config file's path or display name; for an override, <c>--set 'key=value'</c> (the override as typed).
    /// </summary>
    public string File { get; }

    /// <summary>1-based line of the offending node; 1 for an override.</summary>
    public int Line { get; }

    /// <summary>1-based column of the offending node; for an override, the column inside the override text.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the position prefix.</summary>
    public string Problem { get; }

    /// <summary>Whether the error is in a <c>--set</c> override rather than in the file.</summary>
    public bool IsOverride { get; private init; }

    /// <summary>An error in a <c>--set key=value</c> override; the message names the override instead of a file position.</summary>
    /// <param name="overrideText">The override exactly as given, e.g. <c>lr=-1</c>.</param>
    /// <param name="column">1-based column inside <paramref name="overrideText"/> of the offending part.</param>
    /// <param name="problem">What is wrong, one line.</param>
    public static ConfigException ForOverride(string overrideText, int column, string problem)
    {
        ArgumentNullException.ThrowIfNull(overrideText);
        var file = OneLine($"--set '{overrideText}'");
        problem = OneLine(problem);
        return new ConfigException(file, 1, Math.Max(1, column), problem, $"{file}: {problem}", null) { IsOverride = true };
    }

    internal static ConfigException WithInner(string file, int line, int column, string problem, Exception inner)
    {
        (file, problem, line, column) = (OneLine(file), OneLine(problem), Math.Max(1, line), Math.Max(1, column));
        return new(file, line, column, problem, $"{file}:{line}:{column}: {problem}", inner);
    }

    /// <summary>Escapes line breaks and other control characters so the message stays on one line.</summary>
    internal static string OneLine(string text)
    {
        if (!text.Any(char.IsControl))
        {
            return text;
        }

        var b = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:X4}",
                _ => c.ToString(),
            });
        }

        return b.ToString();
    }
}
