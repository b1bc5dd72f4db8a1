using System.Globalization;
using System.Text;
using Dfa.Core.Analysis;
using Dfa.Core.Serialization;
using Dfa.Core.Training;
using Dfa.Runs.Files;

namespace Dfa.Runs.Training;

/// <summary>
/// Writes a training run's machine-readable results: <c>metrics.csv</c> (rewritten atomically after every epoch, so a
/// killed run leaves a consistent file) and <c>summary.json</c>. Numbers are written in invariant culture with
/// round-trip precision.
/// </summary>
public sealed class RunRecorder
{
    public const string MetricsFile = "metrics.csv";
    public const string SummaryFile = "summary.json";
    public const string WeightsFileName = "weights.bin";
    public const string AlignmentFile = "alignment.csv";
    public const string LossPlot = "loss.png";
    public const string AccuracyPlot = "accuracy.png";
    public const string AlignmentPlot = "alignment.png";
    public const string CheckpointFileName = Checkpoints.CheckpointFile.FileName;

    private static readonly string[] Columns =
    [
        "epoch", "learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
        "test_loss", "test_accuracy", "seconds", "samples_per_second",
    ];

    private readonly OutputFolder _folder;
    private readonly StringBuilder _csv = new(string.Join(',', Columns) + "\n");
    private StringBuilder? _alignment;

    /// <summary>
    /// Starts a run's records in <paramref name="folder"/>, removing a previous run's result files so none outlive it;
    /// when <paramref name="resume"/> is set, keeps the folder's records up to the checkpoint instead: <c>metrics.csv</c>
    /// is rewritten from the checkpoint's epochs and <c>alignment.csv</c> from the checkpoint's measurements (<see cref="RestoreAlignment"/>).
    /// </summary>
    public RunRecorder(OutputFolder folder, TrainerProgress? resume = null)
    {
        _folder = folder;
        if (resume is not null)
        {
            foreach (EpochMetrics m in resume.Epochs)
            {
                AppendEpoch(m);
            }

            AtomicFile.WriteAllText(_folder.PathOf(MetricsFile), _csv.ToString());
            // Rewritten from the checkpoint's measurements by RestoreAlignment; rows after the checkpoint must go.
            File.Delete(folder.PathOf(AlignmentFile));
            return;
        }

        foreach (string name in new[] { MetricsFile, SummaryFile, WeightsFileName, AlignmentFile, LossPlot, AccuracyPlot, AlignmentPlot, CheckpointFileName })
        {
            File.Delete(folder.PathOf(name));
        }

        // An old event file would be merged into this run by TensorBoard.
        foreach (string events in Directory.EnumerateFiles(folder.Path, "events.out.tfevents.*"))
        {
            File.Delete(events);
        }
    }

    public void RecordEpoch(EpochMetrics m)
    {
        AppendEpoch(m);
        AtomicFile.WriteAllText(_folder.PathOf(MetricsFile), _csv.ToString());
    }

    /// <summary>Replaces <c>checkpoint.bin</c> atomically (temporary file, fsync, rename), so a kill leaves the previous one whole.</summary>
    public void WriteCheckpoint(byte[] bytes) => AtomicFile.WriteAllBytes(_folder.PathOf(CheckpointFileName), bytes);

    private void AppendEpoch(EpochMetrics m)
    {
        _csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{N(m.LearningRate)},{N(m.TrainLoss)},{N(m.TrainAccuracy)},");
        _csv.Append(CultureInfo.InvariantCulture, $"{N(m.ValidationLoss)},{N(m.ValidationAccuracy)},{N(m.TestLoss)},{N(m.TestAccuracy)},");
        _csv.Append(CultureInfo.InvariantCulture, $"{N(m.Seconds)},{N(m.SamplesPerSecond)}\n");
    }

    /// <summary>
    /// Appends one alignment measurement to <c>alignment.csv</c> (rewritten atomically): step, epoch, then per hidden
    /// block the gradient angle of its weights and of its bias and its weight alignment, in degrees.
    /// </summary>
    public void RecordAlignment(AlignmentSnapshot snapshot)
    {
        AppendAlignment(snapshot);
        AtomicFile.WriteAllText(_folder.PathOf(AlignmentFile), _alignment!.ToString());
    }

    /// <summary>Rewrites <c>alignment.csv</c> from a checkpoint's measurements (a resumed run).</summary>
    public void RestoreAlignment(IReadOnlyList<AlignmentSnapshot> snapshots)
    {
        foreach (AlignmentSnapshot snapshot in snapshots)
        {
            AppendAlignment(snapshot);
        }

        if (_alignment is not null)
        {
            AtomicFile.WriteAllText(_folder.PathOf(AlignmentFile), _alignment.ToString());
        }
    }

    private void AppendAlignment(AlignmentSnapshot snapshot)
    {
        if (_alignment is null)
        {
            _alignment = new StringBuilder("step,epoch");
            foreach (LayerGradientAlignment g in snapshot.Gradient)
            {
                _alignment.Append(CultureInfo.InvariantCulture, $",{g.Block}_gradient_deg,{g.Block}_bias_gradient_deg,{g.Block}_weight_deg");
            }

            _alignment.Append('\n');
        }

        _alignment.Append(CultureInfo.InvariantCulture, $"{snapshot.Step},{snapshot.Epoch}");
        for (int l = 0; l < snapshot.Gradient.Count; l++)
        {
            _alignment.Append(CultureInfo.InvariantCulture, $",{N(snapshot.Gradient[l].WeightDegrees)},{N(snapshot.Gradient[l].BiasDegrees)},{N(snapshot.Weight[l].Degrees)}");
        }

        _alignment.Append('\n');
    }

    /// <summary>Writes a PNG into the run folder atomically.</summary>
    public void WritePlot(string name, byte[] png) => AtomicFile.WriteAllBytes(_folder.PathOf(name), png);

    /// <summary>Writes <c>summary.json</c> from ordered fields; values are strings, numbers, booleans, null or nested field lists.</summary>
    public void WriteSummary(IReadOnlyList<KeyValuePair<string, object?>> fields) =>
        JsonFile.Write(_folder.PathOf(SummaryFile), fields);

    /// <summary>Writes the final parameters and buffers (<see cref="WeightsFile"/> format v2) atomically.</summary>
    public void WriteWeights(Network network) =>
        AtomicFile.WriteAllBytes(_folder.PathOf(WeightsFileName), WeightsFile.ToBytes(network));

    private static string N(double? value) =>
        value is { } v && !double.IsNaN(v) ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}
