using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Tensors;

[TestFixture]
public sealed class GemmTests
{
    private static readonly Transpose[][] TransposePairs =
    [
        [Transpose.No, Transpose.No],
        [Transpose.No, Transpose.Yes],
        [Transpose.Yes, Transpose.No],
        [Transpose.Yes, Transpose.Yes],
    ];

    // GemmIsa is internal and NUnit needs public test methods, so the paths travel by name. Without hardware
    // support Vector512 runs in software: correct, only slow, so it is still tested (on small shapes).
    private static readonly string[] IsaNames = [nameof(GemmIsa.Scalar), nameof(GemmIsa.Vector256), nameof(GemmIsa.Vector512)];

    [TearDown]
    public void ResetIsa() => Gemm.ForcedIsa = null;

    // The sweeps cycle through the transpose pairs and leading-dimension padding so that every size meets every
    // packing path somewhere, without multiplying the run time by four.
    [Test]
    public void Multiply_MatchesReference_ForEveryM()
    {
        for (int m = 1; m <= 257; m++)
        {
            Transpose[] t = TransposePairs[m % 4];
            var r = GemmReference.Create(t[0], t[1], m, 19, 23, padA: m % 3, padB: m % 2, padC: m % 5, seed: m);
            r.AssertMatches(r.Run());
        }
    }

    [Test]
    public void Multiply_MatchesReference_ForEveryN()
    {
        for (int n = 1; n <= 257; n++)
        {
            Transpose[] t = TransposePairs[n % 4];
            var r = GemmReference.Create(t[0], t[1], 13, n, 21, beta: 0.5f, padA: n % 2, padB: n % 3, padC: n % 4, seed: n);
            r.AssertMatches(r.Run());
        }
    }

    [Test]
    public void Multiply_MatchesReference_ForEveryK()
    {
        for (int k = 1; k <= 257; k++)
        {
            Transpose[] t = TransposePairs[k % 4];
            var r = GemmReference.Create(t[0], t[1], 11, 17, k, beta: 1f, padA: k % 3, padB: k % 2, padC: 1, seed: k);
            r.AssertMatches(r.Run());
        }
    }

    [TestCase(Transpose.No, Transpose.No)]
    [TestCase(Transpose.No, Transpose.Yes)]
    [TestCase(Transpose.Yes, Transpose.No)]
    [TestCase(Transpose.Yes, Transpose.Yes)]
    public void Multiply_MatchesReference_AcrossAllBlocks(Transpose transA, Transpose transB)
    {
        // m > MC, k > 2·KC (several equal slices accumulating onto C), n not a multiple of NR.
        var r = GemmReference.Create(transA, transB, 301, 203, 2100, alpha: -1.5f, beta: 0.5f, padA: 3, padB: 5, padC: 7, seed: 42);
        r.AssertMatches(r.Run());
    }

    [Test]
    public void Multiply_MatchesReference_WhenNSpansSeveralNcBlocks()
    {
        var r = GemmReference.Create(Transpose.No, Transpose.Yes, 7, 4200, 5, beta: 1f, seed: 3);
        r.AssertMatches(r.Run());
    }

    [TestCase(1f, 0f)]
    [TestCase(1f, 1f)]
    [TestCase(1f, 0.5f)]
    [TestCase(-2f, 0f)]
    [TestCase(0.25f, -1f)]
    public void Multiply_AppliesAlphaAndBeta(float alpha, float beta)
    {
        foreach (Transpose[] t in TransposePairs)
        {
            var r = GemmReference.Create(t[0], t[1], 37, 45, 70, alpha, beta, padA: 2, padB: 1, padC: 3, seed: 7);
            r.AssertMatches(r.Run(threads: 2));
        }
    }

    [Test]
    public void Multiply_IgnoresNaNInC_WhenBetaIsZero()
    {
        var r = GemmReference.Create(Transpose.No, Transpose.No, 64, 64, 64, beta: 0f, seed: 9);
        Assert.That(r.C0, Has.All.NaN);
        float[] c = r.Run(threads: 2);
        Assert.That(c, Has.None.NaN);
        r.AssertMatches(c);
    }

