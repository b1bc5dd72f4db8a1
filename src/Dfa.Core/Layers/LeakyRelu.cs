using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Leaky ReLU, <c>y = x &gt; 0 ? x : s·x</c>, <c>f'(x) = x &gt; 0 ? 1 : s</c>. Any slope <c>s</c> is allowed, including
/// negative ones (Launay 2019 recommends <c>s = −0.5</c> for DFA), so the sign of <c>y</c> does not tell the branch:
/// the layer keeps a reference to its input, which must not change between <see cref="Activation.Forward"/> and
/// <see cref="Activation.Backward"/>.
/// </summary>
public sealed class LeakyRelu : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="negativeSlope"/> is not finite.</exception>
    public LeakyRelu(int size, double negativeSlope = 0.01)
        : base(size)
    {
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite.");
        }

        NegativeSlope = (float)negativeSlope;
    }

    public override string Kind => "leaky_relu";

    public float NegativeSlope { get; }

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => ElementwiseKernels.Leaky(x, NegativeSlope, y);

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) =>
        ElementwiseKernels.Step(x, 1f, NegativeSlope, d);
}
