using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa cost --workload vgg16 --outputs 10,1000 --backend all --profile all --batch 128 --format table|csv|json|md</c>:
/// the simulated price of one training step for every combination: BP, or DFA on each backend, with SGD.
/// <c>dfa cost --config a.yaml,b.yaml [--profile ...] [--batch ...]</c> prices instead the network and method each config
/// trains, with each block's schedule; the batch defaults to each config's <c>batch_size</c>. Both go through the one
/// cost engine (<see cref="CostModel"/>), so the same network gives the same critical path either way.
/// </summary>
internal static class CostCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        Option<string> workloads = DfaOptions.Workloads($"Workloads, comma-separated: {string.Join(", ", WorkloadCatalog.Names)}.", "mnist-mlp");
        var outputs = new Option<string>("--outputs", "-e") { Description = "Output sizes e, comma-separated (e.g. 10,1000,21841).", DefaultValueFactory = _ => "10,1000" };
        Option<string> backends = DfaOptions.Backends($"Backends priced, comma-separated ({string.Join(", ", CostPlans.AllNames(registry))}), or all.", "all");
        Option<string> profiles = DfaOptions.Profiles("all");
        Option<string> batches = DfaOptions.Batches("Batch sizes, comma-separated.", "128");
        var format = new Option<string?>("--format", "-f") { Description = "table, csv, json or md (default: the --out file's extension, else table)." };
        Option<string?> output = DfaOptions.Out("Write the report to FILE (atomically) instead of the console; its extension (.csv, .json, .md) gives the format unless --format does.");
        Option<string?> dir = DfaOptions.ProfileDir();
        var optimizer = new Option<string>("--optimizer") { Description = "The update that ends each workload step: sgd (no state) or adam (two moments, as a config with optimizer_algorithm: ADAM).", DefaultValueFactory = _ => "sgd" };
        var input = new Option<bool>("--feedback-at-input") { Description = "Add a feedback point at the input (Launay et al. 2019's 54.8 GB VGG-16 variant)." };
        Option<string?> configs = DfaOptions.Configs(
            "Training configs, comma-separated: price each config's own network and method (BP, FA, DFA, HYBRID, MODULAR, HDFA, frozen blocks) with its schedule and critical path; --batches defaults to each config's batch_size.");
        Option<string> precision = PrecisionOption();
        var command = new Command("cost", "Price a training step (memory, cycles, time, energy) for workloads × output sizes × backends × hardware profiles, or for training configs.")
        {
            workloads, outputs, backends, profiles, batches, format, output, dir, input, optimizer, configs, precision,
        };
        command.SetAction(parse =>
        {
            string? outPath = parse.GetValue(output);
            string fmt = ReportFile.Format(parse.GetValue(format), outPath, ["table", "csv", "json", "md"]);
            ProfileCatalog catalog = ProfileFolder.Open(parse.GetValue(dir));
            if (parse.GetValue(configs) is { } configList)
            {
                foreach (Option o in (Option[])[workloads, outputs, backends, input, optimizer])
                {
                    if (parse.GetResult(o) is { Implicit: false })
                    {
                        throw new DfaInputException($"{o.Name} does not apply with --configs: a config prices its own network, classes and backend");
                    }
                }

                bool batchGiven = parse.GetResult(batches) is { Implicit: false };
                IReadOnlyList<PricedConfig> priced = CostTables.Configs(
                    registry, catalog, Distinct(CommaList.Strings(configList, "--configs")), Distinct(CommaList.Strings(parse.GetRequiredValue(profiles), "--profiles")),
                    batchGiven ? Distinct(CommaList.Ints(parse.GetRequiredValue(batches), "--batches")) : null, out IReadOnlyList<string> notes,
                    Precisions.Parse(parse.GetRequiredValue(precision)));
                return Emit(
                    priced.Count, notes, outPath, console, () => MethodReport.Table(priced, console),
                    fmt switch { "csv" => MethodReport.Csv(priced), "json" => MethodReport.Json(priced), "md" => MethodReport.Markdown(priced), _ => null });
            }

            IReadOnlyList<MethodCost> rows = CostTables.Workloads(
                registry, catalog, Distinct(CommaList.Strings(parse.GetRequiredValue(workloads), "--workloads")), Distinct(CommaList.Ints(parse.GetRequiredValue(outputs), "--outputs")),
                Distinct(CommaList.Strings(parse.GetRequiredValue(backends), "--backends")), Distinct(CommaList.Strings(parse.GetRequiredValue(profiles), "--profiles")),
                Distinct(CommaList.Ints(parse.GetRequiredValue(batches), "--batches")), parse.GetValue(input), out IReadOnlyList<string> skipped,
                parse.GetRequiredValue(optimizer).ToLowerInvariant() switch
                {
                    "sgd" => OptimizerKind.Sgd,
                    "adam" => OptimizerKind.Adam,
                    string other => throw new DfaInputException($"--optimizer takes sgd or adam; got '{other}'"),
                },
                Precisions.Parse(parse.GetRequiredValue(precision)));
            return Emit(
                rows.Count, skipped, outPath, console, () => CostReport.Table(rows, console),
                fmt switch { "csv" => CostReport.Csv(rows), "json" => CostReport.Json(rows), "md" => CostReport.Markdown(rows), _ => null });
        });
        return command;
    }

    /// <summary>The <c>--precision</c> option of <c>dfa cost</c> and <c>dfa sweep</c>.</summary>
    internal static Option<string> PrecisionOption() => new("--precision")
    {
        Description = "Arithmetic of the priced run: fp32 (default), tf32, fp16 or bf16 (mixed precision), int8; profiles without its rate are skipped.",
        DefaultValueFactory = _ => "fp32",
    };

    /// <summary>Writes the rendered report to the file or the console (a console table when <paramref name="text"/> is null), then the notes.</summary>
    private static int Emit(int rows, IReadOnlyList<string> notes, string? outPath, IAnsiConsole console, Action table, string? text)
    {
        if (rows == 0)
        {
            throw new DfaInputException($"nothing to price: {string.Join("; ", notes)}");
        }

        if (outPath is not null)
        {
            WriteReport(outPath, text!, rows, console);
        }
        else if (text is null)
        {
            table();
        }
        else
        {
            console.Profile.Out.Writer.Write(text);
        }

        foreach (string note in notes)
        {
            console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
        }

        return ExitCodes.Success;
    }

    /// <summary>Writes a report file atomically and says so, and which folder it created if it did.</summary>
    internal static void WriteReport(string path, string text, int rows, IAnsiConsole console)
    {
        if (ReportFile.Write(path, text) is { } created)
        {
            console.MarkupLine($"created folder {Markup.Escape(created)}");
        }

        console.MarkupLine($"wrote {Units.Count(rows, "row")} to {Markup.Escape(path)}");
    }

    /// <summary>A list asked for twice would price the same rows twice.</summary>
    private static T[] Distinct<T>(T[] items) => [.. items.Distinct()];
}
