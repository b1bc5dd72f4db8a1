using Dfa.Backends.Crossbar;
using Dfa.Backends.Dense;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Crossbar;

public sealed class CrossbarProjectorTests
{
    private static readonly CrossbarBackend Backend = new();

    private static FeedbackConfig Config(CrossbarSettings crossbar, FeedbackInit init = FeedbackInit.Gaussian) =>
        new FeedbackConfig { Backend = "crossbar", Init = init }.With(CrossbarSettings.Section, crossbar);

    private static IFeedbackProjector Create(FeedbackShape shape, CrossbarSettings crossbar, ulong seed = 7, int threads = 2) =>
        Backend.Create(shape, Config(crossbar), seed, threads);

    private static Matrix[] Run(IFeedbackProjector p, Matrix error)
    {
        Matrix[] s = p.Shape.LayerSizes.Select(n => new Matrix(error.Rows, n)).ToArray();
        p.Project(error, s);
        return s;
    }

    [Test]
    public void Ideal_RealisesTheDenseMatrices_BitForBit_AndProjectsAsDenseDoes()
    {
        var shape = new FeedbackShape(10, [800, 300]);
        foreach (FeedbackInit init in new[] { FeedbackInit.Gaussian, FeedbackInit.Uniform })
        {
            var dense = new DenseProjector(shape, init, null, 5, 2);
            IFeedbackProjector ideal = Backend.Create(shape, Config(new() { Preset = CrossbarDevice.Ideal }, init), 5, 2);
            Matrix error = TestData.RandomMatrix(33, 10, seed: 2, 0.3f);
            Matrix[] a = Run(dense, error), b = Run(ideal, error);
            for (int l = 0; l < 2; l++)
            {
                Assert.That(ideal.FeedbackMatrix(l).Data, Is.EqualTo(dense.Matrix(l).Data).AsCollection, $"{init} layer {l}: B̃ = B");
                Assert.That(b[l].Data, Is.EqualTo(a[l].Data).AsCollection, $"{init} layer {l}: the same GEMM");
            }
        }
    }

    [TestCase(37, 8, TestName = "TiledPath_GemmKernel_MatchesTheEncodedProduct_WithinHalfAnAdcStepPerTile")]
    [TestCase(100, 32, TestName = "TiledPath_RowKernel_MatchesTheEncodedProduct_WithinHalfAnAdcStepPerTile")]
    public void TiledPath_MatchesTheEncodedProduct_WithinHalfAnAdcStepPerTile(int e, int tileRows)
    {
        // No read noise, a fine ADC over a wide range and small tiles: the tiled kernel (per-tile GEMM or, for e > 64
        // with a DAC of at most 8 bits, row by row; then ADC and digital sum) must equal EncodeError(E)·B̃ up to the
        // ADC's rounding, ≤ s·Σ_tiles w_t·Δ/2 with w_t ≤ max|B|.
        var shape = new FeedbackShape(e, [50, 17]);
        var options = new CrossbarSettings { Preset = CrossbarDevice.Ideal, AdcBits = 14, AdcRange = 8, DacBits = 6, TileRows = tileRows, TileCols = 12 };
        IFeedbackProjector p = Create(shape, options);
        Matrix error = TestData.RandomMatrix(9, e, seed: 4, 0.2f);
        Matrix[] got = Run(p, error);
        var encoded = new Matrix(9, e);
        p.EncodeError(error, encoded);
        double step = 8.0 / ((1 << 13) - 1);
        int rowTiles = (e + tileRows - 1) / tileRows;
        for (int l = 0; l < 2; l++)
        {
            Matrix b = p.FeedbackMatrix(l);
            double maxB = b.Data.Max(v => Math.Abs((double)v)) * 1.01;
            for (int r = 0; r < 9; r++)
            {
                double s = error.Row(r).ToArray().Max(v => Math.Abs((double)v));
                for (int j = 0; j < b.Cols; j++)
                {
                    double exact = 0;
                    for (int i = 0; i < e; i++)
                    {
                        exact += (double)encoded[r, i] * b[i, j];
                    }

                    double bound = (s * rowTiles * maxB * step / 2) + (1e-5 * Math.Abs(exact)) + 1e-6;
                    Assert.That(got[l][r, j], Is.EqualTo(exact).Within(bound), $"layer {l} sample {r} column {j}");
                }
            }
        }
    }

    [Test]
    public void Adc_QuantisesAndSaturates()
    {
        // One weight, one input: y = ŵ·x with ŵ = ±1 after per-tile scaling. A 2-bit ADC has codes −1, 0, 1 over ±range.
        var shape = new FeedbackShape(1, [1]);
        IFeedbackProjector p = Create(shape, new() { Preset = CrossbarDevice.Ideal, AdcBits = 2, AdcRange = 0.5 });
        Matrix error = new(1, 1);
        error[0, 0] = 3f;
        float b = p.FeedbackMatrix(0)[0, 0];
        Matrix[] s = Run(p, error);
        Assert.That(s[0][0, 0], Is.EqualTo(3f * Math.Abs(b) * 0.5f * Math.Sign(b)).Within(1e-6), "|y| = 1 saturates at the top code, 0.5");

        IFeedbackProjector comparator = Create(shape, new() { Preset = CrossbarDevice.Ideal, AdcBits = 1, AdcRange = 4 });
        Assert.That(Run(comparator, error)[0][0, 0], Is.EqualTo(3f * Math.Abs(b) * 2f * Math.Sign(b)).Within(1e-5), "1 bit: ±range/2");
    }

