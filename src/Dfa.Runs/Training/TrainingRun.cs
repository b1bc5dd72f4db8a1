using System.Diagnostics;
using Dfa.Backends.Registry;
using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Core.Training;
using Dfa.Runs.Checkpoints;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;
using Dfa.Runs.TensorBoard;

namespace Dfa.Runs.Training;

/// <summary>What one run needs: its config, its built objects, its data and the folder it owns.</summary>
public sealed record RunInputs(
    TrainConfig Config,
    string ConfigLabel,
    TrainingSetup Setup,
    Dataset Train,
    Dataset? Validation,
    Dataset Test,
    OutputFolder Folder,
    RunResume? Resume = null);

/// <summary>Where a resumed run continues: the trainer's position and the rest of its checkpoint's records.</summary>
public sealed record RunResume(TrainerProgress Progress, ResumeState State);

/// <summary>How one run ended, with everything a report needs from it.</summary>
public sealed record RunOutcome(
    IReadOnlyList<EpochMetrics> Epochs,
    TrainingResult? Result,
    IReadOnlyList<AlignmentSnapshot> Alignment,
    IReadOnlyList<FeedbackMatrixAnalysis>? Feedback,
    TrainingDivergedException? Diverged,
    double WallSeconds,
    bool Checkpointed = false)
{
    public bool Completed => Result is not null;

    public AlignmentSnapshot? FinalAlignment => Alignment.Count > 0 ? Alignment[^1] : null;

    public EpochMetrics? Last => Epochs.Count > 0 ? Epochs[^1] : null;
}

/// <summary>
/// Trains one configured network into its run folder: <c>metrics.csv</c> after every epoch, <c>alignment.csv</c> at the
/// configured step interval (every rule but BP, MODULAR, HYBRID and modular HDFA), a TensorBoard event file (see <see cref="RunEvents"/>), PNG curves,
/// <c>weights.bin</c> and <c>summary.json</c> at the end (or the summary of a diverged run). <c>dfa train</c> runs one; <c>dfa compare</c> and <c>dfa experiment</c> run many.
/// </summary>
public static class TrainingRun
{
    /// <summary>
    /// Test seam: called with each optimizer step's number after the step (before its checkpoint). Null in product
    /// runs; only a test sets it (in-process, or through a .NET startup hook in a child process), e.g. to hold the
    /// process at an exact step and kill it with SIGKILL.
    /// </summary>
    internal static Action<long>? StepCompletedHook { get; set; }

