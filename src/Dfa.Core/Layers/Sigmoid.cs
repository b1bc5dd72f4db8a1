using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Logistic sigmoid, <c>y = 1 / (1 + e^(−x))</c>, <c>f'(x) = y·(1 − y)</c> (computed from the cached output).</summary>
public sealed class Sigmoid : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Sigmoid(int size)
        : base(size)
    {
    }

    public override string Kind => "sigmoid";

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        TensorPrimitives.Subtract(1f, y, d);
        TensorPrimitives.Multiply(d, y, d);
    }
}
