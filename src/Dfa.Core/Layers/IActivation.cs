using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// An element-wise, size-preserving nonlinearity <c>y = f(a)</c>. Besides <see cref="ILayer.Backward"/> it can write
/// <c>f'(a)</c> on its own, which DFA needs: its hidden delta is <c>δ = (B·e) ⊙ f'(a)</c>, with no output gradient
/// flowing through the layer.
/// </summary>
public interface IActivation : ILayer
{
    /// <summary>
    /// Writes <c>∂f/∂a</c> element-wise for the last forward batch into <paramref name="destination"/> (same shape as
    /// that batch). For <see cref="Prelu"/> this is the derivative with respect to the input, not the slope.
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass has run yet.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has another shape.</exception>
    void WriteDerivative(Matrix destination);
}