    /// <summary>
    /// Runs to completion or divergence; cancellation propagates as <see cref="OperationCanceledException"/> after the
    /// completed epochs' files are written. <paramref name="view"/> gets the trainer's callbacks (progress display).
    /// </summary>
    public static RunOutcome Execute(RunInputs run, FeedbackBackendRegistry registry, ITrainingObserver? view, ICurvePlotter? plotter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        long start = Stopwatch.GetTimestamp();
        TrainConfig config = run.Config;
        var recorder = new RunRecorder(run.Folder, run.Resume?.Progress);
        AlignmentMonitor? monitor = CreateMonitor(run, registry);
        using RunEvents? events = RunEvents.Open(run.Folder.Path, config);
        var observer = new LoggingObserver(view, recorder, monitor, events, run.Setup.Network, config.Logging);
        var summary = new SummaryBuilder(config, run.ConfigLabel, run.Setup, run.Train, run.Test);
        bool succeeded = false;
        bool checkpointed = false;
        TrainerCheckpoints? checkpoints = config.Checkpoint.Enabled
            ? new TrainerCheckpoints(
                config.Checkpoint.EverySteps,
                progress =>
                {
                    recorder.WriteCheckpoint(RunCheckpoint.ToBytes(run.Setup, config, progress, state =>
                    {
                        state.SetText("run/config_label", run.ConfigLabel);
                        RunCheckpoint.SaveAlignment(state, observer.Alignment, monitor);
                    }));
                    checkpointed = true;
                },
                run.Resume?.Progress)
            : run.Resume is null ? null : new TrainerCheckpoints(0, _ => { }, run.Resume.Progress);
        try
        {
            if (run.Resume is null)
            {
                observer.MeasureInitial();
            }
            else
            {
                observer.Epochs.AddRange(run.Resume.Progress.Epochs);
                observer.Alignment.AddRange(RunCheckpoint.RestoreAlignment(run.Resume.State, monitor));
                recorder.RestoreAlignment(observer.Alignment);
            }

            TrainingResult result = run.Setup.Trainer.Run(run.Train, run.Validation, run.Test, observer, checkpoints, cancellationToken);
            observer.MeasureFinal(run.Setup.Trainer.Steps, result.Last.Epoch);
            recorder.WriteWeights(run.Setup.Network);
            WritePlots(recorder, config.Logging, observer, plotter);
            var outcome = new RunOutcome(result.Epochs, result, observer.Alignment, monitor?.Feedback, null, Stopwatch.GetElapsedTime(start).TotalSeconds, checkpointed);
            recorder.WriteSummary(summary.Completed(result, outcome));
            succeeded = true;
            return outcome;
        }
        catch (TrainingDivergedException ex)
        {
            WritePlots(recorder, config.Logging, observer, plotter);
            var outcome = new RunOutcome(observer.Epochs, null, observer.Alignment, monitor?.Feedback, ex, Stopwatch.GetElapsedTime(start).TotalSeconds, checkpointed || run.Resume is not null);
            recorder.WriteSummary(summary.Diverged(observer.Epochs, ex, outcome));
            return outcome;
        }
        catch (OperationCanceledException) when (checkpointed)
        {
            WritePlots(recorder, config.Logging, observer, plotter);
            throw new RunInterruptedException(run.Setup.Trainer.Steps);
        }
        catch (OperationCanceledException)
        {
            WritePlots(recorder, config.Logging, observer, plotter);
            throw;
        }
        finally
        {
            events?.Complete(succeeded);
        }
    }

    /// <summary>
    /// The run's alignment monitor (see <see cref="AlignmentMonitor"/>): for DFA and DRTP a second projector of the same
    /// backend, options and seed (HDFA with pure DFA steps: its DFA step's); for FA, sign symmetry and Kolen–Pollack the
    /// training algorithm itself. None for BP (its update is the gradient), for MODULAR, HYBRID and HDFA with modular DFA
    /// steps (not measured), or with <c>logging.alignment_every: 0</c>.
    /// </summary>
    private static AlignmentMonitor? CreateMonitor(RunInputs run, FeedbackBackendRegistry registry)
    {
        TrainConfig config = run.Config;
        if (config.Logging.AlignmentEvery <= 0 || run.Setup.Network.FeedbackBlocks.Count == 0)
        {
            return null;
        }

        int samples = config.Logging.AlignmentSamples;
        switch (run.Setup.Algorithm)
        {
            case FeedbackChainAlgorithm chain:
                return AlignmentMonitor.ForChain(chain, run.Train, samples, config.Seed);
            // HDFA with pure DFA steps is probed through its DFA step (its BP steps are the gradient itself).
            case DirectFeedbackAlignment or DirectRandomTargetProjection or HdfaAlgorithm when run.Setup.Projector is { } projector:
                IFeedbackProjector probe = registry.Get(config.Feedback.Backend)
                    .Create(projector.Shape, config.Feedback, run.Setup.FeedbackSeed, config.EffectiveThreads);
                return AlignmentMonitor.ForProjection(
                    run.Setup.Network, probe, run.Setup.Algorithm is DirectRandomTargetProjection, run.Train, samples, config.Seed);
            default:
                return null;
        }
    }

