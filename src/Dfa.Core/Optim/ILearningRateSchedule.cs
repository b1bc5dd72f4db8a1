namespace Dfa.Core.Optim;

/// <summary>
/// An epoch-based learning-rate schedule, like a PyTorch scheduler stepped once per epoch: the trainer sets
/// <see cref="IOptimizer.LearningRate"/> to <see cref="RateForEpoch"/> before each epoch. Implementations are pure
/// functions of the epoch (PyTorch's closed forms), so resuming from a checkpoint needs no schedule state.
/// </summary>
public interface ILearningRateSchedule
{
    /// <summary>The rate the schedule was built with (PyTorch's <c>base_lr</c>).</summary>
    double BaseRate { get; }

    /// <summary>The rate for the 0-based <paramref name="epoch"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    double RateForEpoch(int epoch);
}
