using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Hyperbolic tangent, <c>y = tanh(x)</c>, <c>f'(x) = 1 − y²</c> (computed from the cached output).</summary>
public sealed class Tanh : IActivation
{
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Tanh(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public string Kind => "tanh";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        TensorPrimitives.Tanh(input.Span, output.Span);
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        Span<float> d = destination.Span;
        TensorPrimitives.Multiply(_output!.Span, _output.Span, d);
        TensorPrimitives.Subtract(1f, d, d);
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
