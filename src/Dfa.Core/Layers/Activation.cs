using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// The shared shape of every element-wise activation: forward is <c>y = f(x)</c>, backward is
/// <c>dx = f'(x) ⊙ dy</c>. A subclass gives <see cref="Apply"/> and <see cref="Derivative"/>; one with parameters
/// also overrides <see cref="Parameters"/> and <see cref="ComputeParameterGradients"/>. The layer keeps a reference to
/// its last input (the derivative of some activations needs it), which must not change between
/// <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public abstract class Activation : IActivation
{
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    protected Activation(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public abstract string Kind { get; }

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public virtual IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        Apply(input.Span, output.Span);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        Derivative(_input!.Span, _output!.Span, destination.Span);
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        ComputeParameterGradients(_input!.Span, outputGradient.Span);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        WriteDerivative(dx);
        TensorPrimitives.Multiply(dx.Span, outputGradient.Span, dx.Span);
        return dx;
    }

    /// <summary>Writes <c>y = f(x)</c>.</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Writes <c>f'(x)</c> into <paramref name="d"/>, given the forward input and output.</summary>
    protected abstract void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);

    /// <summary>Writes dLoss/dParameter for the last forward batch; parameter-free activations do nothing.</summary>
    protected virtual void ComputeParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient)
    {
    }
}
