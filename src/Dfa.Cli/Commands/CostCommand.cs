using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Runs.Costing;
using Dfa.Runs.Files;
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
        var workloads = new Option<string>("--workload", "-w") { Description = $"Workloads, comma-separated: {string.Join(", ", WorkloadCatalog.Names)}.", DefaultValueFactory = _ => "mnist-mlp" };
        var outputs = new Option<string>("--outputs", "-e") { Description = "Output sizes e, comma-separated (e.g. 10,1000,21841).", DefaultValueFactory = _ => "10,1000" };
        var backends = new Option<string>("--backend", "-b") { Description = $"Backends priced, comma-separated ({string.Join(", ", CostPlans.AllNames(registry))}), or all.", DefaultValueFactory = _ => "all" };
        var profiles = new Option<string>("--profile", "-p") { Description = "Hardware profiles, comma-separated, or all.", DefaultValueFactory = _ => "all" };
        var batches = new Option<string>("--batch") { Description = "Batch sizes, comma-separated.", DefaultValueFactory = _ => "128" };
        var format = new Option<string>("--format", "-f") { Description = "table, csv, json or md.", DefaultValueFactory = _ => "table" };
        var output = new Option<string?>("--out", "-o") { Description = "Write the report to FILE (atomically) instead of the console." };
        Option<string?> dir = ProfileFolderOption.Create();
        var optimizer = new Option<string>("--optimizer") { Description = "The update that ends each workload step: sgd (no state) or adam (two moments, as a config with optimizer_algorithm: ADAM).", DefaultValueFactory = _ => "sgd" };
        var input = new Option<bool>("--feedback-at-input") { Description = "Add a feedback point at the input (Launay et al. 2019's 54.8 GB VGG-16 variant)." };
        var configs = new Option<string?>("--config", "-c")
        {
            Description = "Training configs, comma-separated: price each config's own network and method (BP, FA, DFA, HYBRID, MODULAR, HDFA, frozen blocks) with its schedule and critical path; --batch defaults to each config's batch_size.",
        };
        Option<string> precision = PrecisionOption();
        var command = new Command("cost", "Price a training step (memory, cycles, time, energy) for workloads × output sizes × backends × hardware profiles, or for training configs.")
        {
            workloads, outputs, backends, profiles, batches, format, output, dir, input, optimizer, configs, precision,
        };
        command.SetAction(parse =>
        {
            ProfileCatalog catalog = ProfileFolder.Open(parse.GetValue(dir));
            if (parse.GetValue(configs) is { } configList)
            {
                foreach (Option o in (Option[])[workloads, outputs, backends, input, optimizer])
                {
                    if (parse.GetResult(o) is { Implicit: false })
                    {
                        throw new DfaInputException($"{o.Name} does not apply with --config: a config prices its own network, classes and backend");
                    }
                }

                bool batchGiven = parse.GetResult(batches) is { Implicit: false };
                IReadOnlyList<PricedConfig> priced = CostTables.Configs(
                    registry, catalog, Distinct(CommaList.Strings(configList, "--config")), Distinct(CommaList.Strings(parse.GetRequiredValue(profiles), "--profile")),
                    batchGiven ? Distinct(CommaList.Ints(parse.GetRequiredValue(batches), "--batch")) : null, out IReadOnlyList<string> notes,
                    Precisions.Parse(parse.GetRequiredValue(precision)));
                string configFormat = parse.GetRequiredValue(format).ToLowerInvariant();
                string? rendered = configFormat switch
                {
                    "table" => null,
                    "csv" => MethodReport.Csv(priced),
                    "json" => MethodReport.Json(priced),
                    "md" or "markdown" => MethodReport.Markdown(priced),
                    _ => throw new DfaInputException($"--format takes table, csv, json or md; got '{configFormat}'"),
                };
                if (priced.Count == 0)
                {
                    throw new DfaInputException($"nothing to price: {string.Join("; ", notes)}");
                }

                if (parse.GetValue(output) is { } file)
                {
                    WriteReport(file, rendered ?? MethodReport.Markdown(priced));
                    console.MarkupLine($"wrote {priced.Count} rows to {Markup.Escape(file)}");
                }
                else if (rendered is null)
                {
                    MethodReport.Table(priced, console);
                }
                else
                {
                    console.Profile.Out.Writer.Write(rendered);
                }

                foreach (string note in notes)
                {
                    console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
                }

                return ExitCodes.Success;
            }

            IReadOnlyList<MethodCost> rows = CostTables.Workloads(
                registry, catalog, Distinct(CommaList.Strings(parse.GetRequiredValue(workloads), "--workload")), Distinct(CommaList.Ints(parse.GetRequiredValue(outputs), "--outputs")),
                Distinct(CommaList.Strings(parse.GetRequiredValue(backends), "--backend")), Distinct(CommaList.Strings(parse.GetRequiredValue(profiles), "--profile")),
                Distinct(CommaList.Ints(parse.GetRequiredValue(batches), "--batch")), parse.GetValue(input), out IReadOnlyList<string> skipped,
                parse.GetRequiredValue(optimizer).ToLowerInvariant() switch
                {
                    "sgd" => OptimizerKind.Sgd,
                    "adam" => OptimizerKind.Adam,
                    string other => throw new DfaInputException($"--optimizer takes sgd or adam; got '{other}'"),
                },
                Precisions.Parse(parse.GetRequiredValue(precision)));
            string fmt = parse.GetRequiredValue(format).ToLowerInvariant();
            string? text = fmt switch
            {
                "table" => null,
                "csv" => CostReport.Csv(rows),
                "json" => CostReport.Json(rows),
                "md" or "markdown" => CostReport.Markdown(rows),
                _ => throw new DfaInputException($"--format takes table, csv, json or md; got '{fmt}'"),
            };
            if (rows.Count == 0)
            {
                throw new DfaInputException($"nothing to price: {string.Join("; ", skipped)}");
            }

            if (parse.GetValue(output) is { } path)
            {
                WriteReport(path, text ?? CostReport.Markdown(rows));
                console.MarkupLine($"wrote {rows.Count} rows to {Markup.Escape(path)}");
            }
            else if (text is null)
            {
                CostReport.Table(rows, console);
            }
            else
            {
                console.Profile.Out.Writer.Write(text);
            }

            foreach (string note in skipped)
            {
                console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The <c>--precision</c> option of <c>dfa cost</c> and <c>dfa sweep</c>.</summary>
    internal static Option<string> PrecisionOption() => new("--precision")
    {
        Description = "Arithmetic of the priced run: fp32 (default), tf32, fp16 or bf16 (mixed precision), int8; profiles without its rate are skipped.",
        DefaultValueFactory = _ => "fp32",
    };

    /// <summary>Writes the report atomically, creating its folder; a path that cannot be written is bad input.</summary>
    internal static void WriteReport(string path, string text)
    {
        if (string.IsNullOrWhiteSpace(path) || Directory.Exists(path))
        {
            throw new DfaInputException($"--out '{path}' must name a file, not a folder");
        }

        try
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
            }

            AtomicFile.WriteAllText(path, text);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"--out '{path}': cannot write the report: {ex.Message}");
        }
    }

    /// <summary>A list asked for twice would price the same rows twice.</summary>
    private static T[] Distinct<T>(T[] items) => [.. items.Distinct()];
}
