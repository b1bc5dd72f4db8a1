using System.Text;
using System.Text.Json;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Costing;

/// <summary>The JSON of priced steps as <c>dfa cost</c> writes it: rows, energy splits, phases, schedules and tasks.</summary>
public static class CostJson
{
    /// <summary><c>dfa cost --config</c>'s JSON: per priced config its method, price and every step's schedule and tasks.</summary>
    public static string Configs(IReadOnlyList<PricedConfig> rows)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartArray();
            foreach (PricedConfig r in rows)
            {
                MethodCost c = r.Cost;
                w.WriteStartObject();
                w.WriteString("config", r.Label);
                w.WriteString("workload", c.Workload);
                w.WriteNumber("outputs", c.Outputs);
                w.WriteString("method", c.Method);
                w.WriteString("backend", c.Backend);
                WriteStrings(w, "frozen", c.Frozen);
                w.WriteString("profile", c.Profile);
                w.WriteNumber("batch", c.Batch);
                w.WriteNumber("feedback_storage_bytes", c.FeedbackStorageBytes);
                w.WriteNumber("working_set_bytes", c.WorkingSetBytes);
                w.WriteBoolean("fits", c.Fits);
                WriteCannotRun(w, c);
                w.WriteString("residence", c.Residence);
                w.WriteNumber("time_s", c.TimeSeconds);
                w.WriteNumber("critical_path_s", c.CriticalPathSeconds);
                w.WriteNumber("energy_j", c.EnergyJ);
                WriteEnergy(w, c.Energy);
                WriteNumbers(w, "operations", c.Operations);
                w.WriteStartArray("steps");
                foreach (StepSchedule s in c.Steps)
                {
                    WriteStep(w, s);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary><c>"cannot_run": reason</c>, written only for a step its profile's device cannot run.</summary>
    public static void WriteCannotRun(Utf8JsonWriter w, MethodCost r)
    {
        if (r.CannotRun is not null)
        {
            w.WriteString("cannot_run", r.CannotRun);
        }
    }

    /// <summary><c>"energy_split_j": {compute, on_chip, off_chip, optical, static}</c>, as <c>dfa cost</c>'s JSON writes it.</summary>
    public static void WriteEnergy(Utf8JsonWriter w, EnergySplit e)
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
    public static void WritePhases(Utf8JsonWriter w, IEnumerable<PhaseCost> phases)
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
    public static void WriteNumbers(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, double>> values)
    {
        w.WriteStartObject(name);
        foreach ((string key, double value) in values)
        {
            w.WriteNumber(key, value);
        }

        w.WriteEndObject();
    }

    private static void WriteStep(Utf8JsonWriter w, StepSchedule s)
    {
        w.WriteStartObject();
        w.WriteString("label", s.Label);
        w.WriteNumber("probability", s.Probability);
        w.WriteNumber("time_s", s.TimeSeconds);
        w.WriteNumber("critical_path_s", s.CriticalPathSeconds);
        WriteStrings(w, "critical_path", s.CriticalPath);
        WritePhases(w, s.Phases);
        w.WriteStartArray("blocks");
        foreach (BlockSpan b in s.Blocks)
        {
            w.WriteStartObject();
            w.WriteString("block", b.Block);
            w.WriteBoolean("frozen", b.Frozen);
            w.WriteNumber("forward_start_s", b.ForwardStart);
            w.WriteNumber("forward_finish_s", b.ForwardFinish);
            if (b.BackwardStart is { } start)
            {
                w.WriteNumber("backward_start_s", start);
            }
            else
            {
                w.WriteNull("backward_start_s");
            }

            w.WriteNumber("finish_s", b.Finish);
            w.WriteString("waits_on", b.WaitsOn);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("tasks");
        foreach (ScheduledTask t in s.Tasks)
        {
            w.WriteStartObject();
            w.WriteString("task", t.Name);
            w.WriteString("block", t.Block);
            w.WriteNumber("time_s", t.Seconds);
            w.WriteNumber("start_s", t.Start);
            w.WriteNumber("finish_s", t.Finish);
            WriteStrings(w, "waits_on", t.WaitsOn);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteEnergy(w, s.Energy);
        WriteNumbers(w, "operations", s.Operations);
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }
}
