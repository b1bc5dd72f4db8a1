using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Rectified linear unit, <c>y = max(0, x)</c>, <c>f'(x) = y &gt; 0 ? 1 : 0</c> (0 at the kink, as PyTorch).</summary>
public sealed class Relu : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Relu(int size)
        : base(size)
    {
    }

    public override string Kind => "relu";

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Max(x, 0f, y);

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) =>
        ElementwiseKernels.Step(y, 1f, 0f, d);

    /// <summary><c>dx = (y &gt; 0 ? 1 : 0)·dy</c> in one pass (the product is kept, so ∞ and NaN in dy behave as before).</summary>
    protected override void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) =>
        ElementwiseKernels.StepTimes(y, dy, dx);
}
