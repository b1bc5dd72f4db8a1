using System.Globalization;
using System.Text;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;

namespace Dfa.Cli.Costing;

/// <summary><c>dfa report</c>'s Markdown: accuracy against the simulated step and critical path of finished runs.</summary>
internal static class RunReportMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The Markdown report: a heading line naming the profile and batch, then one table row per run.</summary>
    public static string Render(IReadOnlyList<(FinishedRun Run, MethodCost Cost)> rows, string profile, int? batch)
    {
        MethodCost? bp = rows.Select(r => r.Cost).FirstOrDefault(c => c.Method == "BP" && c.Frozen.Count == 0);
        var sb = new StringBuilder();
        sb.Append($"Simulated training step on {profile}, batch {(batch is { } b ? b.ToString(Inv) : "of each run (batch_size)")}; ");
        sb.Append("critical path: every block on its own compute (see docs/critical-path.md).\n\n");
        sb.Append(MarkdownTable.Render(
            ["run", "method", "test accuracy", "step time", "critical path", "energy/step", "critical path vs BP"],
            rows.Select(r => (IReadOnlyList<string>)
            [
                r.Run.Folder,
                MethodReport.Method(r.Cost, ConfigCosts.Plan(r.Run.Config)),
                r.Run.TestAccuracy is { } acc ? (acc * 100).ToString("0.00", Inv) + " %" : "—",
                CostReport.Seconds(r.Cost.TimeSeconds),
                CostReport.Seconds(r.Cost.CriticalPathSeconds),
                CostReport.Joules(r.Cost.EnergyJ),
                bp is null ? "—" : (r.Cost.CriticalPathSeconds / bp.CriticalPathSeconds).ToString("0.00", Inv) + "×",
            ])));
        return sb.ToString();
    }
}
