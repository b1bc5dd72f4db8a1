namespace Dfa.Core.Optim;

/// <summary>
/// PyTorch's <c>ConstantLR</c> in closed form: <c>lr(epoch) = base·factor</c> for <c>epoch &lt; totalIters</c>, then
/// <c>base</c>. With <c>base = 0.05</c>, <c>factor = 0.5</c>, <c>totalIters = 4</c>: 0.025 for epochs 0–3, then 0.05.
/// </summary>
public sealed class ConstantLR : ILearningRateSchedule
{
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="baseRate"/> is negative or not finite, <paramref name="factor"/> is outside <c>[0, 1]</c>
    /// (as PyTorch), or <paramref name="totalIters"/> is negative.
    /// </exception>
    public ConstantLR(double baseRate, double factor = 1.0 / 3.0, int totalIters = 5)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(baseRate);
        if (!(factor >= 0.0 && factor <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, $"Expected a factor in [0, 1], got {factor}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(totalIters);
        BaseRate = baseRate;
        Factor = factor;
        TotalIters = totalIters;
    }

    public double BaseRate { get; }

    /// <summary>The multiplier during the first <see cref="TotalIters"/> epochs.</summary>
    public double Factor { get; }

    /// <summary>Epochs at the reduced rate.</summary>
    public int TotalIters { get; }

    public double RateForEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return epoch < TotalIters ? BaseRate * Factor : BaseRate;
    }

    public override string ToString() => $"ConstantLR(lr={BaseRate}, factor={Factor}, total_iters={TotalIters})";
}
