namespace Dfa.Core.Training;

/// <summary>Progress callbacks from <see cref="Trainer"/>; called on the training thread, so keep them cheap.</summary>
public interface ITrainingObserver
{
    void OnEpochStarted(int epoch, int batches);

    void OnBatch(int epoch, int batch, int batches);

    /// <summary>
    /// After optimizer step <paramref name="step"/> (1-based, counted over the whole run) with the batch's mean loss
    /// (penalty included). Weights are updated and no forward is pending, so an observer may run its own forward and
    /// backward passes here (alignment probes do), as long as it leaves weights and optimizer state alone.
    /// </summary>
    void OnStep(int epoch, long step, double loss)
    {
    }

    void OnEpochCompleted(EpochMetrics metrics);
}