    [Test]
    public void Multiply_ScalesC_WhenKIsZeroOrAlphaIsZero()
    {
        float[] c = [1f, 2f, 3f, 4f];
        Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 0, 1f, [], 0, [], 2, 0.5f, c, 2);
        Assert.That(c, Is.EqualTo(new[] { 0.5f, 1f, 1.5f, 2f }));

        float[] nanC = [float.NaN, float.NaN, float.NaN, float.NaN];
        Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 1, 0f, [float.NaN, 1f], 1, [1f, 1f], 2, 0f, nanC, 2);
        Assert.That(nanC, Is.All.Zero);
    }

    [Test]
    public void Multiply_IsBitIdentical_ForAnyThreadCount()
    {
        // Wide C splits over N, tall C over M; both must give the single-thread bits.
        foreach ((int m, int n, int k) in new[] { (203, 517, 300), (517, 203, 300), (128, 800, 784), (60, 150, 2100) })
        {
            foreach (Transpose[] t in TransposePairs)
            {
                var r = GemmReference.Create(t[0], t[1], m, n, k, beta: 0.5f, seed: m + n);
                float[] single = r.Run(threads: 1);
                r.AssertMatches(single);
                for (int threads = 2; threads <= 4; threads++)
                {
                    Assert.That(r.Run(threads), Is.EqualTo(single).AsCollection, $"threads={threads} {r}");
                }

                Assert.That(r.Run(threads: 1), Is.EqualTo(single).AsCollection, $"rerun {r}");
            }
        }
    }

    [Test]
    public void Multiply_SingleRow_StreamsB_BitIdenticalForAnyThreadCountAndIsa()
    {
        // m = 1 with B not transposed takes the row-times-matrix path (a batch of one); wide enough to split.
        foreach (Transpose transA in new[] { Transpose.No, Transpose.Yes })
        {
            var r = GemmReference.Create(transA, Transpose.No, 1, 4100, 1030, alpha: 1.5f, beta: 0.5f, padA: 2, padB: 3, padC: 1, seed: 9);
            float[] single = r.Run(threads: 1);
            r.AssertMatches(single);
            Assert.That(r.Run(threads: 2), Is.EqualTo(single).AsCollection, $"threads=2 {r}");
            foreach (GemmIsa isa in Enum.GetValues<GemmIsa>())
            {
                Gemm.ForcedIsa = isa;
                Assert.That(r.Run(threads: 3), Is.EqualTo(single).AsCollection, $"{isa} {r}");
            }

            Gemm.ForcedIsa = null;
        }
    }

    [TestCase(1030, 1100, 1030)]
    [TestCase(1100, 1030, 1030)]
    public void Multiply_IsBitIdentical_ForAnyThreadCount_WhenEachChunkPacksItsOwnOperands(int m, int n, int k)
    {
        // Large enough that the packed operand is not shared between threads; checked on sampled entries only,
        // since a full double reference of this size would dominate the suite's run time.
        var rng = new Random(17);
        float[] a = [.. Enumerable.Range(0, m * k).Select(_ => (rng.NextSingle() * 2f) - 1f)];
        float[] b = [.. Enumerable.Range(0, k * n).Select(_ => (rng.NextSingle() * 2f) - 1f)];
        float[] single = new float[m * n];
        Gemm.Multiply(Transpose.No, Transpose.Yes, m, n, k, 1f, a, k, b, k, 0f, single, n);
        for (int threads = 2; threads <= 3; threads++)
        {
            float[] c = new float[m * n];
            Gemm.Multiply(Transpose.No, Transpose.Yes, m, n, k, 1f, a, k, b, k, 0f, c, n, threads);
            Assert.That(c, Is.EqualTo(single).AsCollection, $"threads={threads}");
        }

        for (int s = 0; s < 200; s++)
        {
            int i = rng.Next(m);
            int j = rng.Next(n);
            double exact = 0;
            double bound = 0;
            for (int p = 0; p < k; p++)
            {
                exact += (double)a[(i * k) + p] * b[(j * k) + p];
                bound += Math.Abs((double)a[(i * k) + p] * b[(j * k) + p]);
            }

            Assert.That(single[(i * n) + j], Is.EqualTo(exact).Within(((k + 2) * Math.Pow(2, -23) * bound) + 1e-30), $"C[{i},{j}]");
        }
    }

    [TestCaseSource(nameof(IsaNames))]
    public void Multiply_MatchesReference_OnEveryIsaPath(string isaName)
    {
        GemmIsa isa = Enum.Parse<GemmIsa>(isaName);
        Gemm.ForcedIsa = isa;
        foreach (Transpose[] t in TransposePairs)
        {
            foreach ((int m, int n, int k) in new[] { (1, 1, 1), (13, 45, 37), (6, 32, 8), (19, 70, 300) })
            {
                foreach (float beta in new[] { 0f, 1f, 0.5f })
                {
                    var r = GemmReference.Create(t[0], t[1], m, n, k, alpha: 1.25f, beta: beta, padA: 1, padB: 2, padC: 3, seed: m * k);
                    r.AssertMatches(r.Run(threads: 2), isa.ToString());
                }
            }
        }
    }

    [TestCaseSource(nameof(IsaNames))]
    public void Multiply_IsBitIdentical_ForAnyThreadCount_OnEveryIsaPath(string isaName)
    {
        Gemm.ForcedIsa = Enum.Parse<GemmIsa>(isaName);
        var r = GemmReference.Create(Transpose.Yes, Transpose.No, 97, 131, 300, beta: 0.5f, seed: 5);
        float[] single = r.Run(threads: 1);
        Assert.That(r.Run(threads: 3), Is.EqualTo(single).AsCollection);
    }

    [Test]
    public void Multiply_MatrixOverload_MatchesSpanOverload()
    {
        var rng = new Random(11);
        var a = new Matrix(40, 30);
        var b = new Matrix(50, 30);
        var c = new Matrix(40, 50);
        foreach (float[] s in new[] { a.Data, b.Data, c.Data })
        {
            for (int i = 0; i < s.Length; i++)
            {
                s[i] = (rng.NextSingle() * 2f) - 1f;
            }
        }

        float[] expected = (float[])c.Data.Clone();
        Gemm.Multiply(Transpose.No, Transpose.Yes, 40, 50, 30, 2f, a.Data, 30, b.Data, 30, 0.5f, expected, 50);
        Gemm.Multiply(a, Transpose.No, b, Transpose.Yes, c, alpha: 2f, beta: 0.5f, threads: 2);
        Assert.That(c.Data, Is.EqualTo(expected).AsCollection);
    }

    [Test]
    public void Multiply_MatrixOverload_RejectsMismatchedShapes()
    {
        var a = new Matrix(4, 3);
        Assert.Multiple(() =>
        {
            Assert.That(
                () => Gemm.Multiply(a, Transpose.No, new Matrix(4, 5), Transpose.No, new Matrix(4, 5)),
                Throws.ArgumentException.With.Message.Contains("Inner dimensions differ"));
            Assert.That(
                () => Gemm.Multiply(a, Transpose.No, new Matrix(3, 5), Transpose.No, new Matrix(5, 4)),
                Throws.ArgumentException.With.Message.Contains("C must be 4×5, got 5×4"));
            Assert.That(
                () => Gemm.Multiply(null!, Transpose.No, a, Transpose.No, a),
                Throws.ArgumentNullException);
        });
    }

    [Test]
    public void Multiply_RejectsBadArguments()
    {
        float[] six = new float[6];
        Assert.Multiple(() =>
        {
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, -1, 2, 3, 1f, six, 3, six, 2, 0f, six, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("m"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, -1, 3, 1f, six, 3, six, 2, 0f, six, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("n"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, -3, 1f, six, 3, six, 2, 0f, six, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("k"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 3, 1f, six, 3, six, 2, 0f, six, 2, threads: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("threads"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 3, 1f, new float[5], 3, six, 2, 0f, six, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("needs 6 elements, got 5"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.Yes, 2, 2, 3, 1f, six, 3, new float[5], 3, 0f, six, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("b").And.Message.Contains("needs 6 elements, got 5"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 3, 1f, six, 3, six, 2, 0f, new float[3], 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("c").And.Message.Contains("needs 4 elements, got 3"));
            Assert.That(() => Gemm.Multiply(Transpose.No, Transpose.No, 2, 2, 3, 1f, six, 2, six, 2, 0f, six, 2), Throws.ArgumentException.With.Property("ParamName").EqualTo("a").And.Message.Contains("Leading dimension 2 is smaller than the 3 columns"));
        });
    }
}
