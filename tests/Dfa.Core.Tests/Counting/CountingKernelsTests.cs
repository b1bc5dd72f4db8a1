using Dfa.Core.Counting;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Networks;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Counting;

/// <summary>
/// The counting reference kernels against the product layers and optimizers on random shapes: the same results (to
/// float rounding), and counts equal to the <see cref="LayerSpec"/>'s MACs per sample times the batch — the numbers
/// the cost model prices.
/// </summary>
public sealed class CountingKernelsTests
{
    private static Matrix Random(int rows, int cols, Rng rng)
    {
        var m = new Matrix(rows, cols);
        for (int k = 0; k < m.Length; k++)
        {
            m.Data[k] = (float)rng.NextGaussian();
        }

        return m;
    }

    /// <summary>Each element within (k + 2) float roundings of the larger of the two magnitudes times k.</summary>
    private static void AssertClose(Matrix expected, Matrix actual, int depth, string what)
    {
        Assert.That((actual.Rows, actual.Cols), Is.EqualTo((expected.Rows, expected.Cols)), what);
        float scale = Math.Max(expected.Data.Select(Math.Abs).DefaultIfEmpty(0).Max(), 1e-30f);
        for (int k = 0; k < expected.Length; k++)
        {
            double bound = 4 * (depth + 2) * Math.Pow(2, -23) * scale * Math.Max(depth, 1);
            Assert.That(actual.Data[k], Is.EqualTo(expected.Data[k]).Within(bound), $"{what}: element {k}");
        }
    }

    [Test]
    public void Linear_ComputesTheLayersProducts_AndCountsTheSpecsMacs()
    {
        var rng = new Rng(21);
        for (int t = 0; t < 12; t++)
        {
            int inputs = 1 + rng.NextInt(70), outputs = 1 + rng.NextInt(40), batch = 1 + rng.NextInt(9);
            var layer = new Linear(inputs, outputs, rng);
            LayerSpec spec = LayerSpec.Linear("fc", inputs, outputs);
            Matrix x = Random(batch, inputs, rng);
            Matrix y = layer.Forward(x, training: true).Clone();
            var forward = new ActionCounts();
            AssertClose(y, CountingKernels.LinearForward(x, layer.Weight.Value, layer.Bias!.Value, forward), inputs, $"forward {inputs}→{outputs}");
            Assert.That(forward[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.ForwardMacs));
            Assert.That(forward[HardwareAction.Fp32Add], Is.EqualTo(batch * outputs), "bias adds");

            Matrix g = Random(batch, outputs, rng);
            Matrix dx = layer.Backward(g, needInputGradient: true)!.Clone();
            var weights = new ActionCounts();
            var input = new ActionCounts();
            AssertClose(layer.Weight.Gradient, CountingKernels.LinearWeightGradient(g, x, weights), batch, "weight gradient");
            AssertClose(dx, CountingKernels.LinearInputGradient(g, layer.Weight.Value, input), outputs, "input gradient");
            Assert.That(weights[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.WeightGradientMacs));
            Assert.That(input[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.InputGradientMacs));
            var bias = new ActionCounts();
            AssertClose(layer.Bias.Gradient, CountingKernels.BiasGradient(g, 1, bias), batch, "bias gradient");
        }
    }

