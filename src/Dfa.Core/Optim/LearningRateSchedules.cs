using Dfa.Core.Config;

namespace Dfa.Core.Optim;

/// <summary>Builds the <see cref="ILearningRateSchedule"/> a configuration asks for.</summary>
public static class LearningRateSchedules
{
    /// <summary>
    /// <see cref="ConstantRate"/> when <see cref="LrSchedulerConfig.Enabled"/> is false; otherwise <see cref="StepLR"/>
    /// (<see cref="LrSchedulerKind.Step"/>: <c>StepSize</c>, <c>Gamma</c>) or <see cref="ConstantLR"/>
    /// (<see cref="LrSchedulerKind.Constant"/>: <c>Factor</c>, <c>TotalIters</c>).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range, or the kind is unknown.</exception>
    public static ILearningRateSchedule Create(double baseRate, LrSchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Enabled)
        {
            return new ConstantRate(baseRate);
        }

        return config.Kind switch
        {
            LrSchedulerKind.Step => new StepLR(baseRate, config.StepSize, config.Gamma),
            LrSchedulerKind.Constant => new ConstantLR(baseRate, config.Factor, config.TotalIters),
            _ => throw new ArgumentOutOfRangeException(
                nameof(config), config.Kind, $"Expected a scheduler kind of {string.Join(" or ", Enum.GetNames<LrSchedulerKind>())}, got {config.Kind}."),
        };
    }
}
