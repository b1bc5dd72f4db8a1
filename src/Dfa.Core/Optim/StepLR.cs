namespace Dfa.Core.Optim;

/// <summary>
/// PyTorch's <c>StepLR</c> in closed form: <c>lr(epoch) = base·gamma^⌊epoch / stepSize⌋</c>.
/// With <c>base = 0.05</c>, <c>stepSize = 2</c>, <c>gamma = 0.1</c>: 0.05, 0.05, 0.005, 0.005, 0.0005, …
/// </summary>
public sealed class StepLR : ILearningRateSchedule
{
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="baseRate"/> or <paramref name="gamma"/> is negative or not finite, or <paramref name="stepSize"/>
    /// is not positive.
    /// </exception>
    public StepLR(double baseRate, int stepSize, double gamma)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(baseRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stepSize);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(gamma);
        BaseRate = baseRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    public double BaseRate { get; }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The factor applied every <see cref="StepSize"/> epochs.</summary>
    public double Gamma { get; }

    public double RateForEpoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        return BaseRate * Math.Pow(Gamma, epoch / StepSize);
    }

    public override string ToString() => $"StepLR(lr={BaseRate}, step_size={StepSize}, gamma={Gamma})";
}
