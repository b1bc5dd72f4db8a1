using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Compare;
using Dfa.Cli.Costing;
using Dfa.Cli.Output;
using Dfa.Runs.Compare;
using Dfa.Runs.Files;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa compare</c>: trains one network with BP and with DFA on every backend (same config, seed and data), then prints
/// and writes one comparison: accuracy, time, speed, final alignment per layer, feedback storage, and the simulated cost
/// of the feedback step and of a training step on chosen hardware profiles, for the trained network and at e = 1000.
/// </summary>
internal static class CompareCommand
{
    public const string DefaultConfig = CompareRunner.DefaultConfig;
    public const string DefaultProfiles = "cpu-avx512-2core,gpu-a100-80gb-sxm4,lighton-opu-aurora";

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var config = new Option<string>("--config", "-c") { Description = $"Base config (default {DefaultConfig}: MNIST, 784-800-800-10 tanh, Adam, 6 epochs).", DefaultValueFactory = _ => DefaultConfig };
        Option<string> backends = DfaOptions.Backends($"Feedback backends for DFA, comma-separated ({string.Join(", ", registry.Names)}), all, or none (BP alone).", "all");
        var noBp = new Option<bool>("--no-bp") { Description = "Leave BP out." };
        var methods = new Option<string?>("--methods", "-m") { Description = "backward_method names to train, comma-separated (bp, fa, usf, brsf, frsf, kp, dfa, drtp, …), or all; DFA runs once per --backends entry." };
        Option<string> profiles = DfaOptions.Profiles(DefaultProfiles);
        Option<int?> epochs = DfaOptions.Epochs();
        var hidden = new Option<string?>("--hidden") { Description = "Hidden widths, e.g. 800,800 (same as --set model.hidden=[800,800])." };
        var seeds = new Option<int>("--seeds") { Description = "Train every method with the config's seed and the next N − 1, and report test accuracy as mean ± sd.", DefaultValueFactory = _ => 1 };
        Option<string[]> set = DfaOptions.Set("Override a config key for every run: --set lr=1e-3.");
        Option<string?> output = DfaOptions.Out("Output folder (default runs/compare-<time>).");
        Option<string?> data = DfaOptions.Data();
        Option<string?> dir = DfaOptions.ProfileDir();
        var command = new Command("compare", "Train BP and DFA on every feedback backend with the same seed and data, and compare accuracy, alignment, storage and simulated cost.")
        {
            config, backends, noBp, methods, profiles, epochs, hidden, seeds, set, output, data, dir,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var overrides = (parse.GetValue(set) ?? []).Concat(DfaOptions.EpochsOverride(parse, epochs)).ToList();

            if (parse.GetValue(hidden) is { } h)
            {
                overrides.Add($"model.hidden=[{string.Join(",", CommaList.Ints(h, "--hidden"))}]");
            }

            var request = new CompareRequest(
                ShippedFiles.Config(parse.GetRequiredValue(config)), overrides, CommaList.Strings(parse.GetRequiredValue(backends), "--backends"), !parse.GetValue(noBp),
                CommaList.Strings(parse.GetRequiredValue(profiles), "--profiles"), parse.GetValue(output), parse.GetValue(data), parse.GetValue(dir), parse.GetValue(seeds),
                parse.GetValue(methods) is { } m ? CommaList.Strings(m, "--methods") : null);
            return Task.Run(() => Execute(request, registry, console, cancellationToken), CancellationToken.None);
        });
        return command;
    }

    public static int Execute(CompareRequest request, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        CompareResult result;
        try
        {
            result = CompareRunner.Execute(request, registry, new ConsoleRunView(console), cancellationToken);
        }
        catch (BatchInterruptedException ex)
        {
            console.MarkupLine($"[yellow]interrupted[/]; finished runs are in {Markup.Escape(ex.Folder)}");
            return ExitCodes.Interrupted;
        }

        AtomicFile.WriteAllText(Path.Combine(result.Folder, CompareReport.ReportFile), CompareReport.Markdown(result.Members, result.Profiles, result.Settings, result.WallSeconds));
        CompareReport.Print(console, result.Members, result.Profiles, result.Settings.Config.BatchSize);
        console.MarkupLine($"wrote {CompareReport.ReportFile}, {CompareFiles.SummaryFile} and plots to {Markup.Escape(result.Folder)} in {result.WallSeconds:F0} s");
        return result.Members.Any(m => m.Outcome.Diverged is not null) ? ExitCodes.Diverged : ExitCodes.Success;
    }
}