    private static void WritePlots(RunRecorder recorder, LoggingConfig logging, LoggingObserver observer, ICurvePlotter? plotter)
    {
        if (plotter is null || !logging.Plots || observer.Epochs.Count == 0)
        {
            return;
        }

        IReadOnlyList<EpochMetrics> epochs = observer.Epochs;
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        var loss = new List<Curve>
        {
            new("train", x, epochs.Select(e => e.TrainLoss).ToArray()),
            new("test", x, epochs.Select(e => e.TestLoss).ToArray()),
        };
        var accuracy = new List<Curve>
        {
            new("train", x, epochs.Select(e => e.TrainAccuracy * 100).ToArray()),
            new("test", x, epochs.Select(e => e.TestAccuracy * 100).ToArray()),
        };
        if (epochs[0].ValidationLoss is not null)
        {
            loss.Add(new("validation", x, epochs.Select(e => e.ValidationLoss ?? double.NaN).ToArray()));
            accuracy.Add(new("validation", x, epochs.Select(e => (e.ValidationAccuracy ?? double.NaN) * 100).ToArray()));
        }

        recorder.WritePlot(RunRecorder.LossPlot, plotter.Png(new CurveChart("Loss", "epoch", "cross-entropy", loss, LogY: true)));
        recorder.WritePlot(RunRecorder.AccuracyPlot, plotter.Png(new CurveChart("Accuracy", "epoch", "accuracy (%)", accuracy)));
        if (observer.Alignment.Count > 0)
        {
            recorder.WritePlot(RunRecorder.AlignmentPlot, plotter.Png(new CurveChart(
                "Alignment: DFA update vs BP gradient (solid), B_l vs forward weights (dashed)",
                "step", "angle (degrees)", AlignmentCurves(observer.Alignment), YMin: 0, YMax: 100)));
        }
    }

    /// <summary>Per hidden block, the gradient angle (solid) and the weight angle (dashed) against the step, one colour per block.</summary>
    public static IReadOnlyList<Curve> AlignmentCurves(IReadOnlyList<AlignmentSnapshot> snapshots, string prefix = "")
    {
        double[] steps = snapshots.Select(s => (double)s.Step).ToArray();
        var curves = new List<Curve>();
        for (int l = 0; l < snapshots[0].Gradient.Count; l++)
        {
            int layer = l;
            curves.Add(new($"{prefix}{snapshots[0].Gradient[l].Block} gradient", steps, snapshots.Select(s => s.Gradient[layer].WeightDegrees).ToArray(), Color: l));
        }

        for (int l = 0; l < snapshots[0].Weight.Count; l++)
        {
            int layer = l;
            curves.Add(new($"{prefix}{snapshots[0].Weight[l].Block} weight", steps, snapshots.Select(s => s.Weight[layer].Degrees).ToArray(), Dashed: true, Color: l));
        }

        return curves;
    }

    /// <summary>Feeds the view, the CSV files and the alignment monitor from the trainer's callbacks.</summary>
    private sealed class LoggingObserver(
        ITrainingObserver? view, RunRecorder recorder, AlignmentMonitor? monitor, RunEvents? events, Network network, LoggingConfig logging) : ITrainingObserver
    {
        public List<EpochMetrics> Epochs { get; } = [];

        public List<AlignmentSnapshot> Alignment { get; } = [];

        public void OnEpochStarted(int epoch, int batches) => view?.OnEpochStarted(epoch, batches);

        public void OnBatch(int epoch, int batch, int batches) => view?.OnBatch(epoch, batch, batches);

        public void OnStep(int epoch, long step, double loss)
        {
            StepCompletedHook?.Invoke(step);
            view?.OnStep(epoch, step, loss);
            events?.Step(step, loss);
            if (monitor is not null && step % logging.AlignmentEvery == 0)
            {
                Measure(step, epoch);
            }
        }

        public void OnEpochCompleted(EpochMetrics metrics)
        {
            Epochs.Add(metrics);
            recorder.RecordEpoch(metrics);
            events?.Epoch(metrics, network.Parameters);
            view?.OnEpochCompleted(metrics);
        }

        /// <summary>Measures the untrained network (step 0), the start every alignment curve needs.</summary>
        public void MeasureInitial()
        {
            if (monitor is not null)
            {
                Measure(0, 0);
            }
        }

        /// <summary>Measures after the last step too, so a run's final alignment is its end state whatever the interval.</summary>
        public void MeasureFinal(long step, int epoch)
        {
            if (monitor is not null && (Alignment.Count == 0 || Alignment[^1].Step != step))
            {
                Measure(step, epoch);
            }
        }

        private void Measure(long step, int epoch)
        {
            AlignmentSnapshot snapshot = monitor!.Measure(step, epoch);
            Alignment.Add(snapshot);
            recorder.RecordAlignment(snapshot);
            events?.Alignment(snapshot);
        }
    }
}
