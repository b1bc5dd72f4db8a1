using System.Globalization;
using System.Text;
using System.Text.Json;
using Dfa.Core.Methods;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;
using Spectre.Console;

namespace Dfa.Cli.Costing;

/// <summary>
/// Renders priced configs (<c>dfa cost --config</c>): one row per config × profile × batch with the method, step time,
/// critical path and energy, then each row's schedule, one line per block: its forward span, its backward span on the
/// critical-path timeline (from its delta's start to its last task's finish) and the task its delta waits on, and the
/// critical path's tasks in order. Formats: console table, Markdown, CSV (the rows, the path as one cell) and JSON
/// (everything, every task included).
/// </summary>
internal static class MethodReport
{
    /// <summary>CSV columns, in order.</summary>
    public static readonly string[] Columns =
    [
        "config", "method", "backend", "frozen", "profile", "batch", "arithmetic", "fits", "residence", "feedback_storage_bytes", "time_s",
        "critical_path_s", "energy_j", "critical_path",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Table(IReadOnlyList<PricedConfig> rows, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (string c in (string[])["config", "method", "profile", "batch", "arithmetic", "fits", "time/step", "critical path", "energy/step"])
        {
            table.AddColumn(new TableColumn(c) { Alignment = c is "config" or "method" or "profile" or "arithmetic" or "fits" ? Justify.Left : Justify.Right });
        }

        foreach (PricedConfig r in rows)
        {
            MethodCost c = r.Cost;
            table.AddRow(
                Markup.Escape(r.Label), Markup.Escape(Method(c, r.Method)), Markup.Escape(c.Profile), c.Batch.ToString(Inv), c.Arithmetic, c.Fits ? Markup.Escape(c.Residence) : "[red]no[/]",
                CostReport.Seconds(c.TimeSeconds), CostReport.Seconds(c.CriticalPathSeconds), CostReport.Joules(c.EnergyJ));
        }

        console.Write(table);
        CostReport.WriteCannotRunNotes(rows.Select(r => (r.Label, r.Cost)), console);
        foreach (PricedConfig r in rows)
        {
            foreach (StepSchedule s in r.Cost.Steps)
            {
                console.MarkupLine(Markup.Escape(Heading(r, s)));
                var blocks = new Table().Border(TableBorder.Simple);
                foreach (string c in (string[])["block", "forward", "backward", "waits on"])
                {
                    blocks.AddColumn(new TableColumn(c) { Alignment = c is "block" or "waits on" ? Justify.Left : Justify.Right });
                }

                foreach (IReadOnlyList<string> cells in BlockCells(s))
                {
                    blocks.AddRow([.. cells.Select(Markup.Escape)]);
                }

                console.Write(blocks);
                console.MarkupLine(Markup.Escape(Path(s)));
                console.WriteLine();
            }
        }
    }

    public static string Markdown(IReadOnlyList<PricedConfig> rows)
    {
        var sb = new StringBuilder();
        sb.Append(MarkdownTable.Render(
            ["config", "method", "profile", "batch", "arithmetic", "fits", "time/step", "critical path", "energy/step"],
            rows.Select(r => (IReadOnlyList<string>)
            [
                r.Label, Method(r.Cost, r.Method), r.Cost.Profile, r.Cost.Batch.ToString(Inv), r.Cost.Arithmetic, r.Cost.Fits ? r.Cost.Residence : "no",
                CostReport.Seconds(r.Cost.TimeSeconds), CostReport.Seconds(r.Cost.CriticalPathSeconds), CostReport.Joules(r.Cost.EnergyJ),
            ])));
        foreach (PricedConfig r in rows.Where(r => r.Cost.CannotRun is not null))
        {
            sb.Append('\n').Append($"{r.Label} cannot run on {r.Cost.Profile}: {r.Cost.CannotRun}").Append('\n');
        }

        foreach (PricedConfig r in rows)
        {
            foreach (StepSchedule s in r.Cost.Steps)
            {
                sb.Append('\n').Append(Heading(r, s)).Append("\n\n");
                sb.Append(MarkdownTable.Render(["block", "forward", "backward", "waits on"], BlockCells(s)));
                sb.Append('\n').Append(Path(s)).Append('\n');
            }
        }

        return sb.ToString();
    }

    public static string Csv(IReadOnlyList<PricedConfig> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", Columns));
        foreach (PricedConfig r in rows)
        {
            MethodCost c = r.Cost;
            string path = string.Join(" | ", c.Steps.Select(s => string.Join(" > ", s.CriticalPath)));
            string[] cells =
            [
                r.Label, c.Method, c.Backend ?? "", string.Join(" ", c.Frozen), c.Profile, c.Batch.ToString(Inv), c.Arithmetic, c.Fits ? "true" : "false", c.Residence,
                c.FeedbackStorageBytes.ToString(Inv), Num(c.TimeSeconds), Num(c.CriticalPathSeconds), Num(c.EnergyJ), path,
            ];
            sb.AppendLine(string.Join(",", cells.Select(Cell)));
        }

        return sb.ToString();
    }

    public static string Json(IReadOnlyList<PricedConfig> rows) => CostJson.Configs(rows);

    /// <summary>
    /// The method as the tables name it: <c>DFA (dense)</c>, <c>BP, frozen conv1+conv2</c>; with <paramref name="method"/>
    /// also HDFA's <c>p</c> and MODULAR's boundaries (<c>MODULAR at hidden1 (dense)</c>).
    /// </summary>
    public static string Method(MethodCost c, MethodPlan? method = null)
    {
        string name = method?.Kind switch
        {
            Core.Config.TrainingAlgorithmKind.Hdfa when method.Boundaries.Count > 0 =>
                $"HDFA p={method.HdfaP.ToString(Inv)}, γ={method.HdfaGamma.ToString(Inv)}, modular at {string.Join("+", method.Boundaries)}",
            Core.Config.TrainingAlgorithmKind.Hdfa => $"HDFA p={method.HdfaP.ToString(Inv)}, γ={method.HdfaGamma.ToString(Inv)}",
            Core.Config.TrainingAlgorithmKind.Modular when method.Boundaries.Count > 0 => $"MODULAR at {string.Join("+", method.Boundaries)}",
            _ => c.Method,
        };
        string text = c.Backend is { } b ? $"{name} ({b})" : name;
        return c.Frozen.Count > 0 ? $"{text}, frozen {string.Join("+", c.Frozen)}" : text;
    }

    private static string Heading(PricedConfig r, StepSchedule s) =>
        $"schedule of {r.Label}: {Method(r.Cost, r.Method)} on {r.Cost.Profile}, batch {r.Cost.Batch}" +
        (r.Cost.Steps.Count > 1 ? $", {s.Label} (p = {s.Probability.ToString("0.###", Inv)})" : "") +
        $"; step {CostReport.Seconds(s.TimeSeconds)}, critical path {CostReport.Seconds(s.CriticalPathSeconds)}";

    private static IEnumerable<IReadOnlyList<string>> BlockCells(StepSchedule s) => s.Blocks.Select(b => (IReadOnlyList<string>)
    [
        b.Block + (b.Frozen ? " (frozen)" : ""),
        $"{CostReport.Seconds(b.ForwardStart)} → {CostReport.Seconds(b.ForwardFinish)}",
        b.BackwardStart is { } start ? $"{CostReport.Seconds(start)} → {CostReport.Seconds(b.Finish)}" : "—",
        b.WaitsOn ?? "—",
    ]);

    private static string Path(StepSchedule s) => $"critical path: {string.Join(" → ", s.CriticalPath)}";

    private static string Num(double v) => v.ToString("R", Inv);

    private static string Cell(string s) =>
        s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
