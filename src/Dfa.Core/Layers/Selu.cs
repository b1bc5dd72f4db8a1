using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Scaled ELU (Klambauer 2017) with PyTorch's constants: <c>y = λ·x</c> for <c>x &gt; 0</c>, else
/// <c>y = λ·α·(eˣ − 1)</c>; <c>f'(x) = λ</c> for <c>x &gt; 0</c>, else <c>λ·α·eˣ = y + λ·α</c>, which reuses the cached
/// output instead of a second exponential. The layer keeps a reference to its input, which must not change between
/// <see cref="Activation.Forward"/> and <see cref="Activation.Backward"/>.
/// </summary>
public sealed class Selu : Activation
{
    public const double Alpha = 1.6732632423543772848170429916717;

    public const double Scale = 1.0507009873554804934193349852946;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Selu(int size)
        : base(size)
    {
    }

    public override string Kind => "selu";

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        // min(x, 0) first so the exponential of the unused positive branch cannot overflow; expm1 keeps the small
        // negative inputs accurate.
        TensorPrimitives.Min(x, 0f, y);
        TensorPrimitives.ExpM1(y, y);
        ElementwiseKernels.PositiveOrScaled(x, (float)Scale, (float)(Scale * Alpha), y);
    }

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) =>
        ElementwiseKernels.PositiveOrAffine(x, y, (float)Scale, 1f, (float)(Scale * Alpha), d);
}
