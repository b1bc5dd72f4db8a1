using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Continuously differentiable ELU (Barron 2017), as PyTorch: <c>y = max(0, x) + min(0, α·(e^(x/α) − 1))</c>;
/// <c>f'(x) = 1</c> for <c>x &gt; 0</c>, else <c>e^(x/α) = y/α + 1</c>, which reuses the cached output. The layer keeps
/// a reference to its input, which must not change between <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public sealed class Celu : IActivation
{
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="size"/> is not positive, or <paramref name="alpha"/> is zero or not finite (PyTorch rejects 0 too).
    /// </exception>
    public Celu(int size, double alpha = 1.0)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!double.IsFinite(alpha) || alpha == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "CELU's alpha must be finite and non-zero.");
        }

        InputSize = size;
        Alpha = (float)alpha;
    }

    public string Kind => "celu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public float Alpha { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        Span<float> y = output.Span;

        // min(x, 0) first so the exponential of the unused positive branch cannot overflow (for α > 0); expm1 keeps
        // the small negative inputs accurate.
        TensorPrimitives.Min(input.Span, 0f, y);
        TensorPrimitives.Multiply(y, 1f / Alpha, y);
        TensorPrimitives.ExpM1(y, y);
        ElementwiseKernels.PositiveOrScaled(input.Span, 1f, Alpha, y);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        ElementwiseKernels.PositiveOrAffine(_input!.Span, _output!.Span, 1f, 1f / Alpha, 1f, destination.Span);
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
