using System.Text;

namespace Dfa.Runs.Reports;

/// <summary>A GitHub-flavoured Markdown table: a header row, a rule, then one row per line; pipes in cells are escaped.</summary>
public static class MarkdownTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);
        var sb = new StringBuilder();
        sb.Append("| ").AppendJoin(" | ", header.Select(Escape)).Append(" |\n");
        sb.Append('|').Append(string.Concat(Enumerable.Repeat("---|", header.Count))).Append('\n');
        foreach (IReadOnlyList<string> row in rows)
        {
            if (row.Count != header.Count)
            {
                throw new ArgumentException($"A row has {row.Count} cells, the header {header.Count}.", nameof(rows));
            }

            sb.Append("| ").AppendJoin(" | ", row.Select(Escape)).Append(" |\n");
        }

        return sb.ToString();
    }

    private static string Escape(string cell) => cell.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
