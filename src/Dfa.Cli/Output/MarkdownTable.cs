namespace Dfa.Cli.Output;

/// <summary>The runs library's Markdown tables (<see cref="Runs.Reports.MarkdownTable"/>), under the name the commands use.</summary>
internal static class MarkdownTable
{
    public static string Render(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) => Runs.Reports.MarkdownTable.Render(header, rows);
}
