using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Core.Tensors;

namespace Dfa.Core.Counting;

/// <summary>
/// Counting reference kernels for the layers and optimizers the cost model prices: plain scalar loops that compute
/// what <see cref="Layers.Linear"/>, <see cref="Layers.Conv2d"/>, an activation's backward, SGD with momentum and Adam
/// compute, and increment a <see cref="HardwareAction"/> inside the loop that performs each operation. Tests hold their
/// results to the product layers and their counts to the <see cref="NetworkSpec"/>'s MACs and the cost model's prices.
/// <list type="bullet">
/// <item>A multiply-accumulate is one <see cref="HardwareAction.Fp32MultiplyAdd"/>; a bias add one
/// <see cref="HardwareAction.Fp32Add"/>; an element-wise product (the activation's derivative) one
/// <see cref="HardwareAction.Fp32Multiply"/>.</item>
/// <item>A convolution is computed tap by tap over the zero-padded input, as the im2col product the layer runs: a tap on
/// padding is a multiply-accumulate with 0 (forward and weight gradient) or a product whose result is dropped (input
/// gradient), counted all the same.</item>
/// </list>
/// </summary>
public static class CountingKernels
{
    /// <summary>
    /// <c>Y = X·Wᵀ + b</c>: <c>rows·out·in</c> multiply-accumulates and, with a bias, <c>rows·out</c> adds (into
    /// <paramref name="biasCounts"/> when given, else <paramref name="counts"/>).
    /// </summary>
    public static Matrix LinearForward(Matrix x, Matrix w, Matrix? bias, ActionCounts counts, ActionCounts? biasCounts = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(counts);
        var y = new Matrix(x.Rows, w.Rows);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int o = 0; o < w.Rows; o++)
            {
                float acc = 0;
                for (int i = 0; i < w.Cols; i++)
                {
                    acc = MathF.FusedMultiplyAdd(x[r, i], w[o, i], acc);
                    counts.Increment(HardwareAction.Fp32MultiplyAdd);
                }

                if (bias is not null)
                {
                    acc += bias[0, o];
                    (biasCounts ?? counts).Increment(HardwareAction.Fp32Add);
                }

                y[r, o] = acc;
            }
        }

        return y;
    }

    /// <summary><c>∂L/∂W = δᵀ·X</c> (out × in): <c>rows·out·in</c> multiply-accumulates.</summary>
    public static Matrix LinearWeightGradient(Matrix delta, Matrix x, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(counts);
        var dw = new Matrix(delta.Cols, x.Cols);
        for (int o = 0; o < delta.Cols; o++)
        {
            for (int i = 0; i < x.Cols; i++)
            {
                float acc = 0;
                for (int r = 0; r < x.Rows; r++)
                {
                    acc = MathF.FusedMultiplyAdd(delta[r, o], x[r, i], acc);
                    counts.Increment(HardwareAction.Fp32MultiplyAdd);
                }

                dw[o, i] = acc;
            }
        }

        return dw;
    }

    /// <summary><c>∂L/∂X = δ·W</c> (rows × in): <c>rows·out·in</c> multiply-accumulates.</summary>
    public static Matrix LinearInputGradient(Matrix delta, Matrix w, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(counts);
        var dx = new Matrix(delta.Rows, w.Cols);
        for (int r = 0; r < delta.Rows; r++)
        {
            for (int i = 0; i < w.Cols; i++)
            {
                float acc = 0;
                for (int o = 0; o < w.Rows; o++)
                {
                    acc = MathF.FusedMultiplyAdd(delta[r, o], w[o, i], acc);
                    counts.Increment(HardwareAction.Fp32MultiplyAdd);
                }

                dx[r, i] = acc;
            }
        }

        return dx;
    }

    /// <summary>
    /// The convolution of <paramref name="shape"/> on NCHW rows: every output element sums <c>C_in·k²</c> taps (padding
    /// taps multiply 0), one multiply-accumulate each, then adds its bias (counted as <see cref="LinearForward"/> does).
    /// </summary>
    public static Matrix ConvForward(Matrix x, ConvShape shape, Matrix w, Matrix? bias, ActionCounts counts, ActionCounts? biasCounts = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(counts);
        Layers.ImageShape o = shape.Output;
        var y = new Matrix(x.Rows, o.Size);
        for (int r = 0; r < x.Rows; r++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int p = 0; p < o.Height * o.Width; p++)
                {
                    float acc = 0;
                    foreach ((int column, int input) in Taps(shape, p))
                    {
                        float v = input < 0 ? 0 : x[r, input];
                        acc = MathF.FusedMultiplyAdd(w[oc, column], v, acc);
                        counts.Increment(HardwareAction.Fp32MultiplyAdd);
                    }

                    if (bias is not null)
                    {
                        acc += bias[0, oc];
                        (biasCounts ?? counts).Increment(HardwareAction.Fp32Add);
                    }

                    y[r, (oc * o.Height * o.Width) + p] = acc;
                }
            }
        }

        return y;
    }

    /// <summary><c>∂L/∂W</c> (C_out × C_in·k²): per sample, output position and weight, one multiply-accumulate.</summary>
    public static Matrix ConvWeightGradient(Matrix delta, Matrix x, ConvShape shape, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(counts);
        Layers.ImageShape o = shape.Output;
        int positions = o.Height * o.Width;
        var dw = new Matrix(o.Channels, shape.Input.Channels * shape.Kernel * shape.Kernel);
        for (int r = 0; r < delta.Rows; r++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int p = 0; p < positions; p++)
                {
                    float d = delta[r, (oc * positions) + p];
                    foreach ((int column, int input) in Taps(shape, p))
                    {
                        float v = input < 0 ? 0 : x[r, input];
                        dw[oc, column] = MathF.FusedMultiplyAdd(d, v, dw[oc, column]);
                        counts.Increment(HardwareAction.Fp32MultiplyAdd);
                    }
                }
            }
        }

        return dw;
    }

    /// <summary>
    /// <c>∂L/∂X</c>: per sample, output element and tap, the product <c>δ·w</c> (one multiply-accumulate), added into
    /// the input element under the tap, or dropped on padding.
    /// </summary>
    public static Matrix ConvInputGradient(Matrix delta, Matrix w, ConvShape shape, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(counts);
        Layers.ImageShape o = shape.Output;
        int positions = o.Height * o.Width;
        var dx = new Matrix(delta.Rows, shape.Input.Size);
        for (int r = 0; r < delta.Rows; r++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int p = 0; p < positions; p++)
                {
                    float d = delta[r, (oc * positions) + p];
                    foreach ((int column, int input) in Taps(shape, p))
                    {
                        float product = d * w[oc, column];
                        counts.Increment(HardwareAction.Fp32MultiplyAdd);
                        if (input >= 0)
                        {
                            dx[r, input] += product;
                        }
                    }
                }
            }
        }

        return dx;
    }

    /// <summary>A bias gradient: the column sums of <paramref name="delta"/> grouped by <paramref name="groups"/> output elements per bias (1 for Linear, <c>H_o·W_o</c> for Conv2d), one add per element.</summary>
    public static Matrix BiasGradient(Matrix delta, int groups, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var db = new Matrix(1, delta.Cols / groups);
        for (int r = 0; r < delta.Rows; r++)
        {
            for (int k = 0; k < delta.Cols; k++)
            {
                db[0, k / groups] += delta[r, k];
                counts.Increment(HardwareAction.Fp32Add);
            }
        }

        return db;
    }

    /// <summary><c>δ = g ⊙ f′</c>: one multiply per element.</summary>
    public static Matrix Derivative(Matrix gradient, Matrix derivative, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        ArgumentNullException.ThrowIfNull(derivative);
        ArgumentNullException.ThrowIfNull(counts);
        var delta = new Matrix(gradient.Rows, gradient.Cols);
        for (int k = 0; k < delta.Length; k++)
        {
            delta.Data[k] = gradient.Data[k] * derivative.Data[k];
            counts.Increment(HardwareAction.Fp32Multiply);
        }

        return delta;
    }

    /// <summary>
    /// SGD with momentum μ (no dampening, no Nesterov): <c>v ← μ·v + g</c>, <c>w ← w − lr·v</c>, two multiply-accumulates
    /// per parameter.
    /// </summary>
    public static void SgdMomentum(Span<float> w, ReadOnlySpan<float> g, Span<float> v, float lr, float momentum, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        for (int k = 0; k < w.Length; k++)
        {
            v[k] = MathF.FusedMultiplyAdd(momentum, v[k], g[k]);
            counts.Increment(HardwareAction.Fp32MultiplyAdd);
            w[k] = MathF.FusedMultiplyAdd(-lr, v[k], w[k]);
            counts.Increment(HardwareAction.Fp32MultiplyAdd);
        }
    }

    /// <summary>
    /// One Adam step per parameter in <see cref="Optim.Adam"/>'s grouping: <c>g ← ∇ + wd·w</c>;
    /// <c>m ← β₁m + (1 − β₁)g</c>; <c>v ← β₂v + (1 − β₂)g²</c>; <c>w ← w − step·m/(√v/√(1 − β₂ᵗ) + eps)</c>.
    /// Ten multiplies (the square root and the two divisions counted as multiplies) and five adds per parameter.
    /// </summary>
    /// <param name="w">Parameters, updated.</param>
    /// <param name="grad">Their gradient.</param>
    /// <param name="m">First moments, updated.</param>
    /// <param name="v">Second moments, updated.</param>
    /// <param name="c">The step's constants, computed once per step (not per parameter).</param>
    /// <param name="counts">The tally.</param>
    public static void Adam(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, AdamConstants c, ActionCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        for (int k = 0; k < w.Length; k++)
        {
            float decay = c.WeightDecay * w[k];
            counts.Increment(HardwareAction.Fp32Multiply);
            float g = grad[k] + decay;
            counts.Increment(HardwareAction.Fp32Add);
            float m1 = c.Beta1 * m[k];
            counts.Increment(HardwareAction.Fp32Multiply);
            float m2 = c.OneMinusBeta1 * g;
            counts.Increment(HardwareAction.Fp32Multiply);
            m[k] = m1 + m2;
            counts.Increment(HardwareAction.Fp32Add);
            float v1 = c.Beta2 * v[k];
            counts.Increment(HardwareAction.Fp32Multiply);
            float g2 = g * g;
            counts.Increment(HardwareAction.Fp32Multiply);
            float v2 = c.OneMinusBeta2 * g2;
            counts.Increment(HardwareAction.Fp32Multiply);
            v[k] = v1 + v2;
            counts.Increment(HardwareAction.Fp32Add);
            float root = MathF.Sqrt(v[k]);
            counts.Increment(HardwareAction.Fp32Multiply);
            float scaled = root / c.BiasCorrection2Sqrt;
            counts.Increment(HardwareAction.Fp32Multiply);
            float denom = scaled + c.Eps;
            counts.Increment(HardwareAction.Fp32Add);
            float ratio = m[k] / denom;
            counts.Increment(HardwareAction.Fp32Multiply);
            float step = c.StepSize * ratio;
            counts.Increment(HardwareAction.Fp32Multiply);
            w[k] -= step;
            counts.Increment(HardwareAction.Fp32Add);
        }
    }

    /// <summary>Adam's per-step constants, as <see cref="Optim.Adam"/> computes them for step t.</summary>
    public readonly record struct AdamConstants(
        float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float WeightDecay, float StepSize, float BiasCorrection2Sqrt, float Eps)
    {
        /// <summary>The constants of step <paramref name="t"/> (1 for the first) with Adam's bias corrections.</summary>
        public static AdamConstants At(int t, double learningRate, double beta1, double beta2, double eps, double weightDecay) => new(
            (float)beta1,
            (float)(1.0 - beta1),
            (float)beta2,
            (float)(1.0 - beta2),
            (float)weightDecay,
            (float)(learningRate / (1.0 - Math.Pow(beta1, t))),
            (float)Math.Sqrt(1.0 - Math.Pow(beta2, t)),
            (float)eps);
    }

    /// <summary>
    /// The taps of output position <paramref name="p"/>: for each weight column <c>(c·k + kh)·k + kw</c>, the input
    /// element under it (NCHW index), or −1 where the tap lies on padding.
    /// </summary>
    private static IEnumerable<(int Column, int Input)> Taps(ConvShape shape, int p)
    {
        Layers.ImageShape input = shape.Input;
        int wo = shape.Output.Width;
        int oh = p / wo, ow = p % wo;
        for (int c = 0; c < input.Channels; c++)
        {
            for (int kh = 0; kh < shape.Kernel; kh++)
            {
                for (int kw = 0; kw < shape.Kernel; kw++)
                {
                    int ih = (oh * shape.Stride) - shape.Padding + kh;
                    int iw = (ow * shape.Stride) - shape.Padding + kw;
                    bool inside = ih >= 0 && ih < input.Height && iw >= 0 && iw < input.Width;
                    yield return (((c * shape.Kernel) + kh) * shape.Kernel + kw, inside ? (((c * input.Height) + ih) * input.Width) + iw : -1);
                }
            }
        }
    }
}