    [Test]
    public void ProgrammingNoise_HasTheConfiguredSpread_AndIsFrozen()
    {
        // g_min = g_max/10 keeps every target clear of the clamp at 0; σ = 1 % of g_max on each of the pair's two cells,
        // so (B̃ − B)/w_t has standard deviation √2·0.01·g_max/ΔG.
        var shape = new FeedbackShape(16, [2000]);
        var options = new CrossbarSettings { Preset = CrossbarDevice.Ideal, OnOffRatio = 10, ProgrammingSigma = 0.01, TileRows = 16, TileCols = 4000 };
        IFeedbackProjector p = Create(shape, options);
        Matrix b = new DenseProjector(shape, FeedbackInit.Gaussian, null, 7, 1).Matrix(0);
        Matrix realised = p.FeedbackMatrix(0);
        double w = b.Data.Max(v => Math.Abs((double)v));
        double[] d = b.Data.Select((v, i) => (realised.Data[i] - v) / w).ToArray();
        double sd = Math.Sqrt(d.Select(x => x * x).Average());
        Assert.That(sd, Is.EqualTo(Math.Sqrt(2) * 0.01 / 0.9).Within(0.03 * Math.Sqrt(2) * 0.01 / 0.9));
        Assert.That(Create(shape, options).FeedbackMatrix(0).Data, Is.EqualTo(realised.Data).AsCollection, "drawn from the seed");
        Matrix e = TestData.RandomMatrix(4, 16, seed: 1);
        Assert.That(Run(p, e)[0].Data, Is.EqualTo(Run(p, e)[0].Data).AsCollection, "frozen: no read noise, same output every read");
    }

    [Test]
    public void StuckCells_AreTheConfiguredFraction()
    {
        // g_min = 0: a positive weight whose G⁺ is stuck at g_min reads exactly 0.
        var shape = new FeedbackShape(10, [2000]);
        IFeedbackProjector p = Create(shape, new() { Preset = CrossbarDevice.Ideal, StuckAtMin = 0.3 });
        Matrix b = new DenseProjector(shape, FeedbackInit.Gaussian, null, 7, 1).Matrix(0);
        Matrix realised = p.FeedbackMatrix(0);
        int positive = 0, zero = 0;
        for (int i = 0; i < b.Length; i++)
        {
            if (b.Data[i] > 0)
            {
                positive++;
                zero += realised.Data[i] == 0 ? 1 : 0;
            }
        }

        Assert.That((double)zero / positive, Is.EqualTo(0.3).Within(0.03));
        IFeedbackProjector high = Create(shape, new() { Preset = CrossbarDevice.Ideal, StuckAtMax = 1 });
        Assert.That(high.FeedbackMatrix(0).Data, Is.All.EqualTo(0f), "every cell at g_max: G⁺ − G⁻ = 0");
    }

    [Test]
    public void Levels_RoundConductancesToTheGrid()
    {
        var shape = new FeedbackShape(5, [40]);
        IFeedbackProjector p = Create(shape, new() { Preset = CrossbarDevice.Ideal, Levels = 3, TileCols = 80 });
        Matrix b = new DenseProjector(shape, FeedbackInit.Gaussian, null, 7, 1).Matrix(0);
        double w = b.Data.Max(v => Math.Abs((double)v));
        foreach (float v in p.FeedbackMatrix(0).Data)
        {
            double level = v / w * 2; // levels 0, ½, 1 of ΔG on each side: B̃/w ∈ {−1, −½, 0, ½, 1}
            Assert.That(level, Is.EqualTo(Math.Round(level)).Within(1e-5));
        }
    }

    [Test]
    public void Drift_ShrinksTheConductances_AndCompensationRestoresTheScale()
    {
        var shape = new FeedbackShape(10, [800]);
        var young = new CrossbarSettings { ReadNoiseScale = 0, ProgrammingNoiseScale = 0, DacBits = 0, AdcBits = 0, DriftCompensation = false };
        var old = young with { TimeSinceProgrammingS = 3.15e7 };
        double Scale(CrossbarSettings c) => Create(shape, c).FeedbackMatrix(0).Data.Average(v => Math.Abs((double)v));
        double ratio = Scale(old) / Scale(young);
        Assert.That(ratio, Is.LessThan(0.6).And.GreaterThan(0.2), "a year of drift at ν ≈ 0.05–0.1 from t₀ = 20 s");
        double compensated = Scale(old with { DriftCompensation = true }) / Scale(young);
        Assert.That(compensated, Is.EqualTo(1).Within(0.05));
    }

