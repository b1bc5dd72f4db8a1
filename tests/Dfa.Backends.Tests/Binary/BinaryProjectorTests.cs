using Dfa.Backends.Binary;
using Dfa.Backends.Dense;
using Dfa.Backends.Encoding;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Binary;

public sealed class BinaryProjectorTests
{
    /// <summary>Layer sizes on both sides of every SIMD width the kernels use (8, 16, 64) and of a 256-column chunk.</summary>
    private static readonly int[] BoundarySizes = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly BinaryBackend Backend = new();

    private static readonly object[] BatchAndErrorSizes =
    [
        new object[] { 1, 1 },
        new object[] { 1, 257 },
        new object[] { 2, 7 },
        new object[] { 6, 64 },
        new object[] { 7, 65 },
        new object[] { 13, 33 },
        new object[] { 64, 10 },
        new object[] { 129, 257 },
    ];

    private static FeedbackConfig Options(ErrorEncoding error, double? scale = null, double threshold = 0.1) =>
        new FeedbackConfig { Backend = "binary", Scale = scale }.With(BinaryOptions.Section, new BinaryOptions { Error = error, Threshold = threshold });

    private static BinaryProjector Create(FeedbackShape shape, ErrorEncoding error, ulong seed = 7, int threads = 2) =>
        (BinaryProjector)Backend.Create(shape, Options(error), seed, threads);

    private static Matrix[] Signals(FeedbackShape shape, int batch) => shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

