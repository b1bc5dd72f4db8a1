using System.Numerics;
using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Gaussian error linear unit in its exact erf form (PyTorch's default, not the tanh approximation):
/// <c>y = x·Φ(x)</c>, <c>Φ(x) = ½·(1 + erf(x/√2))</c>; <c>f'(x) = Φ(x) + x·φ(x)</c>, <c>φ(x) = e^(−x²/2)/√(2π)</c>.
/// erf is a float32 approximation with absolute error below 1.5e-7. The layer keeps a reference to its input, which
/// must not change between <see cref="Activation.Forward"/> and <see cref="Activation.Backward"/>.
/// </summary>
public sealed class Gelu : Activation
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Gelu(int size)
        : base(size)
    {
    }

    public override string Kind => "gelu";

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y)
    {
        TensorPrimitives.Multiply(x, InvSqrt2, y);
        ErfApproximation.Erf(y, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Multiply(y, x, y);
        TensorPrimitives.Multiply(y, 0.5f, y);
    }

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d)
    {
        // One fused pass: Φ and φ share the input load, and a second erf pass through memory would cost more than it saves.
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var half = new Vector<float>(0.5f);
            var invSqrt2 = new Vector<float>(InvSqrt2);
            var invSqrt2Pi = new Vector<float>(InvSqrt2Pi);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector<float> cdf = half * (Vector<float>.One + ErfApproximation.Erf(v * invSqrt2));
                Vector<float> pdf = invSqrt2Pi * Vector.Exp(-half * v * v);
                (cdf + (v * pdf)).CopyTo(d[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            float v = x[i];
            float cdf = 0.5f * (1f + ErfApproximation.Erf(v * InvSqrt2));
            float pdf = InvSqrt2Pi * MathF.Exp(-0.5f * v * v);
            d[i] = cdf + (v * pdf);
        }
    }
}
