using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Training;

namespace Dfa.Cli.Runs;

/// <summary>
/// The fields of <c>summary.json</c>, in a fixed order. Result numbers depend only on the config, seed and thread
/// count; the timing fields (<c>samples_per_second</c>, <c>train_seconds</c>) are the only ones that vary between
/// identical runs.
/// </summary>
internal sealed class SummaryBuilder(TrainConfig config, string configPath, TrainingSetup setup, Dataset train, Dataset test)
{
    public IReadOnlyList<KeyValuePair<string, object?>> Completed(TrainingResult result) =>
        Build(result.Epochs, result.StoppedEarly, result.BestEpoch, result.SamplesPerSecond, result.TrainSeconds, null);

    public IReadOnlyList<KeyValuePair<string, object?>> Diverged(IReadOnlyList<EpochMetrics> epochs, TrainingDivergedException ex)
    {
        double seconds = epochs.Sum(e => e.Seconds);
        double sps = seconds > 0 ? epochs.Count * (double)train.Count / seconds : 0;
        return Build(epochs, false, null, sps, seconds, ex);
    }

    private List<KeyValuePair<string, object?>> Build(
        IReadOnlyList<EpochMetrics> epochs, bool stoppedEarly, int? bestEpoch, double samplesPerSecond, double trainSeconds, TrainingDivergedException? diverged)
    {
        EpochMetrics? last = epochs.Count > 0 ? epochs[^1] : null;
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("algorithm", setup.Algorithm.Name),
            new("backend", setup.BackendName),
            new("epochs", epochs.Count),
            new("epochs_planned", config.Epochs),
            new("test_accuracy", last?.TestAccuracy),
            new("test_loss", last?.TestLoss),
            new("final_train_loss", last?.TrainLoss),
            new("final_train_accuracy", last?.TrainAccuracy),
            new("best_epoch", bestEpoch),
            new("stopped_early", stoppedEarly),
            new("diverged", diverged is not null),
            new("diverged_step", diverged?.Step),
            new("samples_per_second", samplesPerSecond),
            new("train_seconds", trainSeconds),
            new("seed", config.Seed),
            new("feedback_seed", setup.Projector is null ? null : setup.FeedbackSeed),
            new("threads", config.EffectiveThreads),
            new("config", configPath),
            new("dataset", train.Name),
            new("train_samples", train.Count),
            new("test_samples", test.Count),
            new("network", setup.Network.Describe()),
            new("parameters", setup.Network.ParameterCount),
            new("steps", setup.Trainer.Steps),
        };
        if (setup.Projector is { } projector)
        {
            fields.Add(new(
                "feedback_counts",
                projector.Counts.NonZero().Select(kv => new KeyValuePair<string, object?>(kv.Key.ToString(), kv.Value)).ToList()));
            FeedbackStorage storage = projector.Storage;
            fields.Add(new("feedback_storage", new List<KeyValuePair<string, object?>>
            {
                new("layout", storage.Layout),
                new("matrix_bytes", storage.MatrixBytes),
                new("weight_bits", storage.WeightBits),
                new("index_bits", storage.IndexBits),
                new("padding_bits", storage.PaddingBits),
                new("calibration_bytes", storage.CalibrationBytes),
            }));
        }

        return fields;
    }
}
