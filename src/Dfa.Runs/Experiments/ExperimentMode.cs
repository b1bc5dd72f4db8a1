using System.Globalization;

namespace Dfa.Runs.Experiments;

/// <summary>
/// The scale an experiment runs at: epochs, training samples (null: all 60 000) and the learning rate every member
/// starts from (a member that varies the rate sets its own). <c>--quick</c> picks the small one.
/// </summary>
public sealed record ExperimentMode
{
    /// <summary>The quick scales' training-set size: a 10 000-sample subset (the test set stays whole).</summary>
    public const int QuickTrainSamples = 10_000;

    /// <summary>The most common quick length among the experiments (sgd-vs-adam, normalization, activations); <c>dfa study --quick</c> trains at most this many epochs.</summary>
    public const int QuickEpochs = 10;

    public ExperimentMode(int epochs, int? trainSamples, double learningRate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (trainSamples is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(n, 1, nameof(trainSamples));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(learningRate);
        Epochs = epochs;
        TrainSamples = trainSamples;
        LearningRate = learningRate;
    }

    public int Epochs { get; }

    public int? TrainSamples { get; }

    public double LearningRate { get; }

    /// <summary>The mode as <c>--set</c> overrides, applied right after the base config.</summary>
    public IReadOnlyList<string> Overrides
    {
        get
        {
            var overrides = new List<string> { $"epochs={Epochs.ToString(CultureInfo.InvariantCulture)}" };
            if (TrainSamples is { } n)
            {
                overrides.Add($"data.train_samples={n.ToString(CultureInfo.InvariantCulture)}");
            }

            overrides.Add($"lr={LearningRate.ToString("R", CultureInfo.InvariantCulture)}");
            return overrides;
        }
    }
}
