using System.Globalization;
using Dfa.Core.Training;
using Dfa.Runs.Reports;
using Spectre.Console;

namespace Dfa.Cli.Output;

/// <summary>
/// Shows a training run: a progress bar inside each epoch on an interactive terminal (elsewhere, a plain line about
/// every 10 s of a long epoch) and one aligned table row per epoch, its numbers in <see cref="Units.Number"/>'s one
/// format so a huge loss keeps its column. Rows go to the console as they happen, so a long run shows its history as it goes.
/// </summary>
internal sealed class TrainingConsole : ITrainingObserver
{
    private const string RowFormat = "{0,5}  {1,10}  {2,9}  {3,9}  {4,9}  {5,8}  {6,10}{7}";

    private readonly IAnsiConsole _console;
    private readonly bool _verbose;
    private readonly bool _hasValidation;
    private static readonly TimeSpan PlainProgressEvery = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private ProgressTask? _task;
    private Action? _finishEpoch;
    private long _lastLine;

    public TrainingConsole(IAnsiConsole console, bool verbose, bool hasValidation, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _console = console;
        _verbose = verbose;
        _hasValidation = hasValidation;
    }

    public void WriteHeader()
    {
        if (!_verbose)
        {
            return;
        }

        string header = string.Format(
            CultureInfo.InvariantCulture, RowFormat, "epoch", "train loss", "train acc", "test loss", "test acc",
            "seconds", "samples/s", _hasValidation ? "    val acc" : string.Empty);
        _console.MarkupLine($"[bold]{Markup.Escape(header)}[/]");
    }

    public void OnEpochStarted(int epoch, int batches)
    {
        _lastLine = _time.GetTimestamp();
        if (!_verbose || !_console.Profile.Capabilities.Interactive)
        {
            return;
        }

        // Progress runs on its own render thread; the epoch's batches report into it and the epoch end closes it.
        var ready = new ManualResetEventSlim();
        var done = new ManualResetEventSlim();
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                _console.Progress()
                    .AutoClear(true)
                    .HideCompleted(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        _task = ctx.AddTask($"epoch {epoch}", maxValue: batches);
                        ready.Set();
                        done.Wait();
                        _task.Value = batches;
                        ctx.Refresh();
                    });
            }
            catch (Exception ex)
            {
                // Surfaced on the training thread below: an exception on this plain thread would end the process.
                failure = ex;
            }
            finally
            {
                ready.Set();
            }
        })
        { IsBackground = true, Name = "dfa-progress" };
        thread.Start();
        ready.Wait();
        _finishEpoch = () =>
        {
            done.Set();
            thread.Join();
            _task = null;
        };
        if (failure is not null)
        {
            Abort();
            throw new InvalidOperationException("The progress display failed.", failure);
        }
    }

    public void OnBatch(int epoch, int batch, int batches)
    {
        if (_task is { } task)
        {
            task.Value = batch;
        }
        else if (_verbose && !_console.Profile.Capabilities.Interactive && batch < batches && _time.GetElapsedTime(_lastLine) >= PlainProgressEvery)
        {
            _lastLine = _time.GetTimestamp();
            _console.WriteLine($"  epoch {epoch.ToString(CultureInfo.InvariantCulture)}: {batch.ToString(CultureInfo.InvariantCulture)}/{batches.ToString(CultureInfo.InvariantCulture)} batches");
        }
    }

    public void OnEpochCompleted(EpochMetrics m)
    {
        _finishEpoch?.Invoke();
        _finishEpoch = null;
        if (!_verbose)
        {
            return;
        }

        string row = string.Format(
            CultureInfo.InvariantCulture, RowFormat, m.Epoch, Units.Number(m.TrainLoss), Percent(m.TrainAccuracy), Units.Number(m.TestLoss),
            Percent(m.TestAccuracy), Units.Number(m.Seconds), Units.Number(m.SamplesPerSecond),
            m.ValidationAccuracy is { } v ? $"  {Percent(v),9}" : string.Empty);
        _console.WriteLine(row);
    }

    /// <summary>Closes a progress display left open by an interrupted epoch.</summary>
    public void Abort()
    {
        _finishEpoch?.Invoke();
        _finishEpoch = null;
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture) + "%";
}
