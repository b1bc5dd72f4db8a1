using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core;
using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa report RUN_DIR... [--profile P] [--batch B] [--out FILE.md]</c>: accuracy against the simulated step of each
/// finished run's own network and method on one profile (see <see cref="RunReport"/>), as Markdown.
/// </summary>
internal static class ReportCommand
{
    /// <summary>The profile a report prices on unless told otherwise.</summary>
    public const string DefaultProfile = "gpu-a100-80gb-sxm4";

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var runs = new Argument<string[]>("runs") { Description = "Finished run folders (each with summary.json).", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<string>("--profile", "-p") { Description = "The hardware profile every run is priced on.", DefaultValueFactory = _ => DefaultProfile };
        var batch = new Option<int?>("--batch") { Description = "Samples per priced step (default: each run's batch_size)." };
        Option<string?> output = DfaOptions.Out("Write the Markdown report to FILE.md (atomically) instead of the console.");
        Option<string?> dir = DfaOptions.ProfileDir();
        var command = new Command("report", "Table of each run's test accuracy against its simulated training step (time, critical path, energy) on one profile.")
        {
            runs, profile, batch, output, dir,
        };
        command.SetAction(parse =>
        {
            int? b = parse.GetValue(batch);
            if (b is < 1)
            {
                throw new DfaInputException($"--batch must be a positive integer, got {b}");
            }

            string? outPath = parse.GetValue(output);
            _ = ReportFile.Format(null, outPath, ["md"]);
            FinishedRun[] finished = [.. parse.GetRequiredValue(runs).SelectMany(folder => RunReport.Load(folder, registry.Schema))];
            ProfileCatalog catalog = ProfileFolder.Open(parse.GetValue(dir));
            var prices = new Prices(catalog.Load(parse.GetRequiredValue(profile)));
            string text = RunReportMarkdown.Render(RunReport.Price(finished, prices, b, registry), prices.Name, b);
            if (outPath is not null)
            {
                CostCommand.WriteReport(outPath, text, finished.Length, console);
            }
            else
            {
                console.Profile.Out.Writer.Write(text);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
