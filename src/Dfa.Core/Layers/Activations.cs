using Dfa.Core.Config;

namespace Dfa.Core.Layers;

/// <summary>Builds the activation a <see cref="ModelConfig"/> names.</summary>
public static class Activations
{
    /// <summary>
    /// Creates the <paramref name="kind"/> activation of width <paramref name="size"/>, taking
    /// <see cref="ModelConfig.NegativeSlope"/>, <see cref="ModelConfig.PreluInit"/> and <see cref="ModelConfig.CeluAlpha"/>
    /// from <paramref name="model"/> where the kind has that parameter.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not a defined value, or a size or parameter is invalid.</exception>
    public static IActivation Create(ActivationKind kind, int size, ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return kind switch
        {
            ActivationKind.Relu => new Relu(size),
            ActivationKind.Tanh => new Tanh(size),
            ActivationKind.Sigmoid => new Sigmoid(size),
            ActivationKind.LeakyRelu => new LeakyRelu(size, model.NegativeSlope),
            ActivationKind.Prelu => new Prelu(size, model.PreluInit),
            ActivationKind.Selu => new Selu(size),
            ActivationKind.Celu => new Celu(size, model.CeluAlpha),
            ActivationKind.Gelu => new Gelu(size),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation kind."),
        };
    }
}
