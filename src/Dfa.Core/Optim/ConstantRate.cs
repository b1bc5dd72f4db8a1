namespace Dfa.Core.Optim;

/// <summary>No schedule: <c>lr(epoch) = base</c>.</summary>
public sealed class ConstantRate : ILearningRateSchedule
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="baseRate"/> is negative or not finite.</exception>
    public ConstantRate(double baseRate)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(baseRate);
        BaseRate = baseRate;
    }

    public double BaseRate { get; }

    public double RateForEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return BaseRate;
    }

    public override string ToString() => $"ConstantRate(lr={BaseRate})";
}