    /// <summary>
    /// Checks <c>signals[l] = encoded · B_l</c> against a double loop. Tolerance: float32 accumulation of e terms,
    /// bounded by <c>e·2⁻²⁴·Σ|x_i·b_ij|</c>; 1e-5 relative to that sum (plus a tiny absolute floor) is generous.
    /// </summary>
    private static void AssertMatchesReference(IFeedbackProjector projector, Matrix encoded, Matrix[] signals)
    {
        int e = projector.Shape.ErrorSize;
        for (int l = 0; l < signals.Length; l++)
        {
            Matrix b = projector.FeedbackMatrix(l);
            int n = projector.Shape.LayerSizes[l];
            for (int r = 0; r < encoded.Rows; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expected = 0;
                    double magnitude = 0;
                    for (int i = 0; i < e; i++)
                    {
                        double term = (double)encoded[r, i] * b[i, j];
                        expected += term;
                        magnitude += Math.Abs(term);
                    }

                    double tolerance = (1e-5 * magnitude) + 1e-30;
                    if (Math.Abs(signals[l][r, j] - expected) > tolerance)
                    {
                        Assert.Fail($"layer {l} (n={n}) row {r} col {j}: got {signals[l][r, j]}, expected {expected} ± {tolerance}");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(BatchAndErrorSizes))]
    public void Project_FloatPath_MatchesScalarReference(int batch, int e)
    {
        var shape = new FeedbackShape(e, BoundarySizes);
        BinaryProjector projector = Create(shape, ErrorEncoding.Float);
        Matrix error = TestData.RandomMatrix(batch, e, seed: 11);
        Matrix[] signals = Signals(shape, batch);

        projector.Project(error, signals);

        AssertMatchesReference(projector, error, signals);
    }

    [TestCaseSource(nameof(BatchAndErrorSizes))]
    public void Project_TernaryPath_MatchesTernarisedReference(int batch, int e)
    {
        var shape = new FeedbackShape(e, BoundarySizes);
        BinaryProjector projector = Create(shape, ErrorEncoding.Ternary);
        Matrix error = TestData.RandomMatrix(batch, e, seed: 12);
        Matrix encoded = new(batch, e);
        Ternarizer.Encode(error, 0.1, encoded);
        Matrix[] signals = Signals(shape, batch);

        projector.Project(error, signals);

        AssertMatchesReference(projector, encoded, signals);
    }

    [Test]
    public void Project_TernaryPath_HandlesChangingBatchSizesAndZeroRows()
    {
        var shape = new FeedbackShape(70, [9, 65]);
        BinaryProjector projector = Create(shape, ErrorEncoding.Ternary);
        foreach (int batch in new[] { 3, 10, 2 })
        {
            Matrix error = TestData.RandomMatrix(batch, 70, seed: (ulong)batch);
            error.Row(batch - 1).Clear();
            Matrix encoded = new(batch, 70);
            projector.EncodeError(error, encoded);
            Matrix[] signals = Signals(shape, batch);

            projector.Project(error, signals);

            AssertMatchesReference(projector, encoded, signals);
            Assert.That(signals[1].Row(batch - 1).ToArray(), Is.All.EqualTo(0f));
        }
    }

    [Test]
    public void Signs_FollowTheDocumentedBitStream_AndBothLayoutsRealiseTheSameMatrix()
    {
        var shape = new FeedbackShape(37, [1, 65, 130]);
        BinaryProjector floats = Create(shape, ErrorEncoding.Float, seed: 99);
        BinaryProjector ternary = Create(shape, ErrorEncoding.Ternary, seed: 99);
        for (int l = 0; l < shape.LayerSizes.Count; l++)
        {
            int n = shape.LayerSizes[l];
            float s = (float)(1 / Math.Sqrt(n));
            var rng = Rng.Derive(99, $"binary/{l}");
            var words = new ulong[((37 * n) + 63) / 64];
            for (int w = 0; w < words.Length; w++)
            {
                words[w] = rng.NextUInt64();
            }

            Matrix a = floats.FeedbackMatrix(l);
            Matrix b = ternary.FeedbackMatrix(l);
            for (int i = 0; i < 37; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    long t = ((long)i * n) + j;
                    float expected = ((words[t / 64] >> (int)(t % 64)) & 1) != 0 ? s : -s;
                    Assert.That(a[i, j], Is.EqualTo(expected), $"float layout, layer {l} [{i},{j}]");
                }
            }

            Assert.That(b.Data, Is.EqualTo(a.Data), $"layer {l}");
        }
    }

    [Test]
    public void Signs_AreBalanced_AndScaleIsDocumented()
    {
        var shape = new FeedbackShape(100, [400]);
        Matrix b = Create(shape, ErrorEncoding.Float, seed: 1).FeedbackMatrix(0);
        double positive = b.Data.Count(x => x > 0) / (double)b.Length;

        // 40 000 fair bits: the fraction's standard deviation is 0.0025, so ±0.01 is a 4σ band.
        Assert.That(positive, Is.EqualTo(0.5).Within(0.01));
        Assert.That(b.Data.Select(Math.Abs).Distinct(), Is.EqualTo(new[] { 1f / 20 }));

        var scaled = (BinaryProjector)Backend.Create(shape, Options(ErrorEncoding.Float, scale: 0.3), 1, 1);
        Assert.That(scaled.FeedbackMatrix(0).Data.Select(Math.Abs).Distinct(), Is.EqualTo(new[] { 0.3f }));
    }

    [Test]
    public void Matrices_AreNamedBySeed()
    {
        var shape = new FeedbackShape(10, [33, 7]);
        for (int l = 0; l < 2; l++)
        {
            Assert.That(Create(shape, ErrorEncoding.Float, 3).FeedbackMatrix(l).Data, Is.EqualTo(Create(shape, ErrorEncoding.Float, 3).FeedbackMatrix(l).Data));
            Assert.That(Create(shape, ErrorEncoding.Float, 3).FeedbackMatrix(l).Data, Is.Not.EqualTo(Create(shape, ErrorEncoding.Float, 4).FeedbackMatrix(l).Data));
        }
    }

    [Test]
    public void Project_SimdAndScalarKernels_GiveIdenticalBits()
    {
        if (!SignBitKernel.IsSimdSupported)
        {
            Assert.Ignore("No FMA on this machine: only the scalar kernel runs.");
        }

        var shape = new FeedbackShape(65, BoundarySizes);
        foreach (int batch in new[] { 1, 5, 6, 13 })
        {
            Matrix error = TestData.RandomMatrix(batch, 65, seed: 5);
            BinaryProjector simd = Create(shape, ErrorEncoding.Float);
            BinaryProjector scalar = Create(shape, ErrorEncoding.Float);
            scalar.ForceScalar = true;
            Matrix[] a = Signals(shape, batch);
            Matrix[] b = Signals(shape, batch);

            simd.Project(error, a);
            scalar.Project(error, b);

            for (int l = 0; l < a.Length; l++)
            {
                Assert.That(a[l].Data, Is.EqualTo(b[l].Data), $"batch {batch} layer {l}");
            }
        }
    }

    [Test]
    public void Project_FloatPath_MatchesReference_WhenTheSignStripIsTooLongToPack()
    {
        // e above the kernel's 16 384-component panel: the 6 × 16 block reads the strided bits in place.
        var shape = new FeedbackShape(16_400, [17]);
        Matrix error = TestData.RandomMatrix(7, 16_400, seed: 3);
        BinaryProjector simd = Create(shape, ErrorEncoding.Float);
        BinaryProjector scalar = Create(shape, ErrorEncoding.Float);
        scalar.ForceScalar = true;
        Matrix[] a = Signals(shape, 7);
        Matrix[] b = Signals(shape, 7);

        simd.Project(error, a);
        scalar.Project(error, b);

        AssertMatchesReference(simd, error, a);
        Assert.That(a[0].Data, Is.EqualTo(b[0].Data));
    }

    [TestCase(ErrorEncoding.Float)]
    [TestCase(ErrorEncoding.Ternary)]
    public void Project_OneAndTwoThreads_GiveIdenticalBits(ErrorEncoding encoding)
    {
        // Large enough that both paths split every layer into several column chunks (above the inline threshold).
        var shape = new FeedbackShape(200, [3000, 257]);
        Matrix error = TestData.RandomMatrix(13, 200, seed: 8);
        Matrix[] a = Signals(shape, 13);
        Matrix[] b = Signals(shape, 13);

        Create(shape, encoding, threads: 1).Project(error, a);
        Create(shape, encoding, threads: 2).Project(error, b);

        for (int l = 0; l < a.Length; l++)
        {
            Assert.That(a[l].Data, Is.EqualTo(b[l].Data), $"layer {l}");
        }
    }

    [TestCase(ErrorEncoding.Float, 1)]
    [TestCase(ErrorEncoding.Float, 7)]
    [TestCase(ErrorEncoding.Ternary, 1)]
    [TestCase(ErrorEncoding.Ternary, 7)]
    public void Counts_EqualThePrediction(ErrorEncoding encoding, int batch)
    {
        var shape = new FeedbackShape(70, [1, 64, 65, 300]);
        IFeedbackProjector projector = Backend.Create(shape, Options(encoding), 3, 2);
        FeedbackPrediction prediction = Backend.Predict(shape, Options(encoding), batch);
        Assert.That(projector.Counts.ContentEquals(prediction.Setup), Is.True, $"{projector.Counts} vs {prediction.Setup}");

        Matrix error = TestData.RandomMatrix(batch, 70, seed: 2);
        Matrix[] signals = Signals(shape, batch);
        projector.EncodeError(error, new Matrix(batch, 70));
        projector.FeedbackMatrix(0);
        var expected = new ActionCounts();
        expected.Add(prediction.Setup);
        for (int k = 0; k < 3; k++)
        {
            projector.Project(error, signals);
            expected.Add(prediction.PerProjection);
            Assert.That(projector.Counts.ContentEquals(expected), Is.True, $"after {k + 1} calls: {projector.Counts} vs {expected}");
        }
    }

    [Test]
    public void Predict_StatesTheDocumentedWork()
    {
        var shape = new FeedbackShape(70, [1, 300]);
        FeedbackPrediction f = Backend.Predict(shape, Options(ErrorEncoding.Float), 4);
        Assert.That(f.PerProjection[HardwareAction.Fp32Add], Is.EqualTo(4 * 70 * 301));
        Assert.That(f.PerProjection[HardwareAction.Fp32Multiply], Is.EqualTo(4 * 301));
        Assert.That(f.PerProjection[HardwareAction.FeedbackBitsRead], Is.EqualTo(70 * (64 + 320)));
        Assert.That(f.PerProjection[HardwareAction.ErrorBytesRead], Is.EqualTo(2 * 4 * 4 * 70));
        Assert.That(f.PerProjection[HardwareAction.SignalBytesWritten], Is.EqualTo(4 * 4 * 301));

        FeedbackPrediction t = Backend.Predict(shape, Options(ErrorEncoding.Ternary), 4);
        Assert.That(t.PerProjection[HardwareAction.Fp32Compare], Is.EqualTo(2 * 4 * 70));
        Assert.That(t.PerProjection[HardwareAction.Popcount64], Is.EqualTo(4 * 301 * 2 * 2));
        Assert.That(t.PerProjection[HardwareAction.Int32Add], Is.EqualTo((2 * 4 * 70) + (4 * 301 * 6)), "kept counts and Σt, then per output and word");
        Assert.That(t.PerProjection[HardwareAction.Fp32Multiply], Is.EqualTo((2 * 4) + (4 * 301) + (4 * 2)), "cut and α per sample, s·α per layer, one per output");
        Assert.That(t.PerProjection[HardwareAction.FeedbackBitsRead], Is.EqualTo(128 * 301));
        Assert.That(t.PerProjection[HardwareAction.Fp32Add], Is.EqualTo(4 * 70), "α's sum, one add per component");
    }

    [Test]
    public void Predict_HandlesShapesTooLargeToBuild()
    {
        var shape = new FeedbackShape(1000, [1_000_000, 1_000_000]);
        FeedbackPrediction f = Backend.Predict(shape, Options(ErrorEncoding.Float), 128);
        FeedbackPrediction t = Backend.Predict(shape, Options(ErrorEncoding.Ternary), 128);

        Assert.That(f.PerProjection[HardwareAction.Fp32Add], Is.EqualTo(128L * 1000 * 2_000_000));
        Assert.That(f.Storage.WeightBits, Is.EqualTo(2_000_000_000L));
        Assert.That(f.Storage.PaddingBits, Is.Zero, "10^6 is a multiple of 64");
        Assert.That(t.Storage.PaddingBits, Is.EqualTo(2_000_000L * 24));
    }

    [TestCase(ErrorEncoding.Float)]
    [TestCase(ErrorEncoding.Ternary)]
    public void Storage_EqualsPredictionAndAllocation_AndIsDenseOver32PlusPadding(ErrorEncoding encoding)
    {
        var shape = new FeedbackShape(70, BoundarySizes);
        BinaryProjector projector = Create(shape, encoding);
        FeedbackStorage storage = projector.Storage;
        FeedbackStorage dense = new DenseBackend().Predict(shape, new FeedbackConfig(), 1).Storage;

        Assert.That(storage, Is.EqualTo(Backend.Predict(shape, Options(encoding), 5).Storage));
        Assert.That(storage.WeightBits * 32, Is.EqualTo(dense.WeightBits));
        Assert.That(storage.IndexBits, Is.Zero);
        Assert.That(storage.CalibrationBytes, Is.Zero);
        long allocated = encoding == ErrorEncoding.Float
            ? 70L * BoundarySizes.Sum(n => (n + 63) / 64 * 64)
            : 128L * BoundarySizes.Sum();
        Assert.That(storage.WeightBits + storage.PaddingBits, Is.EqualTo(allocated));
        Assert.That(storage.Layout, Does.Contain(encoding == ErrorEncoding.Float ? "row-packed" : "popcount"));
    }

    [Test]
    public void EncodeError_CopiesOrTernarises()
    {
        var shape = new FeedbackShape(20, [8]);
        Matrix error = TestData.RandomMatrix(3, 20, seed: 4);
        Matrix copy = new(3, 20);
        Matrix ternary = new(3, 20);
        Matrix expected = new(3, 20);

        Create(shape, ErrorEncoding.Float).EncodeError(error, copy);
        var options = Options(ErrorEncoding.Ternary, threshold: 0.5);
        Backend.Create(shape, options, 1, 1).EncodeError(error, ternary);
        Ternarizer.Encode(error, 0.5, expected);

        Assert.That(copy.Data, Is.EqualTo(error.Data));
        Assert.That(ternary.Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void Options_AreRejectedByCreateAndPredictAlike()
    {
        var shape = new FeedbackShape(10, [8]);
        (FeedbackConfig Options, string Key)[] bad =
        [
            (new FeedbackConfig { Init = FeedbackInit.Uniform }, "feedback.init"),
            (new FeedbackConfig { Scale = -1 }, "feedback.scale"),
            (new FeedbackConfig { Scale = double.NaN }, "feedback.scale"),
            (new FeedbackConfig().With(BinaryOptions.Section, new BinaryOptions { Threshold = 1 }), "feedback.binary.threshold"),
            (new FeedbackConfig().With(BinaryOptions.Section, new BinaryOptions { Threshold = -0.1 }), "feedback.binary.threshold"),
            (new FeedbackConfig().With(BinaryOptions.Section, new BinaryOptions { Error = (ErrorEncoding)7 }), "feedback.binary.error"),
        ];
        foreach ((FeedbackConfig options, string key) in bad)
        {
            Assert.That(() => Backend.Create(shape, options, 1, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key));
            Assert.That(() => Backend.Predict(shape, options, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key));
        }

        Assert.That(
            () => Backend.Create(shape, new FeedbackConfig { Init = FeedbackInit.XavierUniform }, 1, 1),
            Throws.InstanceOf<DfaInputException>().With.Message.EqualTo("feedback.init does not apply to the binary backend: its weights are ±scale"));
    }

    [TestCase(ErrorEncoding.Float)]
    [TestCase(ErrorEncoding.Ternary)]
    public void Project_RejectsMismatchedArguments(ErrorEncoding encoding)
    {
        var shape = new FeedbackShape(10, [33, 7, 257]);
        BinaryProjector projector = Create(shape, encoding);
        Matrix[] good = Signals(shape, 2);

        Assert.That(() => projector.Project(new Matrix(2, 9), good), Throws.ArgumentException.With.Message.Contains("10 columns"));
        Assert.That(() => projector.Project(new Matrix(2, 10), good[..2]), Throws.ArgumentException.With.Message.Contains("3 signal"));
        Assert.That(() => projector.Project(new Matrix(2, 10), [good[0], new Matrix(2, 8), good[2]]), Throws.ArgumentException.With.Message.Contains("2×7"));
        Assert.That(() => projector.Project(null!, good), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => projector.Project(new Matrix(2, 10), null!), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => Backend.Create(shape, new FeedbackConfig(), 1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Backend.Predict(shape, new FeedbackConfig(), 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
