namespace Dfa.Core.Training;

/// <summary>Progress callbacks from <see cref="Trainer"/>; called on the training thread, so keep them cheap.</summary>
public interface ITrainingObserver
{
    void OnEpochStarted(int epoch, int batches);

    void OnBatch(int epoch, int batch, int batches);

    void OnEpochCompleted(EpochMetrics metrics);
}
