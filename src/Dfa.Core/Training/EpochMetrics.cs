namespace Dfa.Core.Training;

/// <summary>
/// One epoch's numbers. Train loss and accuracy are averaged over the epoch's batches as trained (dropout on,
/// weights moving), and the train loss includes the L1/L2 penalty; validation and test are measured after the epoch in
/// evaluation mode, cross-entropy only. Accuracies are fractions.
/// </summary>
public sealed record EpochMetrics(
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double SamplesPerSecond);
