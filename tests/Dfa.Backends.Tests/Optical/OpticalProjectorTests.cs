using Dfa.Backends.Encoding;
using Dfa.Backends.Optical;
using Dfa.Backends.Randomness;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Optical;

public sealed class OpticalProjectorTests
{
    private static readonly int[] SimdSizes = [1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257];

    private static readonly OpticalBackend Backend = new();

    private static FeedbackConfig Config(OpticalOptions optical, double? scale = null) =>
        new FeedbackConfig { Backend = "optical", Scale = scale }.With(OpticalOptions.Section, optical);

    private static OpticalProjector Create(FeedbackShape shape, OpticalOptions optical, ulong seed = 7, int threads = 2) =>
        (OpticalProjector)Backend.Create(shape, Config(optical), seed, threads);

    private static Matrix[] Signals(FeedbackShape shape, int batch) => shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

    private static Matrix[] Run(IFeedbackProjector projector, Matrix error)
    {
        Matrix[] signals = Signals(projector.Shape, error.Rows);
        projector.Project(error, signals);
        return signals;
    }

    /// <summary>Softmax outputs minus one-hot targets: one large negative component, small positive ones.</summary>
    private static Matrix MnistLikeErrors(int batch, int classes, ulong seed)
    {
        var rng = new Rng(seed);
        var m = new Matrix(batch, classes);
        for (int b = 0; b < batch; b++)
        {
            Span<float> row = m.Row(b);
            double sum = 0;
            for (int i = 0; i < classes; i++)
            {
                row[i] = (float)Math.Exp(2 * rng.NextGaussian());
                sum += row[i];
            }

            for (int i = 0; i < classes; i++)
            {
                row[i] = (float)(row[i] / sum);
            }

            row[rng.NextInt(classes)] -= 1;
        }

        return m;
    }

    private static double Correlation(Matrix[] a, Matrix[] b)
    {
        double sab = 0, saa = 0, sbb = 0, sa = 0, sb = 0;
        long n = 0;
        for (int l = 0; l < a.Length; l++)
        {
            for (int i = 0; i < a[l].Length; i++)
            {
                double x = a[l].Data[i], y = b[l].Data[i];
                sab += x * y;
                saa += x * x;
                sbb += y * y;
                sa += x;
                sb += y;
                n++;
            }
        }

        double cov = (sab / n) - (sa / n * (sb / n));
        return cov / Math.Sqrt(((saa / n) - (sa / n * (sa / n))) * ((sbb / n) - (sb / n * (sb / n))));
    }

