namespace Dfa.Core.Training;

/// <summary>What a finished run produced.</summary>
public sealed record TrainingResult(
    IReadOnlyList<EpochMetrics> Epochs,
    bool StoppedEarly,
    int? BestEpoch,
    double TrainSeconds,
    long SamplesTrained,
    long Steps)
{
    public EpochMetrics Last => Epochs[^1];

    /// <summary>Training samples per second over all epochs (forward, feedback/backward, update; evaluation excluded).</summary>
    public double SamplesPerSecond => TrainSeconds > 0 ? SamplesTrained / TrainSeconds : 0;
}
