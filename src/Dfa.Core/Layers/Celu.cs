using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Continuously differentiable ELU (Barron 2017), as PyTorch: <c>y = max(0, x) + min(0, α·(e^(x/α) − 1))</c>;
/// <c>f'(x) = 1</c> for <c>x &gt; 0</c>, else <c>e^(x/α) = y/α + 1</c>, which reuses the cached output. The layer keeps
/// a reference to its input, which must not change between <see cref="Activation.Forward"/> and <see cref="Activation.Backward"/>.
/// </summary>
public sealed class Celu : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="alpha"/> is zero or not finite.</exception>
    public Celu(int size, double alpha = 1.0)
        : base(size)
    {
        if (!double.IsFinite(alpha) || alpha == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "CELU's alpha must be finite and non-zero.");
        }

        Alpha = (float)alpha;
    }

    public override string Kind => "celu";

    public float Alpha { get; }

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        // min(x, 0) first so the exponential of the unused positive branch cannot overflow (for α > 0); expm1 keeps
        // the small negative inputs accurate.
        TensorPrimitives.Min(x, 0f, y);
        TensorPrimitives.Multiply(y, 1f / Alpha, y);
        TensorPrimitives.ExpM1(y, y);
        ElementwiseKernels.PositiveOrScaled(x, 1f, Alpha, y);
    }

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) =>
        ElementwiseKernels.PositiveOrAffine(x, y, 1f, 1f / Alpha, 1f, d);
}