    [Test]
    public void ReadNoise_IsRedrawnAtEveryRead_AndSeeded()
    {
        var shape = new FeedbackShape(10, [300]);
        Matrix e = TestData.RandomMatrix(16, 10, seed: 3);
        IFeedbackProjector a = Create(shape, new() { });
        IFeedbackProjector b = Create(shape, new() { });
        Matrix[] first = Run(a, e), second = Run(a, e);
        Assert.That(second[0].Data, Is.Not.EqualTo(first[0].Data).AsCollection, "a second read draws new noise");
        Assert.That(Run(b, e)[0].Data, Is.EqualTo(first[0].Data).AsCollection, "the same seed and call give the same noise");
    }

    [Test]
    public void ResumedProjector_ContinuesAsTheUninterruptedOne()
    {
        var shape = new FeedbackShape(10, [64]);
        var options = new CrossbarSettings { SecondsPerStep = 50 };
        Matrix e = TestData.RandomMatrix(8, 10, seed: 3);
        IFeedbackProjector whole = Create(shape, options);
        for (int k = 0; k < 5; k++)
        {
            Run(whole, e);
        }

        var state = new ResumeState();
        ((IResumable)whole).SaveState(state, "p/");
        IFeedbackProjector resumed = Create(shape, options);
        ((IResumable)resumed).RestoreState(state, "p/");
        Assert.That(Run(resumed, e)[0].Data, Is.EqualTo(Run(whole, e)[0].Data).AsCollection);
    }

    [Test]
    public void OptionErrors_NameTheirKey_InCreateAndPredict()
    {
        var shape = new FeedbackShape(3, [4]);
        (CrossbarSettings Options, string Key)[] cases =
        [
            (new() { AdcBits = 17 }, "feedback.crossbar.adc_bits must be in 0..16 (0: exact), got 17"),
            (new() { DacBits = 1 }, "feedback.crossbar.dac_bits"),
            (new() { TileCols = 7 }, "feedback.crossbar.tile_cols"),
            (new() { Levels = 1 }, "feedback.crossbar.levels"),
            (new() { OnOffRatio = 0.5 }, "feedback.crossbar.on_off_ratio"),
            (new() { StuckAtMin = 0.7, StuckAtMax = 0.7 }, "feedback.crossbar.stuck_at_max"),
            (new() { Preset = CrossbarDevice.Rram, ReadNoiseScale = 1 }, "feedback.crossbar.read_noise_scale"),
            (new() { Preset = CrossbarDevice.Rram, DriftScale = 1 }, "feedback.crossbar.drift_scale"),
        ];
        foreach ((CrossbarSettings options, string key) in cases)
        {
            Assert.That(() => Create(shape, options), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
            Assert.That(() => Backend.Predict(shape, Config(options), 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
        }
    }

    [Test]
    public void DeviceFits_AreAihwkitsAndCrossSimsFormulas()
    {
        Assert.That(DeviceModel.PcmProgrammingSigma(0), Is.EqualTo(0.26348).Within(1e-12));
        Assert.That(DeviceModel.PcmProgrammingSigma(1), Is.EqualTo(0.26348 + 1.9650 - 1.1731).Within(1e-12));
        Assert.That(DeviceModel.PcmDriftMean(1), Is.EqualTo(0.049), "0.0244 clipped up to 0.049");
        Assert.That(DeviceModel.PcmDriftMean(1e-3), Is.EqualTo(Math.Min(-0.0155 * Math.Log(1e-3) + 0.0244, 0.1)).Within(1e-12));
        Assert.That(DeviceModel.PcmReadQ(1), Is.EqualTo(0.0088).Within(1e-12));
        Assert.That(DeviceModel.PcmReadQ(1e-6), Is.EqualTo(0.2), "clipped at 0.2");
        Assert.That(DeviceModel.ProgrammingSigma(CrossbarOptions.Rram, 100), Is.EqualTo((-0.009107 * 100) + 4.782321).Within(1e-12));
        Assert.That(DeviceModel.ProgrammingSigma(CrossbarOptions.Rram, 1000), Is.Zero, "the linear fit floors at 0");
        Assert.That(DeviceModel.ProgrammingSigma(CrossbarOptions.Pcm with { GMaxMicroSiemens = 50 }, 50), Is.EqualTo((0.26348 + 1.9650 - 1.1731) * 2).Within(1e-12));
    }

    [Test]
    public void Storage_HoldsNoDigitalMatrix_AndNamesTheCells()
    {
        FeedbackStorage s = Backend.Predict(new FeedbackShape(10, [800, 800]), Config(new() { }), 128).Storage;
        Assert.That(s.MatrixBytes, Is.Zero);
        Assert.That(s.Layout, Does.Contain("32000 cells").And.Contain("continuous levels"));
    }
}