    private static void AssertMatchesEncodedReference(OpticalProjector projector, Matrix error)
    {
        Matrix[] signals = Run(projector, error);
        var encoded = new Matrix(error.Rows, error.Cols);
        Ternarizer.EncodePerSign(error, OpticalOptions.Ideal.Threshold, encoded);
        for (int l = 0; l < signals.Length; l++)
        {
            Matrix b = projector.FeedbackMatrix(l);
            var expected = new double[signals[l].Length];
            double max = 0;
            for (int r = 0; r < error.Rows; r++)
            {
                for (int j = 0; j < b.Cols; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < error.Cols; i++)
                    {
                        sum += (double)encoded[r, i] * b[i, j];
                    }

                    expected[(r * b.Cols) + j] = sum;
                    max = Math.Max(max, Math.Abs(sum));
                }
            }

            // The fields are float32 sums of up to e unit-variance terms and the signal is a difference of
            // intensities of size ~(k + A) recovered in double: relative error ≲ 1e-5 of the layer's largest signal.
            double tolerance = (1e-4 * max) + 1e-6;
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.That(signals[l].Data[i], Is.EqualTo(expected[i]).Within(tolerance), $"layer {l} element {i}");
            }
        }
    }

    [TestCase(1)]
    [TestCase(17)]
    [TestCase(129)]
    public void Ideal_ProjectEqualsTernaryErrorTimesFeedbackMatrix(int batch)
    {
        var shape = new FeedbackShape(10, [33, 7, 257]);
        AssertMatchesEncodedReference(Create(shape, OpticalOptions.Ideal), TestData.RandomMatrix(batch, 10, seed: 3));
    }

    [Test]
    public void Ideal_ProjectEqualsReference_WithForcedInputAndOutputTiling()
    {
        var shape = new FeedbackShape(37, [33, 7, 257]);
        var optical = OpticalOptions.Ideal with { Mirrors = 8, CameraPixels = 100 };
        OpticalProjector projector = Create(shape, optical);

        Assert.That(projector.AnchorMirrors, Is.EqualTo(1));
        Assert.That(projector.Tiles, Is.EqualTo((6, 3)));
        AssertMatchesEncodedReference(projector, TestData.RandomMatrix(9, 37, seed: 4));
    }

    [Test]
    public void Ideal_ProjectEqualsReference_AcrossSimdBoundaries()
    {
        var shape = new FeedbackShape(257, SimdSizes);
        AssertMatchesEncodedReference(Create(shape, OpticalOptions.Ideal with { AnchorMirrors = 5 }), TestData.RandomMatrix(3, 257, seed: 5));
        AssertMatchesEncodedReference(Create(new FeedbackShape(1, [1]), OpticalOptions.Ideal), TestData.RandomMatrix(1, 1, seed: 5));
        AssertMatchesEncodedReference(
            Create(new FeedbackShape(129, [65, 1, 300]), OpticalOptions.Ideal with { Mirrors = 40, CameraPixels = 64 }),
            TestData.RandomMatrix(65, 129, seed: 6));
    }

    [TestCase(null, 1 / 1000.0)]
    [TestCase(0.5, 0.25)]
    public void FeedbackMatrix_EntriesHaveMeanZeroAndVarianceSSquared(double? scale, double variance)
    {
        var shape = new FeedbackShape(100, [1000]);
        var projector = Backend.Create(shape, Config(OpticalOptions.Ideal, scale), 11, 2);
        float[] b = projector.FeedbackMatrix(0).Data;
        double mean = b.Average(x => (double)x);
        double var = b.Average(x => ((double)x - mean) * ((double)x - mean));

        // 100 000 draws: the sample mean is within 4 standard errors (0.013·s) of 0, the variance within 3 %.
        Assert.That(Math.Abs(mean), Is.LessThan(0.013 * Math.Sqrt(variance)));
        Assert.That(var, Is.EqualTo(variance).Within(0.03 * variance));
    }

    [Test]
    public void DefaultNoise_SignalsCorrelateWithIdealSignals_MnistLikeErrors()
    {
        var shape = new FeedbackShape(10, [256, 100]);
        Matrix error = MnistLikeErrors(64, 10, seed: 2);
        double c = Correlation(Run(Create(shape, new OpticalOptions()), error), Run(Create(shape, OpticalOptions.Ideal), error));
        TestContext.Out.WriteLine($"correlation e=10: {c:F4}");
        Assert.That(c, Is.GreaterThan(0.9));
    }

    [Test]
    public void DefaultNoise_SignalsCorrelateWithIdealSignals_E257()
    {
        var shape = new FeedbackShape(257, [300, 33]);
        Matrix error = TestData.RandomMatrix(16, 257, seed: 2);
        double c = Correlation(Run(Create(shape, new OpticalOptions()), error), Run(Create(shape, OpticalOptions.Ideal), error));
        TestContext.Out.WriteLine($"correlation e=257: {c:F4}");
        Assert.That(c, Is.GreaterThan(0.9));
    }

    [Test]
    public void QuantisationAlone_IsSmallButVisible_AndSaturationHurts()
    {
        var shape = new FeedbackShape(64, [300]);
        Matrix error = TestData.RandomMatrix(16, 64, seed: 8);
        Matrix[] ideal = Run(Create(shape, OpticalOptions.Ideal), error);
        Matrix[] eightBit = Run(Create(shape, OpticalOptions.Ideal with { BitDepth = 8 }), error);
        Matrix[] saturated = Run(Create(shape, OpticalOptions.Ideal with { BitDepth = 8, Exposure = 1 }), error);
        double c8 = Correlation(eightBit, ideal);
        double cSat = Correlation(saturated, ideal);
        TestContext.Out.WriteLine($"8-bit: {c8:F4}, saturated: {cSat:F4}");

        Assert.That(eightBit[0].Data, Is.Not.EqualTo(ideal[0].Data));
        Assert.That(c8, Is.GreaterThan(0.95));
        Assert.That(cSat, Is.LessThan(c8 - 0.02));
    }

    [Test]
    public void Drift_ChangesTheBits_ButTheSignedSplitKeepsTheSignal()
    {
        var shape = new FeedbackShape(64, [300]);
        Matrix error = TestData.RandomMatrix(16, 64, seed: 8);
        Matrix[] ideal = Run(Create(shape, OpticalOptions.Ideal), error);
        Matrix[] off = Run(Create(shape, OpticalOptions.Ideal with { Drift = 0 }), error);
        Matrix[] drifting = Run(Create(shape, OpticalOptions.Ideal with { Drift = 0.05, DriftFrames = 100 }), error);
        double c = Correlation(drifting, ideal);
        TestContext.Out.WriteLine($"5 % drift: {c:F5}");

        Assert.That(off[0].Data, Is.EqualTo(ideal[0].Data));
        Assert.That(drifting[0].Data, Is.Not.EqualTo(ideal[0].Data));
        Assert.That(c, Is.GreaterThan(0.99));
    }

    [Test]
    public void Deterministic_SameSeedSameBits_ThreadsOneAndTwoAgree_SeedsDiffer()
    {
        var shape = new FeedbackShape(40, [700, 129]);
        Matrix error = TestData.RandomMatrix(5, 40, seed: 1);
        var optical = new OpticalOptions { CameraPixels = 300, Mirrors = 30 };
        OpticalProjector one = Create(shape, optical, seed: 3, threads: 1);
        OpticalProjector two = Create(shape, optical, seed: 3, threads: 2);
        OpticalProjector other = Create(shape, optical, seed: 4, threads: 2);
        for (int call = 0; call < 2; call++)
        {
            Matrix[] a = Run(one, error), b = Run(two, error), c = Run(other, error);
            for (int l = 0; l < a.Length; l++)
            {
                Assert.That(b[l].Data, Is.EqualTo(a[l].Data), $"call {call} layer {l}");
                Assert.That(c[l].Data, Is.Not.EqualTo(a[l].Data));
            }
        }

        Assert.That(two.FeedbackMatrix(0).Data, Is.EqualTo(one.FeedbackMatrix(0).Data));
        Assert.That(other.FeedbackMatrix(0).Data, Is.Not.EqualTo(one.FeedbackMatrix(0).Data));
    }

    [Test]
    public void KeyedGaussian_ScalarAndVectorPathsAgree_ForEveryTailLength()
    {
        bool saved = KeyedGaussian.UseVector256;
        try
        {
            foreach (int n in SimdSizes)
            {
                var re = new float[2][];
                var im = new float[2][];
                for (int p = 0; p < 2; p++)
                {
                    KeyedGaussian.UseVector256 = p == 0;
                    re[p] = new float[n];
                    im[p] = new float[n];
                    KeyedGaussian.FillPairs(12345 + (ulong)n, 0.7f, re[p], im[p]);
                }

                Assert.That(re[1], Is.EqualTo(re[0]), $"n = {n}");
                Assert.That(im[1], Is.EqualTo(im[0]), $"n = {n}");
            }
        }
        finally
        {
            KeyedGaussian.UseVector256 = saved;
        }
    }

    [Test]
    public void FieldKernel_ScalarFallbackGivesTheSameBits()
    {
        var shape = new FeedbackShape(300, [257, 40]);
        Matrix error = TestData.RandomMatrix(7, 300, seed: 12);
        var optical = new OpticalOptions { Mirrors = 120 };
        bool saved = FieldKernel.UseVector256;
        Matrix[] vector, scalar;
        try
        {
            FieldKernel.UseVector256 = true;
            vector = Run(Create(shape, optical), error);
            FieldKernel.UseVector256 = false;
            scalar = Run(Create(shape, optical), error);
        }
        finally
        {
            FieldKernel.UseVector256 = saved;
        }

        for (int l = 0; l < vector.Length; l++)
        {
            Assert.That(scalar[l].Data, Is.EqualTo(vector[l].Data));
        }
    }

    [TestCase(true, 0.0)]
    [TestCase(false, 0.0)]
    [TestCase(false, 0.05)]
    public void CameraKernel_ScalarFallbackGivesTheSameBits(bool idealCamera, double drift)
    {
        // Odd widths so the vector body and the scalar tail both run; a camera that saturates and clips some pixels.
        var shape = new FeedbackShape(300, [257, 43]);
        Matrix error = TestData.RandomMatrix(7, 300, seed: 12);
        var optical = idealCamera
            ? new OpticalOptions { Mirrors = 120, BitDepth = 0, FullWellElectrons = 0, Drift = 0 }
            : new OpticalOptions { Mirrors = 120, Exposure = 0.5, Drift = drift, CameraPixels = 100 };
        bool saved = CameraKernel.UseVector256;
        Matrix[] vector, scalar;
        try
        {
            CameraKernel.UseVector256 = true;
            vector = Run(Create(shape, optical), error);
            CameraKernel.UseVector256 = false;
            scalar = Run(Create(shape, optical), error);
        }
        finally
        {
            CameraKernel.UseVector256 = saved;
        }

        for (int l = 0; l < vector.Length; l++)
        {
            Assert.That(scalar[l].Data, Is.EqualTo(vector[l].Data));
        }
    }

    [TestCase(1, 0)]
    [TestCase(2, 0)]
    [TestCase(2, 120)]
    public void DenseErrors_FieldsByGemm_GiveTheBitsOfTheRowSums(int threads, int mirrors)
    {
        // Gaussian errors light most mirrors, so every tile takes the GEMM path; with 120 mirrors the 300 inputs span
        // three tiles. Camera noise and drift on, several calls (the noise is keyed by call).
        var shape = new FeedbackShape(300, [257, 43]);
        var optical = mirrors > 0
            ? new OpticalOptions { Mirrors = mirrors, Drift = 0.02, CameraPixels = 100 }
            : new OpticalOptions { Drift = 0.02, CameraPixels = 100 };
        Matrix error = TestData.RandomMatrix(6, 300, seed: 21);
        OpticalProjector viaGemm = Create(shape, optical, threads: threads);
        OpticalProjector viaSums = Create(shape, optical, threads: threads);
        for (int call = 0; call < 3; call++)
        {
            Matrix[] expected, actual;
            try
            {
                OpticalProjector.UseDenseFields = false;
                expected = Run(viaSums, error);
            }
            finally
            {
                OpticalProjector.UseDenseFields = true;
            }

            actual = Run(viaGemm, error);
            for (int l = 0; l < actual.Length; l++)
            {
                Assert.That(actual[l].Data, Is.EqualTo(expected[l].Data), $"call {call}, layer {l}");
            }
        }
    }

    [Test]
    public void KeyedGaussian_IsStandardNormal()
    {
        var re = new float[256];
        var im = new float[256];
        double sum = 0, sum2 = 0, sum4 = 0, sumProduct = 0;
        long within1 = 0, n = 0;
        for (ulong key = 0; key < 1000; key++)
        {
            KeyedGaussian.FillPairs(KeyedGaussian.Key(99, 1, (long)key), 1f, re, im);
            for (int i = 0; i < 256; i++)
            {
                foreach (double x in (ReadOnlySpan<double>)[re[i], im[i]])
                {
                    sum += x;
                    sum2 += x * x;
                    sum4 += x * x * x * x;
                    within1 += Math.Abs(x) < 1 ? 1 : 0;
                    n++;
                }

                sumProduct += (double)re[i] * im[i];
            }
        }

        // 512 000 draws: standard errors 0.0014 (mean), 0.002 (variance), 0.0007 (P(|z| < 1)), 0.007 (kurtosis).
        Assert.That(sum / n, Is.EqualTo(0).Within(0.006));
        Assert.That(sum2 / n, Is.EqualTo(1).Within(0.01));
        Assert.That(sum4 / n, Is.EqualTo(3).Within(0.04));
        Assert.That((double)within1 / n, Is.EqualTo(0.682689).Within(0.003));
        Assert.That(sumProduct / (n / 2), Is.EqualTo(0).Within(0.01));
    }

    private static IEnumerable<TestCaseData> CountCases()
    {
        yield return new(new FeedbackShape(10, [33, 7, 257]), new OpticalOptions(), 4);
        yield return new(new FeedbackShape(37, [33, 7, 257]), OpticalOptions.Ideal with { Mirrors = 8, CameraPixels = 100 }, 3);
        yield return new(new FeedbackShape(257, [1, 256, 300]), new OpticalOptions { Mirrors = 100, AnchorMirrors = 9, CameraPixels = 64, CalibrationFrames = 3 }, 17);
        yield return new(new FeedbackShape(1, [1]), new OpticalOptions { Mirrors = 2 }, 1);
        yield return new(new FeedbackShape(64, [129, 65]), new OpticalOptions { CameraPixels = 129, Drift = 0.1, DriftFrames = 5 }, 129);
    }

    [TestCaseSource(nameof(CountCases))]
    public void Counts_EqualPrediction_SetupAndPerCall_AndStorageEqualsPrediction(FeedbackShape shape, OpticalOptions optical, int batch)
    {
        FeedbackPrediction predicted = Backend.Predict(shape, Config(optical), batch);
        OpticalProjector projector = Create(shape, optical);

        Assert.That(projector.Counts.ContentEquals(predicted.Setup), $"{projector.Counts} vs {predicted.Setup}");
        Assert.That(projector.Storage, Is.EqualTo(predicted.Storage));
        Assert.That(projector.Storage.MatrixBytes, Is.Zero);
        Assert.That(projector.Storage.CalibrationBytes, Is.EqualTo(4 * shape.TotalLayerSize));

        Matrix error = TestData.RandomMatrix(batch, shape.ErrorSize, seed: 9);
        var expected = new ActionCounts();
        expected.Add(predicted.Setup);
        for (int k = 0; k < 3; k++)
        {
            Run(projector, error);
            expected.Add(predicted.PerProjection);
            Assert.That(projector.Counts.ContentEquals(expected), $"after {k + 1} calls: {projector.Counts} vs {expected}");
        }

        projector.FeedbackMatrix(0);
        projector.EncodeError(error, new Matrix(batch, shape.ErrorSize));
        Assert.That(projector.Counts.ContentEquals(expected), "FeedbackMatrix and EncodeError count nothing");
        Assert.That(predicted.PerProjection[HardwareAction.FeedbackBitsRead], Is.Zero);
    }

    [Test]
    public void Predict_DefaultDevice_OneTilePairFourFramesPerSample()
    {
        FeedbackPrediction p = Backend.Predict(new FeedbackShape(1000, [4096, 4096]), new FeedbackConfig(), 128);

        Assert.That(p.PerProjection[HardwareAction.OpticalFrames], Is.EqualTo(4 * 128));
        Assert.That(p.PerProjection[HardwareAction.CameraPixelsRead], Is.EqualTo(4L * 128 * 8192));
        Assert.That(p.PerProjection[HardwareAction.MirrorPixelsWritten], Is.EqualTo(4L * 128 * (1000 + 250)));
        Assert.That(p.Setup[HardwareAction.OpticalFrames], Is.EqualTo(16));
        Assert.That(p.Storage.ToString(), Does.StartWith("optical: transmission matrix named by its seed, 0 B stored"));

        FeedbackPrediction huge = Backend.Predict(new FeedbackShape(1000, [1_000_000, 1_000_000]), new FeedbackConfig(), 1);
        Assert.That(huge.PerProjection[HardwareAction.OpticalFrames], Is.EqualTo(4));
        Assert.That(huge.Storage.CalibrationBytes, Is.EqualTo(8_000_000));
    }

    [Test]
    public void EncodeError_IsTheTernarisedError()
    {
        var shape = new FeedbackShape(10, [5]);
        OpticalProjector projector = Create(shape, new OpticalOptions { Threshold = 0.3 });
        Matrix error = TestData.RandomMatrix(4, 10, seed: 1);
        var actual = new Matrix(4, 10);
        var expected = new Matrix(4, 10);

        projector.EncodeError(error, actual);
        Ternarizer.EncodePerSign(error, 0.3, expected);

        Assert.That(actual.Data, Is.EqualTo(expected.Data));
    }

    [Test]
    public void OptionErrors_NameTheirKey_InCreateAndPredict()
    {
        var shape = new FeedbackShape(10, [5]);
        (FeedbackConfig Options, string Key)[] bad =
        [
            (new FeedbackConfig { Init = FeedbackInit.Uniform }, "feedback.init"),
            (new FeedbackConfig { Init = FeedbackInit.XavierUniform }, "feedback.init"),
            (new FeedbackConfig { Scale = -1 }, "feedback.scale"),
            (Config(new OpticalOptions { Mirrors = 8, AnchorMirrors = 8 }), "feedback.optical.anchor_mirrors"),
            (Config(new OpticalOptions { Mirrors = 8, AnchorMirrors = 9 }), "feedback.optical.mirrors"),
            (Config(new OpticalOptions { Mirrors = 1 }), "feedback.optical.mirrors"),
            (Config(new OpticalOptions { AnchorMirrors = 0 }), "feedback.optical.anchor_mirrors"),
            (Config(new OpticalOptions { Threshold = 1 }), "feedback.optical.threshold"),
            (Config(new OpticalOptions { BitDepth = 17 }), "feedback.optical.bit_depth"),
            (Config(new OpticalOptions { Exposure = 0 }), "feedback.optical.exposure"),
            (Config(new OpticalOptions { CameraPixels = 0 }), "feedback.optical.camera_pixels"),
            (Config(new OpticalOptions { CalibrationFrames = 0 }), "feedback.optical.calibration_frames"),
            (Config(new OpticalOptions { Drift = 0.6 }), "feedback.optical.drift"),
            (Config(new OpticalOptions { DriftFrames = 0.5 }), "feedback.optical.drift_frames"),
            (Config(new OpticalOptions { FullWellElectrons = -1 }), "feedback.optical.full_well_e"),
            (Config(new OpticalOptions { ReadNoiseElectrons = double.NaN }), "feedback.optical.read_noise_e"),
        ];
        foreach ((FeedbackConfig options, string key) in bad)
        {
            Assert.That(() => Backend.Create(shape, options, 1, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
            Assert.That(() => Backend.Predict(shape, options, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
        }

        Assert.That(Backend.Create(shape, new FeedbackConfig { Scale = 2 }, 1, 1), Is.InstanceOf<OpticalProjector>());
    }

    [Test]
    public void Project_RejectsMismatchedShapes()
    {
        var shape = new FeedbackShape(10, [33, 7]);
        OpticalProjector projector = Create(shape, OpticalOptions.Ideal);
        Matrix[] good = Signals(shape, 2);

        Assert.That(() => projector.Project(new Matrix(2, 11), good), Throws.ArgumentException.With.Message.Contains("10 columns"));
        Assert.That(() => projector.Project(new Matrix(3, 10), good), Throws.ArgumentException.With.Message.Contains("3×33"));
        Assert.That(() => projector.Project(null!, good), Throws.InstanceOf<ArgumentNullException>());
        Assert.That(() => projector.Project(new Matrix(2, 10), [good[0]]), Throws.ArgumentException);
    }

    [Test]
    public void MillionOutputs_NeedNoStoredMatrix()
    {
        var shape = new FeedbackShape(1000, [500_000, 500_000]);

        // A sparse error (most components below the threshold) lights few mirrors, which keeps the test fast: the
        // rows of dark mirrors need not be generated. Memory does not depend on it.
        Matrix error = TestData.RandomMatrix(1, 1000, seed: 1);
        for (int i = 0; i < 1000; i++)
        {
            error.Data[i] = i % 50 == 0 ? error.Data[i] : 0;
        }

        Matrix[] signals = Signals(shape, 1);
        long before = GC.GetTotalAllocatedBytes(precise: true);

        IFeedbackProjector projector = Backend.Create(shape, new FeedbackConfig(), 5, 2);
        projector.Project(error, signals);

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        TestContext.Out.WriteLine($"allocated {allocated / 1e6:F1} MB");

        // The world state (anchor field, 16 B per output) and the calibration (4 B) are ~20 MB; a stored complex
        // matrix would be e·N·8 = 8 GB.
        Assert.That(allocated, Is.LessThan(64_000_000L));
        Assert.That(signals[1].Data.Any(v => v != 0), Is.True);
    }

    [Test]
    public void MoreOutputsThanTheSimulatorIndexes_IsAUserError_ForCreateAndPredict()
    {
        var shape = new FeedbackShape(10, [int.MaxValue, 2]);
        var options = new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, new OpticalOptions { CameraPixels = 1 });
        var backend = new OpticalBackend();
        Assert.That(() => backend.Predict(shape, options, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains("at most 2147483647 outputs"));
        Assert.That(() => backend.Create(shape, options, 1, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains("at most 2147483647 outputs"));
    }
}
