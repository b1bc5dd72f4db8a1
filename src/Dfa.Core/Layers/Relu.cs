using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Rectified linear unit, <c>y = max(0, x)</c>, <c>f'(x) = y &gt; 0 ? 1 : 0</c> (0 at the kink, as PyTorch).</summary>
public sealed class Relu : IActivation
{
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    public Relu(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public string Kind => "relu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        TensorPrimitives.Max(input.Span, 0f, output.Span);
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        Span<float> d = destination.Span;
        ElementwiseKernels.Step(_output!.Span, 1f, 0f, d);
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
