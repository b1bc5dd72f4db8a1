using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Leaky ReLU, <c>y = x &gt; 0 ? x : s·x</c>, <c>f'(x) = x &gt; 0 ? 1 : s</c>. Any slope <c>s</c> is allowed, including
/// negative ones (Launay 2019 recommends <c>s = −0.5</c> for DFA), so the sign of <c>y</c> does not tell the branch:
/// the layer keeps a reference to its input, which must not change between <see cref="Forward"/> and
/// <see cref="Backward"/>.
/// </summary>
public sealed class LeakyRelu : IActivation
{
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="negativeSlope"/> is not finite.</exception>
    public LeakyRelu(int size, double negativeSlope = 0.01)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!double.IsFinite(negativeSlope))
        {
            throw new ArgumentOutOfRangeException(nameof(negativeSlope), negativeSlope, "The negative slope must be finite.");
        }

        InputSize = size;
        NegativeSlope = (float)negativeSlope;
    }

    public string Kind => "leaky_relu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public float NegativeSlope { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        ElementwiseKernels.Leaky(input.Span, NegativeSlope, output.Span);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        ElementwiseKernels.Step(_input!.Span, 1f, NegativeSlope, destination.Span);
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
