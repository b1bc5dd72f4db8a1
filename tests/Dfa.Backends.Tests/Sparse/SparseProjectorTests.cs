using System.Runtime.Intrinsics.X86;
using Dfa.Backends.Sparse;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Sparse;

public sealed class SparseProjectorTests
{
    private static readonly int[] SimdBoundaries = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static FeedbackConfig Options(int k = 1, int? rank = null, FeedbackInit init = FeedbackInit.Gaussian, double? scale = null) =>
        new FeedbackConfig { Backend = "sparse", Init = init, Scale = scale }.With(SparseOptions.Section, new SparseOptions { Connections = k, Rank = rank });

    private static Matrix[] Signals(FeedbackShape shape, int batch, float fill = float.NaN) =>
        shape.LayerSizes.Select(n =>
        {
            var m = new Matrix(batch, n);
            m.Span.Fill(fill);
            return m;
        }).ToArray();

    [TestCase(1, 1, 1, null)]
    [TestCase(2, 10, 1, null)]
    [TestCase(7, 10, 3, null)]
    [TestCase(8, 257, 1, null)]
    [TestCase(9, 257, 5, 100)]
    [TestCase(33, 64, 2, 8)]
    [TestCase(129, 33, 4, null)]
    public void Project_MatchesTheDoubleReference_AcrossSimdBoundaries(int batch, int e, int k, int? rank)
    {
        var shape = new FeedbackShape(e, SimdBoundaries);
        var projector = new SparseProjector(shape, Options(k, rank), seed: 17, threads: 2);
        Matrix error = TestData.RandomMatrix(batch, e, seed: 5);
        Matrix[] signals = Signals(shape, batch);

        projector.Project(error, signals);

        for (int l = 0; l < signals.Length; l++)
        {
            Matrix b = projector.FeedbackMatrix(l);
            int n = shape.LayerSizes[l];
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = 0;
                    double magnitude = 0;
                    for (int i = 0; i < e; i++)
                    {
                        double term = (double)error[r, i] * b[i, j];
                        expected += term;
                        magnitude += Math.Abs(term);
                    }

                    // k ≤ 5 float32 products and fused adds: the rounding error is at most k·2⁻²⁴·Σ|terms| < 1e-6·Σ|terms|.
                    Assert.That(signals[l][r, j], Is.EqualTo(expected).Within((1e-6 * magnitude) + 1e-30), $"layer {l} [{r},{j}]");
                }
            }
        }
    }

    [TestCase(1, null)]
    [TestCase(3, null)]
    [TestCase(2, 5)]
    public void Project_GivesTheSameBits_ForSimdAndScalarAndOneOrTwoThreads(int k, int? rank)
    {
        Assume.That(Avx2.IsSupported && Fma.IsSupported, "the SIMD path needs AVX2 and FMA");
        var shape = new FeedbackShape(77, [1031, 257, 9]);
        var one = new SparseProjector(shape, Options(k, rank), seed: 3, threads: 1);
        var two = new SparseProjector(shape, Options(k, rank), seed: 3, threads: 2);
        var scalar = new SparseProjector(shape, Options(k, rank), seed: 3, threads: 2) { ForceScalar = true };
        foreach (int batch in new[] { 1, 64, 129 })
        {
            Matrix error = TestData.RandomMatrix(batch, 77, seed: (ulong)batch);
            Matrix[] a = Signals(shape, batch);
            Matrix[] b = Signals(shape, batch);
            Matrix[] c = Signals(shape, batch);

            one.Project(error, a);
            two.Project(error, b);
            scalar.Project(error, c);

            for (int l = 0; l < a.Length; l++)
            {
                Assert.That(b[l].Data, Is.EqualTo(a[l].Data), $"threads, batch {batch}, layer {l}");
                Assert.That(c[l].Data, Is.EqualTo(a[l].Data), $"scalar, batch {batch}, layer {l}");
            }
        }
    }

    [Test]
    public void Matrices_AreNamedBySeed()
    {
        var shape = new FeedbackShape(20, [33, 100]);
        var a = new SparseProjector(shape, Options(2), seed: 3, threads: 1);
        var b = new SparseProjector(shape, Options(2), seed: 3, threads: 2);
        var c = new SparseProjector(shape, Options(2), seed: 4, threads: 1);

        for (int l = 0; l < shape.LayerSizes.Count; l++)
        {
            Assert.That(a.Indices(l).ToArray(), Is.EqualTo(b.Indices(l).ToArray()));
            Assert.That(a.Weights(l).ToArray(), Is.EqualTo(b.Weights(l).ToArray()));
            Assert.That(a.Indices(l).ToArray(), Is.Not.EqualTo(c.Indices(l).ToArray()));
            Assert.That(a.Weights(l).ToArray(), Is.Not.EqualTo(c.Weights(l).ToArray()));
        }
    }

    [TestCase(10, 3, 1, null)]
    [TestCase(10, 40, 1, null)]
    [TestCase(100, 37, 3, null)]
    [TestCase(100, 257, 4, 30)]
    [TestCase(12, 5, 12, null)]
    [TestCase(64, 1000, 7, 64)]
    public void Connections_AreDistinctAndBalanced(int e, int n, int k, int? rank)
    {
        var projector = new SparseProjector(new FeedbackShape(e, [n]), Options(k, rank), seed: 9, threads: 1);
        int r = rank ?? e;
        ReadOnlySpan<int> index = projector.Indices(0);
        Assert.That(index.Length, Is.EqualTo(k * n));
        var uses = new int[e];
        for (int j = 0; j < n; j++)
        {
            var mine = new HashSet<int>();
            for (int c = 0; c < k; c++)
            {
                int i = index[(c * n) + j];
                Assert.That(i, Is.InRange(0, e - 1));
                Assert.That(mine.Add(i), Is.True, $"neuron {j} has component {i} twice");
                uses[i]++;
            }
        }

        int used = uses.Count(u => u > 0);
        Assert.That(used, Is.EqualTo(Math.Min(r, n * k)), "components in use");
        long lo = (long)n * k / r;
        long hi = ((long)n * k + r - 1) / r;
        Assert.That(uses.Where(u => u > 0).All(u => u >= lo && u <= hi), Is.True, $"uses between {lo} and {hi}");
        if (rank is null && n * k >= e)
        {
            Assert.That(uses.All(u => u > 0), Is.True, "every error component is used");
        }
    }

    [TestCase(1)]
    [TestCase(3)]
    public void FeedbackMatrix_HasExactlyKNonZerosPerColumn(int k)
    {
        var shape = new FeedbackShape(50, [7, 300]);
        var projector = new SparseProjector(shape, Options(k), seed: 2, threads: 1);
        for (int l = 0; l < shape.LayerSizes.Count; l++)
        {
            Matrix b = projector.FeedbackMatrix(l);
            Assert.That(b.Rows, Is.EqualTo(50));
            Assert.That(b.Cols, Is.EqualTo(shape.LayerSizes[l]));
            for (int j = 0; j < b.Cols; j++)
            {
                int nonZeros = Enumerable.Range(0, b.Rows).Count(i => b[i, j] != 0);
                Assert.That(nonZeros, Is.EqualTo(k), $"layer {l} column {j}");
            }
        }
    }

    [Test]
    public void FeedbackMatrix_HasRankMinROfN_ForManyShapes()
    {
        int cases = 0;
        foreach (int e in new[] { 1, 4, 6, 12, 30 })
        {
            foreach (int n in new[] { 1, 2, 5, 6, 9, 12, 25, 40 })
            {
                foreach (int r in new[] { 1, 2, 3, e / 2, e }.Where(r => r >= 1 && r <= e).Distinct())
                {
                    foreach (int k in new[] { 1, 2, 3, 4, 6 }.Where(k => k <= r))
                    {
                        var projector = new SparseProjector(new FeedbackShape(e, [n]), Options(k, r), seed: (ulong)((e * 1000) + (n * 10) + k), threads: 1);
                        double[] sv = TestData.ToMathNet(projector.FeedbackMatrix(0)).Svd(computeVectors: false).S.ToArray();

                        // Entries are O(1) doubles (exact float32 values): singular values below 1e-9·σ_max are rounding noise.
                        int rank = sv.Count(s => s > 1e-9 * sv[0]);
                        Assert.That(rank, Is.EqualTo(Math.Min(r, n)), $"e={e} n={n} k={k} r={r}");
                        cases++;
                    }
                }
            }
        }

        Assert.That(cases, Is.GreaterThan(300));
    }

    [Test]
    public void FeedbackMatrix_IsFresh_AndEncodeErrorCopies_AndNeitherCounts()
    {
        var shape = new FeedbackShape(10, [20]);
        var projector = new SparseProjector(shape, Options(2), seed: 1, threads: 1);
        Matrix first = projector.FeedbackMatrix(0);
        float[] before = (float[])first.Data.Clone();
        first.Span.Fill(42);
        Assert.That(projector.FeedbackMatrix(0).Data, Is.EqualTo(before));

        Matrix error = TestData.RandomMatrix(3, 10, seed: 1);
        var encoded = new Matrix(3, 10);
        projector.EncodeError(error, encoded);
        Assert.That(encoded.Data, Is.EqualTo(error.Data));
        Assert.That(projector.Counts.NonZero(), Is.Empty);
    }

    [Test]
    public void Project_RejectsMismatchedShapes()
    {
        var shape = new FeedbackShape(10, [33, 7, 257]);
        var projector = new SparseProjector(shape, Options(), seed: 7, threads: 1);
        Matrix[] good = shape.LayerSizes.Select(n => new Matrix(2, n)).ToArray();

        Assert.That(() => projector.Project(new Matrix(2, 9), good), Throws.ArgumentException.With.Message.Contains("10 columns"));
        Assert.That(() => projector.Project(new Matrix(2, 10), good[..2]), Throws.ArgumentException.With.Message.Contains("3 signal"));
        Matrix[] bad = [good[0], new Matrix(2, 8), good[2]];
        Assert.That(() => projector.Project(new Matrix(2, 10), bad), Throws.ArgumentException.With.Message.Contains("2×7"));
        Assert.That(() => projector.Project(null!, good), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => projector.Project(new Matrix(2, 10), null!), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => new SparseProjector(shape, Options(), 1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new SparseProjector(shape, null!, 1, 1), Throws.InstanceOf<ArgumentNullException>());
    }
}
