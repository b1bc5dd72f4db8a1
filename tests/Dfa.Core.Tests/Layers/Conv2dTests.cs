using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class Conv2dTests
{
    /// <summary>
    /// Unit roundoff of float32 doubled (2⁻²³): a float32 sum of n terms, each step rounded once (an FMA rounds the
    /// product and the sum together), is within <c>n·2⁻²⁴·Σ|terms|</c> of the exact sum; the double reference is
    /// exact to far below that (a product of two floats is exact in double). Using 2⁻²³ leaves a factor of two.
    /// </summary>
    private const double Epsilon = 1.0 / (1 << 23);

    public sealed record Shape(int InChannels, int OutChannels, int Height, int Width, int Kernel, int Stride, int Padding, int Batch)
    {
        public override string ToString() =>
            $"{InChannels}→{OutChannels} {Height}×{Width} k{Kernel} s{Stride} p{Padding} n{Batch}";
    }

    public static IEnumerable<Shape> Shapes =>
    [
        new(1, 4, 7, 9, 3, 1, 1, 7),
        new(3, 5, 8, 8, 3, 2, 1, 1),
        new(3, 2, 9, 7, 5, 2, 2, 7),
        new(1, 3, 5, 6, 1, 1, 0, 7),
        new(3, 4, 6, 5, 1, 2, 0, 1),
        new(1, 6, 11, 13, 5, 1, 2, 7),
        new(3, 3, 4, 3, 5, 1, 2, 7),
        new(2, 1, 7, 7, 3, 3, 0, 3),
        new(3, 4, 5, 7, 3, 2, 1, 17),
        new(1, 2, 2, 2, 5, 2, 2, 1),
    ];

    /// <summary>Direct convolution in double, and for every output Σ|terms| (bias included) for its error bound.</summary>
    private static (double[] Y, double[] Magnitude) ReferenceForward(Conv2d layer, Matrix x)
    {
        ImageShape o = layer.OutputShape;
        double[] y = new double[x.Rows * o.Size];
        double[] magnitude = new double[y.Length];
        for (int n = 0; n < x.Rows; n++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int oh = 0; oh < o.Height; oh++)
                {
                    for (int ow = 0; ow < o.Width; ow++)
                    {
                        double b = layer.Bias is null ? 0 : layer.Bias.Value[0, oc];
                        double sum = b;
                        double abs = Math.Abs(b);
                        foreach ((int column, int input) in Taps(layer, oh, ow))
                        {
                            double term = (double)layer.Weight.Value[oc, column] * x[n, input];
                            sum += term;
                            abs += Math.Abs(term);
                        }

                        int at = (n * o.Size) + (((oc * o.Height) + oh) * o.Width) + ow;
                        y[at] = sum;
                        magnitude[at] = abs;
                    }
                }
            }
        }

        return (y, magnitude);
    }

    /// <summary>The (weight column, input column) pairs that output position (oh, ow) reads, padding taps left out.</summary>
    private static IEnumerable<(int Column, int Input)> Taps(Conv2d layer, int oh, int ow)
    {
        ImageShape i = layer.InputShape;
        int k = layer.Kernel;
        for (int c = 0; c < i.Channels; c++)
        {
            for (int ki = 0; ki < k; ki++)
            {
                for (int kj = 0; kj < k; kj++)
                {
                    int ih = (oh * layer.Stride) - layer.Padding + ki;
                    int iw = (ow * layer.Stride) - layer.Padding + kj;
                    if (ih >= 0 && ih < i.Height && iw >= 0 && iw < i.Width)
                    {
                        yield return ((((c * k) + ki) * k) + kj, (((c * i.Height) + ih) * i.Width) + iw);
                    }
                }
            }
        }
    }

    private static void AssertWithin(ReadOnlySpan<float> actual, double[] expected, double[] magnitude, double roundings, string what)
    {
        Assert.That(actual.Length, Is.EqualTo(expected.Length), $"{what}: length");
        for (int j = 0; j < expected.Length; j++)
        {
            double allowed = (roundings * Epsilon * magnitude[j]) + 1e-30;
            Assert.That(actual[j], Is.EqualTo(expected[j]).Within(allowed), $"{what}[{j}]");
        }
    }

    private static Conv2d Build(Shape s, ulong seed, int threads = 1, bool bias = true) =>
        new(s.InChannels, s.OutChannels, s.Height, s.Width, s.Kernel, new Rng(seed), s.Stride, s.Padding, threads, bias);

    [TestCaseSource(nameof(Shapes))]
    public void Forward_MatchesDirectConvolution(Shape shape)
    {
        Conv2d layer = Build(shape, 1);
        Matrix x = GradientCheck.Gaussian(shape.Batch, layer.InputSize, new Rng(2));
        Matrix y = layer.Forward(x, training: true);
        Assert.That(layer.OutputShape.Height, Is.EqualTo(((shape.Height + (2 * shape.Padding) - shape.Kernel) / shape.Stride) + 1));
        Assert.That((y.Rows, y.Cols), Is.EqualTo((shape.Batch, layer.OutputSize)));
        (double[] expected, double[] magnitude) = ReferenceForward(layer, x);

        // Each output is the bias plus inC·k·k products, each step rounded once.
        AssertWithin(y.Span, expected, magnitude, (shape.InChannels * shape.Kernel * shape.Kernel) + 1, "y");
    }

    [Test]
    public void Forward_WithoutBias_MatchesDirectConvolution()
    {
        var shape = new Shape(3, 4, 9, 8, 3, 2, 1, 7);
        Conv2d layer = Build(shape, 21, bias: false);
        Assert.That(layer.Bias, Is.Null);
        Matrix x = GradientCheck.Gaussian(shape.Batch, layer.InputSize, new Rng(22));

        // NaNs in the output buffer from an earlier batch must not leak in: without bias the product overwrites.
        layer.Forward(x, training: true).Span.Fill(float.NaN);
        Matrix y = layer.Forward(x, training: true);
        (double[] expected, double[] magnitude) = ReferenceForward(layer, x);
        AssertWithin(y.Span, expected, magnitude, shape.InChannels * shape.Kernel * shape.Kernel, "y");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Backward_MatchesDirectConvolutionAdjoint(Shape shape)
    {
        Conv2d layer = Build(shape, 3);
        Matrix x = GradientCheck.Gaussian(shape.Batch, layer.InputSize, new Rng(4));
        Matrix g = GradientCheck.Gaussian(shape.Batch, layer.OutputSize, new Rng(5));
        layer.Forward(x, training: true);
        Matrix dx = layer.Backward(g, needInputGradient: true)!;

        ImageShape o = layer.OutputShape;
        int columns = layer.Weight.Value.Cols;
        double[] dw = new double[o.Channels * columns];
        double[] dwAbs = new double[dw.Length];
        double[] db = new double[o.Channels];
        double[] dbAbs = new double[db.Length];
        double[] dxExpected = new double[x.Length];
        double[] dxAbs = new double[x.Length];
        for (int n = 0; n < shape.Batch; n++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int oh = 0; oh < o.Height; oh++)
                {
                    for (int ow = 0; ow < o.Width; ow++)
                    {
                        double delta = g[n, (((oc * o.Height) + oh) * o.Width) + ow];
                        db[oc] += delta;
                        dbAbs[oc] += Math.Abs(delta);
                        foreach ((int column, int input) in Taps(layer, oh, ow))
                        {
                            double w = delta * x[n, input];
                            dw[(oc * columns) + column] += w;
                            dwAbs[(oc * columns) + column] += Math.Abs(w);
                            double d = delta * layer.Weight.Value[oc, column];
                            dxExpected[(n * layer.InputSize) + input] += d;
                            dxAbs[(n * layer.InputSize) + input] += Math.Abs(d);
                        }
                    }
                }
            }
        }

        // ∂W and ∂b: N·Ho·Wo terms per element, plus one rounding per sample (adding its product onto the group's
        // partial) and one per group (adding the partials). ∂X: outC products per column entry (plus the α·sum
        // store), then up to k·k column entries added per input element.
        int positions = o.Height * o.Width;
        int groups = (shape.Batch + Conv2d.SamplesPerGroup - 1) / Conv2d.SamplesPerGroup;
        double parameterRoundings = (shape.Batch * (positions + 1)) + groups;
        AssertWithin(layer.Weight.Gradient.Span, dw, dwAbs, parameterRoundings, "dW");
        AssertWithin(layer.Bias!.Gradient.Span, db, dbAbs, parameterRoundings, "db");
        AssertWithin(dx.Span, dxExpected, dxAbs, o.Channels + (shape.Kernel * shape.Kernel) + 1, "dX");
    }

    [TestCaseSource(nameof(Shapes))]
    public void Backward_ThroughAnotherKernel_IsItsTransposedConvolution_WithBpsParameterGradients(Shape shape)
    {
        // Feedback alignment through a convolution: dX = col2im(Bᵀ·δ) with a fixed kernel B in place of W, checked against
        // a direct double-precision transposed convolution with B; ∂W and ∂b stay the true ones, bit for bit.
        Conv2d layer = Build(shape, 3);
        Conv2d twin = Build(shape, 3);
        Matrix b = GradientCheck.Gaussian(layer.Weight.Value.Rows, layer.Weight.Value.Cols, new Rng(9));
        Matrix x = GradientCheck.Gaussian(shape.Batch, layer.InputSize, new Rng(4));
        Matrix g = GradientCheck.Gaussian(shape.Batch, layer.OutputSize, new Rng(5));
        layer.Forward(x, training: true);
        twin.Forward(x, training: true);
        Matrix dx = layer.Backward(g, needInputGradient: true, b)!;
        twin.Backward(g, needInputGradient: true);

        ImageShape o = layer.OutputShape;
        double[] expected = new double[x.Length];
        double[] magnitude = new double[x.Length];
        for (int n = 0; n < shape.Batch; n++)
        {
            for (int oc = 0; oc < o.Channels; oc++)
            {
                for (int oh = 0; oh < o.Height; oh++)
                {
                    for (int ow = 0; ow < o.Width; ow++)
                    {
                        double delta = g[n, (((oc * o.Height) + oh) * o.Width) + ow];
                        foreach ((int column, int input) in Taps(layer, oh, ow))
                        {
                            double d = delta * b[oc, column];
                            expected[(n * layer.InputSize) + input] += d;
                            magnitude[(n * layer.InputSize) + input] += Math.Abs(d);
                        }
                    }
                }
            }
        }

        AssertWithin(dx.Span, expected, magnitude, o.Channels + (shape.Kernel * shape.Kernel) + 1, "dX through B");
        Assert.That(layer.Weight.Gradient.Data, Is.EqualTo(twin.Weight.Gradient.Data), "dW");
        Assert.That(layer.Bias!.Gradient.Data, Is.EqualTo(twin.Bias!.Gradient.Data), "db");
        Assert.That(() => layer.Backward(g, true, new Matrix(1, 1)), Throws.ArgumentException.With.Message.Contains("kernel"));
    }

    [TestCase(1, 2, 5, 5, 3, 1, 1, true)]
    [TestCase(2, 3, 6, 5, 3, 2, 1, false)]
    [TestCase(1, 2, 4, 4, 1, 1, 0, true)]
    [TestCase(2, 2, 5, 4, 5, 2, 2, true)]
    public void Backward_MatchesFiniteDifferences(int inC, int outC, int h, int w, int k, int stride, int padding, bool bias)
    {
        var layer = new Conv2d(inC, outC, h, w, k, new Rng(6), stride, padding, bias: bias);
        Assert.That(layer.Parameters, Has.Count.EqualTo(bias ? 2 : 1));
        GradientCheck.CheckLayer(layer, GradientCheck.Gaussian(3, layer.InputSize, new Rng(7)), seed: 8);
    }

    [TestCaseSource(nameof(Shapes))]
    public void Backward_WithoutInputGradient_ReturnsNullAndSameParameterGradients(Shape shape)
    {
        Matrix x = GradientCheck.Gaussian(shape.Batch, Build(shape, 9).InputSize, new Rng(10));
        Conv2d full = Build(shape, 9);
        Matrix g = GradientCheck.Gaussian(shape.Batch, full.OutputSize, new Rng(11));
        full.Forward(x, true);
        full.Backward(g, needInputGradient: true);

        Conv2d partial = Build(shape, 9);
        partial.Weight.Gradient.Span.Fill(float.NaN);
        partial.Bias!.Gradient.Span.Fill(float.NaN);
        partial.Forward(x, true);
        Assert.That(partial.Backward(g, needInputGradient: false), Is.Null);
        Assert.That(partial.Weight.Gradient.Data, Is.EqualTo(full.Weight.Gradient.Data));
        Assert.That(partial.Bias.Gradient.Data, Is.EqualTo(full.Bias!.Gradient.Data));
    }

    /// <summary>
    /// Large enough that work is split: 20 samples over up to 3 tasks, and a single large sample whose GEMMs split
    /// internally instead.
    /// </summary>
    [TestCase(3, 16, 20, 20, 5, 1, 2, 20)]
    [TestCase(8, 32, 32, 32, 3, 1, 1, 1)]
    [TestCase(4, 8, 15, 17, 3, 2, 1, 19)]
    public void Threads_GiveTheSameBits(int inC, int outC, int h, int w, int k, int stride, int padding, int batch)
    {
        var shape = new Shape(inC, outC, h, w, k, stride, padding, batch);
        Matrix x = GradientCheck.Gaussian(batch, inC * h * w, new Rng(12));
        float[][]? reference = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            Conv2d layer = Build(shape, 13, threads);
            Matrix g = GradientCheck.Gaussian(batch, layer.OutputSize, new Rng(14));
            float[] y = layer.Forward(x, true).Data.ToArray();
            float[] dx = layer.Backward(g, true)!.Data.ToArray();
            float[][] results = [y, dx, layer.Weight.Gradient.Data.ToArray(), layer.Bias!.Gradient.Data.ToArray()];
            if (reference is null)
            {
                reference = results;
                continue;
            }

            for (int r = 0; r < results.Length; r++)
            {
                Assert.That(results[r], Is.EqualTo(reference[r]), $"{threads} threads, result {r} (y, dX, dW, db)");
            }
        }
    }

    [Test]
    public void Backward_OverwritesGradients_AndFollowsBatchSizeChanges()
    {
        var shape = new Shape(2, 3, 6, 6, 3, 1, 1, 12);
        Conv2d layer = Build(shape, 15);
        layer.Forward(GradientCheck.Gaussian(12, layer.InputSize, new Rng(16)), true);
        layer.Backward(GradientCheck.Gaussian(12, layer.OutputSize, new Rng(17)), true);

        // A smaller last batch: same results as a fresh layer that only ever saw it.
        Matrix x = GradientCheck.Gaussian(3, layer.InputSize, new Rng(18));
        Matrix g = GradientCheck.Gaussian(3, layer.OutputSize, new Rng(19));
        Matrix y = layer.Forward(x, true);
        Matrix dx = layer.Backward(g, true)!;
        Conv2d fresh = Build(shape, 15);
        Assert.That(y.Data, Is.EqualTo(fresh.Forward(x, true).Data));
        Assert.That(dx.Data, Is.EqualTo(fresh.Backward(g, true)!.Data));
        Assert.That(layer.Weight.Gradient.Data, Is.EqualTo(fresh.Weight.Gradient.Data));
        Assert.That(layer.Bias!.Gradient.Data, Is.EqualTo(fresh.Bias!.Gradient.Data));
    }

    [Test]
    public void Init_FollowsPyTorchBoundsAndSeed()
    {
        var layer = new Conv2d(8, 64, 14, 14, 5, new Rng(20), padding: 2);
        double bound = 1 / Math.Sqrt(8 * 5 * 5);
        float[] w = layer.Weight.Value.Data;
        float[] b = layer.Bias!.Value.Data;
        Assert.That(w.Concat(b).All(v => Math.Abs(v) <= bound), Is.True);

        // U(−c, c) has variance c²/3; 12800 draws pin it within a few percent.
        double variance = w.Select(v => (double)v * v).Average();
        Assert.That(variance, Is.EqualTo(bound * bound / 3).Within(5).Percent);
        var again = new Conv2d(8, 64, 14, 14, 5, new Rng(20), padding: 2);
        Assert.That(again.Weight.Value.Data, Is.EqualTo(w));
        Assert.That(again.Bias!.Value.Data, Is.EqualTo(b));
        Assert.That((layer.Weight.Value.Rows, layer.Weight.Value.Cols), Is.EqualTo((64, 200)));
        Assert.That((layer.Bias.Value.Rows, layer.Bias.Value.Cols), Is.EqualTo((1, 64)));
        Assert.That((layer.Weight.Name, layer.Bias.Name, layer.Weight.IsWeight, layer.Bias.IsWeight), Is.EqualTo(("weight", "bias", true, false)));
        Assert.That(new Conv2d(8, 64, 14, 14, 5, new Rng(20), bias: false).Parameters, Has.Count.EqualTo(1));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        var rng = new Rng(1);
        Assert.That(() => new Conv2d(0, 3, 5, 5, 3, rng), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("inChannels"));
        Assert.That(() => new Conv2d(1, 0, 5, 5, 3, rng), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("outChannels"));
        Assert.That(() => new Conv2d(1, 2, 0, 5, 3, rng), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("height"));
        Assert.That(() => new Conv2d(1, 2, 5, -1, 3, rng), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("width"));
        Assert.That(() => new Conv2d(1, 2, 5, 5, 0, rng), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("kernel"));
        Assert.That(() => new Conv2d(1, 2, 5, 5, 3, rng, stride: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("stride"));
        Assert.That(() => new Conv2d(1, 2, 5, 5, 3, rng, padding: -1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("padding"));
        Assert.That(() => new Conv2d(1, 2, 5, 5, 3, rng, threads: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("threads"));
        Assert.That(() => new Conv2d(1, 2, 5, 5, 3, null!), Throws.ArgumentNullException);
        Assert.That(
            () => new Conv2d(1, 2, 4, 9, 7, rng, padding: 1),
            Throws.ArgumentException.With.Message.Contains("kernel of 7 does not fit the input height 4 with padding 1"));
        Assert.That(
            () => new Conv2d(1, 2, 9, 2, 5, rng),
            Throws.ArgumentException.With.Message.Contains("input width 2"));

        var layer = new Conv2d(2, 3, 4, 4, 3, rng);
        Assert.That(() => layer.Backward(new Matrix(1, layer.OutputSize), true), Throws.InvalidOperationException);
        Assert.That(() => layer.Forward(new Matrix(2, 16), true), Throws.ArgumentException.With.Message.Contains("32 columns"));
        layer.Forward(new Matrix(2, 32), true);
        Assert.That(() => layer.Backward(new Matrix(2, 32), true), Throws.ArgumentException.With.Message.Contains("2×12"));
    }
}
