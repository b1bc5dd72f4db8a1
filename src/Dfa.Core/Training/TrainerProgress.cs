namespace Dfa.Core.Training;

/// <summary>
/// Where a <see cref="Trainer"/> is in its run, as a checkpoint stores it. <see cref="Epoch"/> is the 0-based epoch in
/// progress and <see cref="Batch"/> the next batch to train in it: <c>Batch = 0</c> means the epoch has not started (its
/// shuffle not yet drawn; <see cref="Order"/> is the previous epoch's permutation and <see cref="ShuffleState"/> the
/// generator before this epoch's shuffle); <c>0 &lt; Batch ≤ batches</c> means <see cref="Order"/> is this epoch's
/// permutation and <see cref="LossSum"/> and <see cref="Correct"/> hold its batches so far (<c>Batch = batches</c>: every
/// step done, evaluation pending). <see cref="Epochs"/> are the completed epochs' metrics.
/// </summary>
public sealed record TrainerProgress(
    int Epoch,
    int Batch,
    long Steps,
    double LossSum,
    long Correct,
    double EpochSeconds,
    int[] Order,
    ulong[] ShuffleState,
    IReadOnlyList<EpochMetrics> Epochs,
    double TrainSeconds,
    long SamplesTrained);
