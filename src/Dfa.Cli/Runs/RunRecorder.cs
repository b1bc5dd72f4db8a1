using System.Globalization;
using System.Text;
using Dfa.Core.Training;

namespace Dfa.Cli.Runs;

/// <summary>
/// Writes a training run's machine-readable results: <c>metrics.csv</c> (rewritten atomically after every epoch, so a
/// killed run leaves a consistent file) and <c>summary.json</c>. Numbers are written in invariant culture with
/// round-trip precision.
/// </summary>
internal sealed class RunRecorder
{
    public const string MetricsFile = "metrics.csv";
    public const string SummaryFile = "summary.json";
    public const string WeightsFileName = "weights.bin";

    private static readonly string[] Columns =
    [
        "epoch", "learning_rate", "train_loss", "train_accuracy", "validation_loss", "validation_accuracy",
        "test_loss", "test_accuracy", "seconds", "samples_per_second",
    ];

    private readonly OutputFolder _folder;
    private readonly StringBuilder _csv = new(string.Join(',', Columns) + "\n");

    /// <summary>Starts a run's records in <paramref name="folder"/>, removing a previous run's result files so none outlive it.</summary>
    public RunRecorder(OutputFolder folder)
    {
        _folder = folder;
        foreach (string name in new[] { MetricsFile, SummaryFile, WeightsFileName })
        {
            File.Delete(folder.PathOf(name));
        }
    }

    public void RecordEpoch(EpochMetrics m)
    {
        _csv.Append(CultureInfo.InvariantCulture, $"{m.Epoch},{N(m.LearningRate)},{N(m.TrainLoss)},{N(m.TrainAccuracy)},");
        _csv.Append(CultureInfo.InvariantCulture, $"{N(m.ValidationLoss)},{N(m.ValidationAccuracy)},{N(m.TestLoss)},{N(m.TestAccuracy)},");
        _csv.Append(CultureInfo.InvariantCulture, $"{N(m.Seconds)},{N(m.SamplesPerSecond)}\n");
        AtomicFile.WriteAllText(_folder.PathOf(MetricsFile), _csv.ToString());
    }

    /// <summary>Writes <c>summary.json</c> from ordered fields; values are strings, numbers, booleans, null or nested field lists.</summary>
    public void WriteSummary(IReadOnlyList<KeyValuePair<string, object?>> fields) =>
        JsonFile.Write(_folder.PathOf(SummaryFile), fields);

    /// <summary>Writes the final weights (<see cref="Dfa.Core.Training.WeightsFile"/> format) atomically.</summary>
    public void WriteWeights(IReadOnlyList<Dfa.Core.Layers.Parameter> parameters)
    {
        using var buffer = new MemoryStream();
        WeightsFile.Write(buffer, parameters);
        AtomicFile.WriteAllBytes(_folder.PathOf(WeightsFileName), buffer.ToArray());
    }

    private static string N(double? value) =>
        value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : string.Empty;
}
