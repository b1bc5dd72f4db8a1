using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Hyperbolic tangent, <c>y = tanh(x)</c>, <c>f'(x) = 1 − y²</c> (computed from the cached output).</summary>
public sealed class Tanh : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Tanh(int size)
        : base(size)
    {
    }

    public override string Kind => "tanh";

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        TensorPrimitives.Multiply(y, y, d);
        TensorPrimitives.Subtract(1f, d, d);
    }

    /// <summary><c>dx = (1 − y·y)·dy</c> in one pass, each of the three operations rounded as the separate passes round it.</summary>
    protected override void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.OneMinusSquareTimes(y, dy, dx);
}
