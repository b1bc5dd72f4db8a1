using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dfa.Core;

namespace Dfa.Runs.Calibration;

/// <summary>
/// Writes measured values into a profile's text, line by line, so everything else (comments, order, the other fields
/// and their sources) stays exactly as in the template. A field is a line <c>key: {value: V, source: "S"}</c>; its
/// path is <c>key</c> at the top level, <c>section.key</c> inside a section, and <c>memory[NAME].key</c> inside the
/// memory level whose <c>- name: NAME</c> line came last.
/// </summary>
public partial class ProfileRewriter
{
    /// <summary>How the header line a calibration adds begins (a later calibration replaces it).</summary>
    public const string HeaderPrefix = "# dfa calibrate: ";

    /// <summary>
    /// The template's text with each measured path's value and source replaced, its <c>name:</c> set to
    /// <paramref name="name"/> (a profile is named by its file), and a first comment line saying when it was calibrated.
    /// </summary>
    /// <exception cref="DfaInputException">A measured path is not a field line of the template.</exception>
    /// <param name="template">The template profile's text.</param>
    /// <param name="measurements">The measured fields.</param>
    /// <param name="name">The new profile's name (its file's).</param>
    /// <param name="header">The comment line saying when and from what it was calibrated.</param>
    /// <param name="description">The new profile's <c>description:</c> (null keeps the template's): the template's describes another machine.</param>
    public static string Rewrite(string template, IReadOnlyList<Measurement> measurements, string name, string header, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(measurements);
        var pending = measurements.ToDictionary(m => m.Path, StringComparer.Ordinal);
        var output = new StringBuilder();
        output.Append(HeaderPrefix).Append(header).Append('\n');
        string section = "";
        string? level = null;
        foreach (string line in template.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.StartsWith(HeaderPrefix, StringComparison.Ordinal))
            {
                continue; // the previous calibration's header
            }

            string text = line;
            if (TopKey().Match(line) is { Success: true } top)
            {
                section = top.Groups["key"].Value;
                level = null;
            }
            else if (LevelName().Match(line) is { Success: true } named)
            {
                level = named.Groups["name"].Value;
            }

            if (line.StartsWith("name:", StringComparison.Ordinal))
            {
                text = $"name: {name}";
            }
            else if (description is not null && line.StartsWith("description:", StringComparison.Ordinal))
            {
                text = $"description: \"{Escape(description)}\"";
            }
            else if (Field().Match(line) is { Success: true } field)
            {
                string key = field.Groups["key"].Value;
                string path = field.Groups["indent"].Length == 0 ? key
                    : section == "memory" && level is not null ? $"memory[{level}].{key}"
                    : $"{section}.{key}";
                if (pending.Remove(path, out Measurement? m))
                {
                    text = $"{field.Groups["indent"].Value}{key}: {{value: {Format(m.Value)}, source: \"{Escape(m.Source)}\"}}";
                }
            }

            output.Append(text).Append('\n');
        }

        if (pending.Count > 0)
        {
            throw new DfaInputException($"the template profile has no field line for {string.Join(", ", pending.Keys)}");
        }

        return output.ToString().TrimEnd('\n') + "\n";
    }

    /// <summary>Whole numbers exactly; measured rates to 6 significant digits.</summary>
    private static string Format(double v) =>
        v.ToString(v == Math.Floor(v) && Math.Abs(v) < 1e15 ? "R" : "G6", CultureInfo.InvariantCulture);

    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    [GeneratedRegex("""^(?<key>[A-Za-z_][A-Za-z0-9_]*):\s*$""")]
    private static partial Regex TopKey();

    [GeneratedRegex("""^\s*-\s*name:\s*(?<name>[^\s#]+)""")]
    private static partial Regex LevelName();

    [GeneratedRegex("""^(?<indent>\s*)(?<key>[A-Za-z_][A-Za-z0-9_]*):\s*\{\s*value:\s*[^,]+,\s*source:\s*"(?:[^"\\]|\\.)*"\s*\}\s*$""")]
    private static partial Regex Field();
}
