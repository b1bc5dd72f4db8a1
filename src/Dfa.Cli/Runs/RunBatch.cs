using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Training;
using Spectre.Console;

namespace Dfa.Cli.Runs;

/// <summary>One run of a batch: its label (also its subfolder's name) and its config.</summary>
internal sealed record RunSpec(string Label, TrainConfig Config, string ConfigLabel);

/// <summary>A finished member of a batch.</summary>
internal sealed record RunRecord(RunSpec Spec, TrainingSetup Setup, RunOutcome Outcome, string Folder, int TrainSamples);

/// <summary>
/// Runs several configs one after another, each into <c>OUT/&lt;label&gt;/</c> through <see cref="TrainingRun"/>, behind
/// one progress display (a bar per run on an interactive terminal, a line per finished run otherwise). Datasets are
/// loaded once per distinct data section and seed, so a comparison's members train on the same samples. Every config
/// is built before the first run starts, so a bad member fails the batch before any training time is spent.
/// </summary>
internal static class RunBatch
{
    public static IReadOnlyList<RunRecord> Execute(
        IReadOnlyList<RunSpec> specs, string outFolder, string? dataFolder, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(specs);
        if (specs.Select(s => s.Label).Distinct(StringComparer.Ordinal).Count() != specs.Count)
        {
            throw new ArgumentException("Run labels must be distinct.", nameof(specs));
        }

        var data = new Dictionary<(DataConfig, ulong), (Dataset Train, Dataset? Validation, Dataset Test)>();
        var prepared = new List<(RunSpec Spec, TrainingSetup Setup, (Dataset Train, Dataset? Validation, Dataset Test) Data)>();
        foreach (RunSpec spec in specs)
        {
            var key = (spec.Config.Data, spec.Config.Seed);
            if (!data.TryGetValue(key, out var sets))
            {
                sets = DataSources.Load(spec.Config, dataFolder, message => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]"));
                data[key] = sets;
            }

            try
            {
                prepared.Add((spec, TrainingSetup.For(spec.Config, sets.Train, registry), sets));
            }
            catch (DfaInputException ex)
            {
                throw new DfaInputException($"{spec.Label}: {ex.Message}");
            }
        }

        var records = new List<RunRecord>();
        if (console.Profile.Capabilities.Interactive)
        {
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    ProgressTask[] tasks = prepared.Select(p => ctx.AddTask(Markup.Escape(p.Spec.Label), autoStart: false, maxValue: 1)).ToArray();
                    for (int i = 0; i < prepared.Count; i++)
                    {
                        tasks[i].StartTask();
                        records.Add(RunOne(prepared[i], outFolder, registry, new TaskProgress(tasks[i], prepared[i].Spec.Config.Epochs), cancellationToken));
                        tasks[i].Value = tasks[i].MaxValue;
                        tasks[i].Description = $"{Markup.Escape(prepared[i].Spec.Label)} {Result(records[^1])}";
                        tasks[i].StopTask();
                    }
                });
        }
        else
        {
            foreach (var p in prepared)
            {
                records.Add(RunOne(p, outFolder, registry, null, cancellationToken));
                console.MarkupLine($"  {Markup.Escape(p.Spec.Label)}: {Result(records[^1])}");
            }
        }

        return records;
    }

    private static RunRecord RunOne(
        (RunSpec Spec, TrainingSetup Setup, (Dataset Train, Dataset? Validation, Dataset Test) Data) p,
        string outFolder, FeedbackBackendRegistry registry, ITrainingObserver? view, CancellationToken cancellationToken)
    {
        OutputFolder folder = OutputFolder.Claim(Path.Combine(outFolder, p.Spec.Label));
        var inputs = new RunInputs(p.Spec.Config, p.Spec.ConfigLabel, p.Setup, p.Data.Train, p.Data.Validation, p.Data.Test, folder);
        RunOutcome outcome = TrainingRun.Execute(inputs, registry, view, cancellationToken);
        return new RunRecord(p.Spec, p.Setup, outcome, folder.Path, p.Data.Train.Count);
    }

    private static string Result(RunRecord r) =>
        r.Outcome.Diverged is { } d
            ? $"[red]diverged[/] at step {d.Step}"
            : string.Create(CultureInfo.InvariantCulture, $"[green]{r.Outcome.Last!.TestAccuracy * 100:F2}%[/] in {r.Outcome.WallSeconds:F0} s");

    /// <summary>Moves one run's bar: the fraction of all its planned batches done (early stopping jumps it to the end).</summary>
    private sealed class TaskProgress(ProgressTask task, int plannedEpochs) : ITrainingObserver
    {
        public void OnEpochStarted(int epoch, int batches)
        {
        }

        public void OnBatch(int epoch, int batch, int batches) => task.Value = (epoch - 1 + ((double)batch / batches)) / plannedEpochs;

        public void OnEpochCompleted(EpochMetrics metrics)
        {
        }
    }
}