    [Test]
    public void Conv2d_ComputesTheLayersProducts_AndCountsTheSpecsMacs_PaddingTapsIncluded()
    {
        var rng = new Rng(22);
        int tried = 0;
        while (tried < 12)
        {
            int c = 1 + rng.NextInt(3), oc = 1 + rng.NextInt(4), h = 3 + rng.NextInt(7), w = 3 + rng.NextInt(7);
            int k = 1 + rng.NextInt(3), stride = 1 + rng.NextInt(2), padding = rng.NextInt(3), batch = 1 + rng.NextInt(4);
            if (k > h + (2 * padding) || k > w + (2 * padding))
            {
                continue;
            }

            tried++;
            var layer = new Conv2d(c, oc, h, w, k, rng, stride, padding);
            var shape = new ConvShape(new ImageShape(c, h, w), oc, k, stride, padding);
            LayerSpec spec = LayerSpec.Convolution("conv", shape);
            string what = $"conv {c}×{h}×{w} → {oc}, k{k} s{stride} p{padding}, batch {batch}";
            Matrix x = Random(batch, c * h * w, rng);
            Matrix y = layer.Forward(x, training: true).Clone();
            var forward = new ActionCounts();
            AssertClose(y, CountingKernels.ConvForward(x, shape, layer.Weight.Value, layer.Bias!.Value, forward), c * k * k, what + ": forward");
            Assert.That(forward[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.ForwardMacs), what);

            Matrix g = Random(batch, shape.Output.Size, rng);
            Matrix dx = layer.Backward(g, needInputGradient: true)!.Clone();
            var weights = new ActionCounts();
            var input = new ActionCounts();
            int positions = shape.Output.Height * shape.Output.Width;
            AssertClose(layer.Weight.Gradient, CountingKernels.ConvWeightGradient(g, x, shape, weights), batch * positions, what + ": weight gradient");
            AssertClose(dx, CountingKernels.ConvInputGradient(g, layer.Weight.Value, shape, input), oc * k * k, what + ": input gradient");
            AssertClose(layer.Bias.Gradient, CountingKernels.BiasGradient(g, positions, new ActionCounts()), batch * positions, what + ": bias gradient");
            Assert.That(weights[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.WeightGradientMacs), what);
            Assert.That(input[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * spec.InputGradientMacs), what);
        }
    }

    [Test]
    public void Derivative_IsTheActivationsBackward_OneMultiplyPerElement()
    {
        var rng = new Rng(23);
        var layer = new Tanh(37);
        Matrix x = Random(5, 37, rng);
        layer.Forward(x, training: true);
        Matrix ones = new(5, 37);
        ones.Span.Fill(1f);
        Matrix derivative = layer.Backward(ones, needInputGradient: true)!.Clone();
        Matrix g = Random(5, 37, rng);
        Matrix expected = layer.Backward(g, needInputGradient: true)!.Clone();
        var counts = new ActionCounts();
        AssertClose(expected, CountingKernels.Derivative(g, derivative, counts), 1, "tanh backward");
        Assert.That(counts[HardwareAction.Fp32Multiply], Is.EqualTo(5 * 37));
    }

    [Test]
    public void Adam_IsTheOptimizersUpdate_TenMultipliesAndFiveAddsPerParameter()
    {
        var rng = new Rng(24);
        var p = new Parameter("w", Random(7, 13, rng), isWeight: true);
        float[] w0 = p.Value.Data.ToArray();
        var adam = new Adam([p], learningRate: 1e-2, weightDecay: 1e-3);
        var m = new float[p.Value.Length];
        var v = new float[p.Value.Length];
        float[] w = w0.ToArray();
        var counts = new ActionCounts();
        for (int t = 1; t <= 3; t++)
        {
            Random(7, 13, rng).Span.CopyTo(p.Gradient.Span);
            adam.Step(StepKind.Standard);
            CountingKernels.Adam(w, p.Gradient.Span, m, v, CountingKernels.AdamConstants.At(t, 1e-2, 0.9, 0.999, 1e-8, 1e-3), counts);
            Assert.That(w, Is.EqualTo(p.Value.Data).AsCollection, $"step {t}: the same float operations in the same grouping");
        }

        Assert.That(counts[HardwareAction.Fp32Multiply], Is.EqualTo(3 * 10 * 91));
        Assert.That(counts[HardwareAction.Fp32Add], Is.EqualTo(3 * 5 * 91));
    }

    [Test]
    public void SgdMomentum_IsTheOptimizersUpdate_TwoMultiplyAddsPerParameter()
    {
        var rng = new Rng(25);
        var p = new Parameter("w", Random(4, 9, rng), isWeight: true);
        float[] w = p.Value.Data.ToArray();
        var sgd = new Sgd([p], learningRate: 0.05, momentum: 0.9);
        var v = new float[w.Length];
        var counts = new ActionCounts();
        for (int t = 0; t < 3; t++)
        {
            Random(4, 9, rng).Span.CopyTo(p.Gradient.Span);
            sgd.Step(StepKind.Standard);
            CountingKernels.SgdMomentum(w, p.Gradient.Span, v, 0.05f, 0.9f, counts);
            for (int k = 0; k < w.Length; k++)
            {
                Assert.That(w[k], Is.EqualTo(p.Value.Data[k]).Within(1e-5), $"step {t}, parameter {k}");
            }
        }

        Assert.That(counts[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(3 * 2 * 36));
    }
}
