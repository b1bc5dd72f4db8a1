using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Parametric ReLU with one learned slope <c>w</c> shared by every feature (PyTorch's default
/// <c>num_parameters = 1</c>): <c>y = x &gt; 0 ? x : w·x</c>, <c>∂y/∂x = x &gt; 0 ? 1 : w</c>,
/// <c>∂L/∂w = Σ_{x ≤ 0} g·x</c>. The slope is the 1×1 parameter <c>weight</c> with <see cref="Parameter.IsWeight"/>
/// false: PyTorch's optimizers apply <c>weight_decay</c> to it like to any parameter, but Dfa's L1/L2 loss penalties
/// only cover weight matrices, and a penalised slope would be pushed towards a plain ReLU. The layer keeps a
/// reference to its input, which must not change between <see cref="Activation.Forward"/> and <see cref="Activation.Backward"/>.
/// </summary>
public sealed class Prelu : Activation
{
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="init"/> is not finite.</exception>
    public Prelu(int size, double init = 0.25)
        : base(size)
    {
        if (!double.IsFinite(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "The initial slope must be finite.");
        }

        Weight = new Parameter("weight", new Matrix(1, 1, [(float)init]), isWeight: false);
        Parameters = [Weight];
    }

    public override string Kind => "prelu";

    public Parameter Weight { get; }

    public override IReadOnlyList<Parameter> Parameters { get; }

    private float Slope => Weight.Value.Data[0];

    protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => ElementwiseKernels.Leaky(x, Slope, y);

    protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d) =>
        ElementwiseKernels.Step(x, 1f, Slope, d);

    protected override void ComputeParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient)
    {
        // Summed in double: the slope gathers one term per element of the batch.
        double dw = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if (x[i] <= 0f)
            {
                dw += (double)outputGradient[i] * x[i];
            }
        }

        Weight.Gradient.Data[0] = (float)dw;
    }
}
