using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class PoolingTests
{
    /// <summary>
    /// (channels, height, width, kernel, stride): tiling, overlapping (s &lt; k), gapped (s &gt; k) and ragged (odd
    /// sizes) windows; output rows of 8, 10 and 17 take max-pooling's vector path, whole and with an overlapping tail.
    /// </summary>
    public static IEnumerable<int[]> Windows =>
    [
        [2, 6, 21, 2, 2],
        [1, 5, 19, 3, 1],
        [2, 8, 16, 2, 2],
        [1, 4, 4, 2, 2],
        [3, 7, 5, 2, 2],
        [2, 7, 9, 3, 2],
        [2, 6, 5, 3, 1],
        [1, 9, 8, 2, 3],
        [3, 5, 5, 5, 5],
        [2, 14, 14, 2, 2],
        [1, 4, 9, 2, 2],
        [2, 28, 28, 2, 2],
        [1, 6, 23, 2, 2],
        [1, 7, 9, 2, 2],
    ];

    /// <summary>Scalar reference: each window scanned row-major, visiting (output column, input column) pairs.</summary>
    private static IEnumerable<(int Output, int Input)> WindowTaps(ImageShape i, ImageShape o, int kernel, int stride)
    {
        for (int c = 0; c < i.Channels; c++)
        {
            for (int oh = 0; oh < o.Height; oh++)
            {
                for (int ow = 0; ow < o.Width; ow++)
                {
                    for (int ki = 0; ki < kernel; ki++)
                    {
                        for (int kj = 0; kj < kernel; kj++)
                        {
                            int output = (((c * o.Height) + oh) * o.Width) + ow;
                            int input = (((c * i.Height) + (oh * stride) + ki) * i.Width) + (ow * stride) + kj;
                            yield return (output, input);
                        }
                    }
                }
            }
        }
    }

    /// <summary>Distinct values at least 0.05 apart in random order, so finite-difference steps of 1e-2 never swap a maximum.</summary>
    private static Matrix Distinct(int rows, int cols, Rng rng)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++)
        {
            m.Data[i] = (i - (m.Length / 2)) * 0.05f;
        }

        for (int i = m.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (m.Data[i], m.Data[j]) = (m.Data[j], m.Data[i]);
        }

        return m;
    }

    [TestCaseSource(nameof(Windows))]
    public void MaxPool_MatchesScalarLoop_AndRoutesGradientToArgmax(int[] window)
    {
        var layer = new MaxPool2d(window[0], window[1], window[2], window[3], window[4]);
        Assert.That(layer.OutputShape.Height, Is.EqualTo(((window[1] - window[3]) / window[4]) + 1));

        // Values on a coarse grid (multiples of 1/4 in [−2, 2]) make ties common; a few NaNs (one with a payload and
        // the sign bit), ±∞ and ±0 as well.
        var rng = new Rng(1);
        var x = new Matrix(5, layer.InputSize);
        float[] specials = [float.NaN, BitConverter.Int32BitsToSingle(unchecked((int)0xFFC0_1234)), float.NegativeInfinity, float.PositiveInfinity, -0f, 0f];
        for (int i = 0; i < x.Length; i++)
        {
            int draw = rng.NextInt(40);
            x.Data[i] = draw < specials.Length ? specials[draw] : (rng.NextInt(17) - 8) / 4f;
        }

        Matrix g = GradientCheck.Gaussian(5, layer.OutputSize, new Rng(2));
        Matrix y = layer.Forward(x, true);
        Matrix dx = layer.Backward(g, true)!;

        var expectedY = new float[y.Length];
        var expectedArg = new int[y.Length];
        var expectedDx = new float[dx.Length];
        for (int n = 0; n < x.Rows; n++)
        {
            int rowOut = n * layer.OutputSize;
            var best = new Dictionary<int, int>();
            foreach ((int output, int input) in WindowTaps(layer.InputShape, layer.OutputShape, layer.Kernel, layer.Stride))
            {
                // PyTorch's rule in row-major window order: replace on strictly greater or NaN, so the first maximum
                // wins ties and the last NaN wins over everything.
                if (!best.TryGetValue(output, out int current) || x[n, input] > x[n, current] || float.IsNaN(x[n, input]))
                {
                    best[output] = input;
                }
            }

            foreach ((int output, int input) in best.OrderBy(p => p.Key))
            {
                expectedY[rowOut + output] = x[n, input];
                expectedArg[rowOut + output] = input;
                expectedDx[(n * layer.InputSize) + input] += g[n, output];
            }
        }

        Assert.That(y.Data.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(expectedY.Select(BitConverter.SingleToInt32Bits)), "bits of y");
        Assert.That(layer.ArgMax.ToArray(), Is.EqualTo(expectedArg));
        Assert.That(dx.Data, Is.EqualTo(expectedDx));
    }

    [Test]
    public void MaxPool_Ties_GoToTheFirstMaximumInRowMajorOrder()
    {
        // One 1×3×3 image, k = 2, s = 1: overlapping windows, a tie in every window.
        var layer = new MaxPool2d(1, 3, 3, 2, 1);
        var x = new Matrix(1, 9, [
            5, 5, 1,
            5, 5, 5,
            0, 7, 7,
        ]);
        Matrix y = layer.Forward(x, true);
        Assert.That(y.Data, Is.EqualTo(new float[] { 5, 5, 7, 7 }));
        Assert.That(layer.ArgMax.ToArray(), Is.EqualTo(new[] { 0, 1, 7, 7 }));

        // Windows 2 and 3 share the winner at (2, 1): its gradient is their sum.
        Matrix dx = layer.Backward(new Matrix(1, 4, [1, 2, 4, 8]), true)!;
        Assert.That(dx.Data, Is.EqualTo(new float[] { 1, 2, 0, 0, 0, 0, 0, 12, 0 }));
    }

    [Test]
    public void MaxPool_PropagatesNaN_AndAllNegativeInfinityPicksTheFirst()
    {
        var layer = new MaxPool2d(1, 2, 4, 2);
        var x = new Matrix(1, 8, [
            1, float.NaN, float.NegativeInfinity, float.NegativeInfinity,
            3, 2, float.NegativeInfinity, float.NegativeInfinity,
        ]);
        Matrix y = layer.Forward(x, true);
        Assert.That(float.IsNaN(y[0, 0]), Is.True);
        Assert.That(y[0, 1], Is.EqualTo(float.NegativeInfinity));
        Assert.That(layer.ArgMax.ToArray(), Is.EqualTo(new[] { 1, 2 }));
    }

    [TestCaseSource(nameof(Windows))]
    public void MaxPool_MatchesFiniteDifferences(int[] window)
    {
        var layer = new MaxPool2d(window[0], window[1], window[2], window[3], window[4]);
        GradientCheck.CheckLayer(layer, Distinct(3, layer.InputSize, new Rng(3)), seed: 4);
    }

    [Test]
    public void AvgPool_GivesExactValues()
    {
        var layer = new AvgPool2d(1, 4, 4, 2);
        var x = new Matrix(1, 16, [.. Enumerable.Range(1, 16).Select(v => (float)v)]);
        Assert.That(layer.Forward(x, true).Data, Is.EqualTo(new float[] { 3.5f, 5.5f, 11.5f, 13.5f }));
        Matrix dx = layer.Backward(new Matrix(1, 4, [4, 8, -2, 1]), true)!;
        Assert.That(dx.Data, Is.EqualTo(new float[] { 1, 1, 2, 2, 1, 1, 2, 2, -0.5f, -0.5f, 0.25f, 0.25f, -0.5f, -0.5f, 0.25f, 0.25f }));
    }

    [TestCaseSource(nameof(Windows))]
    public void AvgPool_MatchesScalarLoop(int[] window)
    {
        var layer = new AvgPool2d(window[0], window[1], window[2], window[3], window[4]);
        Matrix x = GradientCheck.Gaussian(4, layer.InputSize, new Rng(5));
        Matrix g = GradientCheck.Gaussian(4, layer.OutputSize, new Rng(6));
        Matrix y = layer.Forward(x, true);
        Matrix dx = layer.Backward(g, true)!;

        // The same float32 operations in the same order (row-major window sum, then ÷k²), so the bits must agree.
        float area = layer.Kernel * layer.Kernel;
        var sums = new float[y.Length];
        var expectedDx = new float[dx.Length];
        for (int n = 0; n < x.Rows; n++)
        {
            foreach ((int output, int input) in WindowTaps(layer.InputShape, layer.OutputShape, layer.Kernel, layer.Stride))
            {
                sums[(n * layer.OutputSize) + output] += x[n, input];
                expectedDx[(n * layer.InputSize) + input] += g[n, output] / area;
            }
        }

        Assert.That(y.Data, Is.EqualTo(sums.Select(s => s / area).ToArray()));
        Assert.That(dx.Data, Is.EqualTo(expectedDx));
    }

    [TestCaseSource(nameof(Windows))]
    public void AvgPool_MatchesFiniteDifferences(int[] window)
    {
        var layer = new AvgPool2d(window[0], window[1], window[2], window[3], window[4]);
        GradientCheck.CheckLayer(layer, GradientCheck.Gaussian(3, layer.InputSize, new Rng(7)), seed: 8);
    }

    [Test]
    public void Pools_WithoutInputGradient_ReturnNull()
    {
        ILayer[] layers = [new MaxPool2d(2, 4, 4, 2), new AvgPool2d(2, 4, 4, 2), new Flatten(new ImageShape(2, 4, 4))];
        foreach (ILayer layer in layers)
        {
            Matrix y = layer.Forward(GradientCheck.Gaussian(3, layer.InputSize, new Rng(9)), true);
            Assert.That(layer.Backward(new Matrix(y.Rows, y.Cols), needInputGradient: false), Is.Null, layer.Kind);
            Assert.That(layer.Parameters, Is.Empty, layer.Kind);
        }
    }

    [Test]
    public void Flatten_IsACopyingIdentity()
    {
        var layer = new Flatten(new ImageShape(3, 2, 5));
        Matrix x = GradientCheck.Gaussian(4, 30, new Rng(10));
        Matrix y = layer.Forward(x, true);
        Assert.That(y, Is.Not.SameAs(x));
        Assert.That(y.Data, Is.EqualTo(x.Data));
        Matrix g = GradientCheck.Gaussian(4, 30, new Rng(11));
        Matrix dx = layer.Backward(g, true)!;
        Assert.That(dx, Is.Not.SameAs(g));
        Assert.That(dx.Data, Is.EqualTo(g.Data));
        Assert.That((layer.Kind, layer.InputSize, layer.OutputSize, layer.ToString()), Is.EqualTo(("flatten", 30, 30, "flatten 3×2×5→30")));
    }

    [Test]
    public void Shapes_ChainLikeTheMnistCnn()
    {
        var conv1 = new Conv2d(1, 32, 28, 28, 5, new Rng(21), padding: 2);
        var pool1 = new MaxPool2d(32, 28, 28, 2);
        var conv2 = new Conv2d(32, 64, 14, 14, 5, new Rng(22), padding: 2);
        var pool2 = new MaxPool2d(64, 14, 14, 2);
        var flatten = new Flatten(pool2.OutputShape);
        Assert.That(conv1.OutputShape, Is.EqualTo(new ImageShape(32, 28, 28)));
        Assert.That(pool1.InputShape, Is.EqualTo(conv1.OutputShape));
        Assert.That(conv2.InputShape, Is.EqualTo(pool1.OutputShape));
        Assert.That(pool2.InputShape, Is.EqualTo(conv2.OutputShape));
        Assert.That((pool2.OutputShape.ToString(), flatten.OutputSize), Is.EqualTo(("64×7×7", 3136)));
        Assert.That(conv1.Kind, Is.EqualTo("conv2d"));
        Assert.That(conv2.ToString(), Is.EqualTo("conv2d 32×14×14→64×14×14 k5 s1 p2"));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        Assert.That(() => new MaxPool2d(1, 4, 4, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("kernel"));
        Assert.That(() => new MaxPool2d(1, 4, 4, 2, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("stride"));
        Assert.That(() => new AvgPool2d(0, 4, 4, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("channels"));
        Assert.That(() => new AvgPool2d(1, 4, -4, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("width"));
        Assert.That(
            () => new MaxPool2d(1, 3, 8, 4),
            Throws.ArgumentException.With.Message.Contains("maxpool2d: a kernel of 4 does not fit the input height 3"));
        Assert.That(
            () => new AvgPool2d(1, 8, 3, 4),
            Throws.ArgumentException.With.Message.Contains("avgpool2d: a kernel of 4 does not fit the input width 3"));
        Assert.That(() => new Flatten(null!), Throws.ArgumentNullException);
        Assert.That(() => new ImageShape(1, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("height"));
        Assert.That(() => new ImageShape(65536, 65536, 1), Throws.ArgumentException.With.Message.Contains("65536×65536×1"));

        var pool = new MaxPool2d(2, 4, 4, 2);
        Assert.That(() => pool.Backward(new Matrix(1, 8), true), Throws.InvalidOperationException);
        Assert.That(() => pool.Forward(new Matrix(1, 16), true), Throws.ArgumentException.With.Message.Contains("32 columns"));
        pool.Forward(new Matrix(3, 32), true);
        Assert.That(() => pool.Backward(new Matrix(3, 32), true), Throws.ArgumentException.With.Message.Contains("3×8"));
    }
}
