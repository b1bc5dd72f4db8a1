using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Parametric ReLU with one learned slope <c>w</c> shared by every feature (PyTorch's default
/// <c>num_parameters = 1</c>): <c>y = x &gt; 0 ? x : w·x</c>, <c>∂y/∂x = x &gt; 0 ? 1 : w</c>,
/// <c>∂L/∂w = Σ_{x ≤ 0} g·x</c>. The slope is the 1×1 parameter <c>weight</c> with <see cref="Parameter.IsWeight"/>
/// false: PyTorch's optimizers apply <c>weight_decay</c> to it like to any parameter, but Dfa's L1/L2 loss penalties
/// only cover weight matrices, and a penalised slope would be pushed towards a plain ReLU. The layer keeps a
/// reference to its input, which must not change between <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public sealed class Prelu : IActivation
{
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="init"/> is not finite.</exception>
    public Prelu(int size, double init = 0.25)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!double.IsFinite(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "The initial slope must be finite.");
        }

        InputSize = size;
        Weight = new Parameter("weight", new Matrix(1, 1, [(float)init]), isWeight: false);
        Parameters = [Weight];
    }

    public string Kind => "prelu";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    /// <summary>The shared slope <c>w</c>, 1×1.</summary>
    public Parameter Weight { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    private float Slope => Weight.Value.Data[0];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        ElementwiseKernels.Leaky(input.Span, Slope, output.Span);
        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        ElementwiseKernels.Step(_input!.Span, 1f, Slope, destination.Span);
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        ReadOnlySpan<float> x = _input!.Span;
        ReadOnlySpan<float> g = outputGradient.Span;

        // Summed in double: the slope gathers one term per element of the batch.
        double dw = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] <= 0f)
            {
                dw += (double)g[i] * x[i];
            }
        }

        Weight.Gradient.Data[0] = (float)dw;
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        WriteDerivative(dx);
        TensorPrimitives.Multiply(dx.Span, g, dx.Span);
        return dx;
    }
}
