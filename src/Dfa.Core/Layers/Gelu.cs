using System.Numerics;
using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Gaussian error linear unit in its exact erf form (PyTorch's default, not the tanh approximation):
/// <c>y = x·Φ(x)</c>, <c>Φ(x) = ½·(1 + erf(x/√2))</c>; <c>f'(x) = Φ(x) + x·φ(x)</c>, <c>φ(x) = e^(−x²/2)/√(2π)</c>.
/// erf is a float32 approximation with absolute error below 1.5e-7. The layer keeps a reference to its input, which
/// must not change between <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public sealed class Gelu : IActivation
{
    private const float InvSqrt2 = 0.70710678118654752f;
    private const float InvSqrt2Pi = 0.39894228040143268f;

    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Gelu(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public string Kind => "gelu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        Span<float> y = output.Span;
        TensorPrimitives.Multiply(input.Span, InvSqrt2, y);
        ErfApproximation.Erf(y, y);
        TensorPrimitives.Add(y, 1f, y);
        TensorPrimitives.Multiply(y, input.Span, y);
        TensorPrimitives.Multiply(y, 0.5f, y);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        ReadOnlySpan<float> x = _input!.Span;
        Span<float> d = destination.Span;

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

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        WriteDerivative(dx);
        TensorPrimitives.Multiply(dx.Span, outputGradient.Span, dx.Span);
        return dx;
    }
}
