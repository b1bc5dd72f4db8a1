using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Scaled ELU (Klambauer 2017) with PyTorch's constants: <c>y = λ·x</c> for <c>x &gt; 0</c>, else
/// <c>y = λ·α·(eˣ − 1)</c>; <c>f'(x) = λ</c> for <c>x &gt; 0</c>, else <c>λ·α·eˣ = y + λ·α</c>, which reuses the cached
/// output instead of a second exponential. The layer keeps a reference to its input, which must not change between
/// <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public sealed class Selu : IActivation
{
    /// <summary><c>α</c> = 1.6732632423543772848170429916717.</summary>
    public const double Alpha = 1.6732632423543772848170429916717;

    /// <summary><c>λ</c> = 1.0507009873554804934193349852946.</summary>
    public const double Scale = 1.0507009873554804934193349852946;

    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Selu(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public string Kind => "selu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        Span<float> y = output.Span;

        // min(x, 0) first so the exponential of the unused positive branch cannot overflow; expm1 keeps the small
        // negative inputs accurate.
        TensorPrimitives.Min(input.Span, 0f, y);
        TensorPrimitives.ExpM1(y, y);
        ElementwiseKernels.PositiveOrScaled(input.Span, (float)Scale, (float)(Scale * Alpha), y);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        ElementwiseKernels.PositiveOrAffine(_input!.Span, _output!.Span, (float)Scale, 1f, (float)(Scale * Alpha), destination.Span);
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
