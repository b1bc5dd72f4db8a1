using System.Globalization;
using Dfa.Core.Training;
using Dfa.Runs.Plots;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Output;

/// <summary>
/// A batch of runs on the console: a progress bar per run on an interactive terminal, a line per finished run
/// otherwise; status lines in grey; PNGs drawn with <see cref="Plots.CurvePlot"/>.
/// </summary>
internal class ConsoleRunView(IAnsiConsole console) : IRunView
{
    public ICurvePlotter? Plotter { get; } = new Plots.CurvePlot();

    public void Info(string message) => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

    public void Show(IReadOnlyList<RunSpec> members, Func<int, ITrainingObserver?, RunRecord> run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            for (int i = 0; i < members.Count; i++)
            {
                RunRecord record = run(i, null);
                console.MarkupLine($"  {Markup.Escape(members[i].Label)}: {Result(record)}");
            }

            return;
        }

        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask[] tasks = members.Select(m => ctx.AddTask(Markup.Escape(m.Label), autoStart: false, maxValue: 1)).ToArray();
                for (int i = 0; i < members.Count; i++)
                {
                    tasks[i].StartTask();
                    RunRecord record = run(i, new TaskProgress(tasks[i], members[i].Config.Epochs));
                    tasks[i].Value = tasks[i].MaxValue;
                    tasks[i].Description = $"{Markup.Escape(members[i].Label)} {Result(record)}";
                    tasks[i].StopTask();
                }
            });
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
