using System.Globalization;
using System.Text;
using System.Text.Json;
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
        Output.MarkdownTable.Render(Columns, rows.Select(r => (IReadOnlyList<string>)Cells(r).ToArray()));

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
                Seconds(r.TimeSeconds), Seconds(r.CriticalPathSeconds), Joules(r.EnergyJ), r.SamplesPerSecond.ToString("G4", Inv));
        }

        console.Write(table);
        WriteCannotRunNotes(rows.Select(r => (Backend(r), r)), console);
    }

    /// <summary><c>"cannot_run": reason</c>, written only for a step its profile's device cannot run.</summary>
    internal static void WriteCannotRun(Utf8JsonWriter w, MethodCost r)
    {
        if (r.CannotRun is not null)
        {
            w.WriteString("cannot_run", r.CannotRun);
        }
    }

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

    internal static string Seconds(double s) => s switch
    {
        >= 1 => $"{s.ToString("G4", Inv)} s",
        >= 1e-3 => $"{(s * 1e3).ToString("G4", Inv)} ms",
        >= 1e-6 => $"{(s * 1e6).ToString("G4", Inv)} µs",
        _ => $"{(s * 1e9).ToString("G4", Inv)} ns",
    };

    internal static string Joules(double j) => j switch
    {
        >= 1 => $"{j.ToString("G4", Inv)} J",
        >= 1e-3 => $"{(j * 1e3).ToString("G4", Inv)} mJ",
        >= 1e-6 => $"{(j * 1e6).ToString("G4", Inv)} µJ",
        _ => $"{(j * 1e9).ToString("G4", Inv)} nJ",
    };
    /// <summary><c>"energy_split_j": {compute, on_chip, off_chip, optical, static}</c>, as <c>dfa cost</c>'s JSON writes it.</summary>
    internal static void WriteEnergy(Utf8JsonWriter w, EnergySplit e)
    {
        w.WriteStartObject("energy_split_j");
        w.WriteNumber("compute", e.Compute);
        w.WriteNumber("on_chip", e.OnChip);
        w.WriteNumber("off_chip", e.OffChip);
        w.WriteNumber("optical", e.Optical);
        w.WriteNumber("static", e.Static);
        w.WriteEndObject();
    }

    /// <summary><c>"phases": [{phase, compute_s, memory_s, optical_s, time_s}, …]</c>.</summary>
    internal static void WritePhases(Utf8JsonWriter w, IEnumerable<PhaseCost> phases)
    {
        w.WriteStartArray("phases");
        foreach (PhaseCost p in phases)
        {
            w.WriteStartObject();
            w.WriteString("phase", p.Name);
            w.WriteNumber("compute_s", p.ComputeSeconds);
            w.WriteNumber("memory_s", p.MemorySeconds);
            w.WriteNumber("optical_s", p.OpticalSeconds);
            w.WriteNumber("time_s", p.Seconds);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>A JSON object of named counts, e.g. <c>"operations": {"fp32_mac": …}</c>.</summary>
    internal static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, double>> values)
    {
        w.WriteStartObject(name);
        foreach ((string key, double value) in values)
        {
            w.WriteNumber(key, value);
        }

        w.WriteEndObject();
    }
}
