using Dfa.Core;
using Dfa.Runs.Files;

namespace Dfa.Runs.Reports;

/// <summary>
/// A report written to a file with <c>--out</c>: its format follows the file's extension (<c>.csv</c>, <c>.json</c>,
/// <c>.md</c>/<c>.markdown</c>) unless <c>--format</c> names one, and a <c>--format</c> that contradicts the extension is
/// refused, so a <c>.json</c> file never holds a Markdown table. A missing folder is created and reported.
/// </summary>
public static class ReportFile
{
    /// <summary>The console format: a table on screen; written to a file it is Markdown.</summary>
    public const string Table = "table";

    /// <summary>
    /// The format to render: <paramref name="format"/> (lower case; <c>markdown</c> is <c>md</c>) when given, else the
    /// extension of <paramref name="outPath"/>, else <see cref="Table"/> when there is no file.
    /// </summary>
    /// <param name="format">The <c>--format</c> value, or null when not given.</param>
    /// <param name="outPath">The <c>--out</c> file, or null for the console.</param>
    /// <param name="formats">The formats the command writes, e.g. table, csv, json, md.</param>
    /// <exception cref="DfaInputException">An unknown format, an existing folder, a file whose extension names no format the command writes, or a format that contradicts the extension.</exception>
    public static string Format(string? format, string? outPath, IReadOnlyList<string> formats)
    {
        ArgumentNullException.ThrowIfNull(formats);
        string? asked = format?.ToLowerInvariant() is "markdown" ? "md" : format?.ToLowerInvariant();
        if (asked is not null && !formats.Contains(asked))
        {
            throw new DfaInputException($"--format takes {string.Join(", ", formats.SkipLast(1))} or {formats[^1]}; got '{format}'");
        }

        if (outPath is null)
        {
            return asked ?? Table;
        }

        if (Directory.Exists(outPath))
        {
            throw new DfaInputException($"--out '{outPath}' must name a file, not a folder");
        }

        string? byName = Path.GetExtension(outPath).ToLowerInvariant() switch
        {
            ".csv" => "csv",
            ".json" => "json",
            ".md" or ".markdown" => "md",
            _ => null,
        };
        string[] files = [.. formats.Where(f => f != Table)];
        if (asked is null)
        {
            return byName is not null && files.Contains(byName) ? byName
                : files.Length == 1 ? throw new DfaInputException($"this report is Markdown: --out must name a .md file, got '{outPath}'")
                : throw new DfaInputException($"--out '{outPath}': its extension names no format; name a {string.Join(", ", files.Select(f => "." + f))} file, or give --format");
        }

        string written = asked == Table ? "md" : asked;
        return byName is null || byName == written
            ? written
            : throw new DfaInputException($"--format {asked} contradicts --out '{outPath}' (a .{byName} file); change one of them");
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically, creating its folder if needed.</summary>
    /// <returns>The folder it created (full path), or null when the folder existed.</returns>
    /// <exception cref="DfaInputException">The path is a folder or cannot be written.</exception>
    public static string? Write(string path, string text)
    {
        if (string.IsNullOrWhiteSpace(path) || Directory.Exists(path))
        {
            throw new DfaInputException($"--out '{path}' must name a file, not a folder");
        }

        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            string? created = folder is not null && !Directory.Exists(folder) ? folder : null;
            if (created is not null)
            {
                Directory.CreateDirectory(created);
            }

            AtomicFile.WriteAllText(path, text);
            return created;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"--out '{path}': cannot write the report: {ex.Message}");
        }
    }
}
