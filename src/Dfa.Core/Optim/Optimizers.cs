using Dfa.Core.Config;
using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>Builds the optimizer a <see cref="TrainConfig"/> asks for.</summary>
public static class Optimizers
{
    /// <summary>
    /// <see cref="Adam"/> (<c>config.Adam</c> betas and eps) or <see cref="Sgd"/> (<c>config.Sgd</c> momentum,
    /// dampening, nesterov) per <see cref="TrainConfig.Optimizer"/>, both with <see cref="TrainConfig.LearningRate"/> and
    /// <see cref="TrainConfig.WeightDecay"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> or <paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">A setting is invalid for the chosen optimizer, or the kind is unknown.</exception>
    public static IStatefulOptimizer Create(TrainConfig config, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(parameters);
        return config.Optimizer switch
        {
            OptimizerKind.Adam => new Adam(
                parameters, config.LearningRate, config.Adam.Beta1, config.Adam.Beta2, config.Adam.Eps, config.WeightDecay, config.EffectiveThreads),
            OptimizerKind.Sgd => new Sgd(
                parameters, config.LearningRate, config.Sgd.Momentum, config.Sgd.Dampening, config.Sgd.Nesterov, config.WeightDecay, config.EffectiveThreads),
            _ => throw new ArgumentOutOfRangeException(
                nameof(config), config.Optimizer, $"Expected an optimizer of {string.Join(" or ", Enum.GetNames<OptimizerKind>())}, got {config.Optimizer}."),
        };
    }
}
