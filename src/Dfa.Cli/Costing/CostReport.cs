using System.Globalization;
using System.Text;
using System.Text.Json;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;
using Spectre.Console;

namespace Dfa.Cli.Costing;

/// <summary>Renders cost rows as a console table, CSV, JSON (a list of rows) or Markdown.</summary>
internal static class CostReport
{
    /// <summary>The columns of CSV and Markdown, in order; JSON rows carry these and the phases, energy split and operations.</summary>
    public static readonly string[] Columns =
    [
        "workload", "outputs", "backend", "profile", "batch", "arithmetic", "layout", "precision", "feedback_storage_bytes", "fits",
        "residence", "cycles", "time_s", "critical_path_s", "energy_j", "samples_per_s",
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Csv(IReadOnlyList<MethodCost> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", Columns));
        foreach (MethodCost r in rows)
        {
            sb.AppendLine(string.Join(",", Cells(r).Select(CsvCell)));
        }

        return sb.ToString();
    }

    public static string Markdown(IReadOnlyList<MethodCost> rows) =>
        Runs.Reports.MarkdownTable.Render(Columns, rows.Select(r => (IReadOnlyList<string>)Cells(r).ToArray()));

    public static string Json(IReadOnlyList<MethodCost> rows)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (MethodCost r in rows)
            {
                w.WriteStartObject();
                w.WriteString("workload", r.Workload);
                w.WriteNumber("outputs", r.Outputs);
                w.WriteString("backend", Backend(r));
                w.WriteString("profile", r.Profile);
                w.WriteNumber("batch", r.Batch);
                w.WriteString("arithmetic", r.Arithmetic);
                w.WriteString("layout", r.Layout);
                w.WriteString("precision", r.Precision);
                w.WriteNumber("feedback_storage_bytes", r.FeedbackStorageBytes);
                w.WriteNumber("working_set_bytes", r.WorkingSetBytes);
                w.WriteBoolean("fits", r.Fits);
                WriteCannotRun(w, r);
                w.WriteString("residence", r.Residence);
                w.WriteNumber("cycles", r.Cycles);
                w.WriteNumber("time_s", r.TimeSeconds);
                w.WriteNumber("critical_path_s", r.CriticalPathSeconds);
                w.WriteNumber("energy_j", r.EnergyJ);
                w.WriteNumber("samples_per_s", r.SamplesPerSecond);
                WriteEnergy(w, r.Energy);
                WritePhases(w, r.Phases);
                WriteNumbers(w, "operations", r.Operations);
                WriteNumbers(w, "energy_by_operation_j", r.EnergyByOperation);
                WriteNumbers(w, "bytes_by_level", r.BytesByLevel);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    public static void Table(IReadOnlyList<MethodCost> rows, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple);
        string[] shown = ["workload", "e", "backend", "profile", "batch", "feedback B", "fits", "time/step", "critical", "energy/step", "samples/s"];
        foreach (string c in shown)
        {
            table.AddColumn(new TableColumn(c) { Alignment = c is "workload" or "backend" or "profile" or "fits" ? Justify.Left : Justify.Right });
        }

        foreach (MethodCost r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Workload), r.Outputs.ToString(Inv), Markup.Escape(Backend(r)), Markup.Escape(r.Profile), r.Batch.ToString(Inv),
                Commands.BackendsCommand.Bytes(r.FeedbackStorageBytes), r.Fits ? Markup.Escape(r.Residence) : "[red]no[/]",
                Seconds(r.TimeSeconds), Seconds(r.CriticalPathSeconds), Joules(r.EnergyJ), Units.Number(r.SamplesPerSecond));
        }

        console.Write(table);
        WriteCannotRunNotes(rows.Select(r => (Backend(r), r)), console);
    }

    internal static void WriteCannotRun(Utf8JsonWriter w, MethodCost r) => CostJson.WriteCannotRun(w, r);

    /// <summary>One line under a table for each priced step whose device cannot run it, saying why (its "fits" cell says no).</summary>
    internal static void WriteCannotRunNotes(IEnumerable<(string Label, MethodCost Cost)> rows, IAnsiConsole console)
    {
        foreach ((string label, MethodCost c) in rows.Where(r => r.Cost.CannotRun is not null).DistinctBy(r => (r.Label, r.Cost.Profile, r.Cost.CannotRun)))
        {
            console.MarkupLine($"[red]{Markup.Escape(label)} cannot run on {Markup.Escape(c.Profile)}[/]: {Markup.Escape(c.CannotRun!)}");
        }
    }

    /// <summary>The priced name: the feedback backend (or its fp16 variant), else the method (<c>bp</c>).</summary>
    private static string Backend(MethodCost r) => r.Backend ?? r.Method.ToLowerInvariant();

    private static IEnumerable<string> Cells(MethodCost r) =>
    [
        r.Workload, r.Outputs.ToString(Inv), Backend(r), r.Profile, r.Batch.ToString(Inv), r.Arithmetic, r.Layout, r.Precision,
        r.FeedbackStorageBytes.ToString(Inv), r.Fits ? "true" : "false", r.Residence, Num(r.Cycles), Num(r.TimeSeconds),
        Num(r.CriticalPathSeconds), Num(r.EnergyJ), Num(r.SamplesPerSecond),
    ];

    private static string Num(double v) => v.ToString("R", Inv);

    private static string CsvCell(string s) =>
        s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;

    internal static string Seconds(double s) => Units.Seconds(s);

    internal static string Joules(double j) => Units.Joules(j);

    internal static void WriteEnergy(Utf8JsonWriter w, EnergySplit e) => CostJson.WriteEnergy(w, e);

    internal static void WritePhases(Utf8JsonWriter w, IEnumerable<PhaseCost> phases) => CostJson.WritePhases(w, phases);

    internal static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, double>> values) => CostJson.WriteNumbers(w, name, values);
}
