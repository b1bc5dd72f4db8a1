using Dfa.Backends.Dense;
using Dfa.Backends.Spiking;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Spiking;

public sealed class SpikingProjectorTests
{
    private static readonly SpikingBackend Backend = new();

    private static FeedbackConfig Config(SpikingOptions spiking) => new FeedbackConfig { Backend = "spiking" }.With(SpikingOptions.Section, spiking);

    private static IFeedbackProjector Create(FeedbackShape shape, SpikingOptions spiking) => Backend.Create(shape, Config(spiking), 9, 2);

    [Test]
    public void RateCoding_SpendsExactlyTSpikes_ByLargestRemainders()
    {
        var shape = new FeedbackShape(23, [5]);
        Matrix error = TestData.RandomMatrix(40, 23, seed: 6);
        foreach (int t in new[] { 1, 3, 32 })
        {
            var encoded = new Matrix(40, 23);
            Create(shape, new() { TimeSteps = t }).EncodeError(error, encoded);
            for (int r = 0; r < 40; r++)
            {
                float[] x = error.Row(r).ToArray();
                double l1 = x.Sum(v => Math.Abs((double)v));
                double unit = l1 / t;
                int[] expected = x.Select(v => (int)Math.Floor(t * Math.Abs(v) / l1)).ToArray();
                foreach (int i in Enumerable.Range(0, 23).OrderByDescending(i => (t * Math.Abs(x[i]) / l1) - expected[i]).ThenBy(i => i).Take(t - expected.Sum()))
                {
                    expected[i]++;
                }

                int[] got = encoded.Row(r).ToArray().Select(v => (int)Math.Round(Math.Abs(v) / unit)).ToArray();
                Assert.That(got, Is.EqualTo(expected), $"T {t} sample {r}");
                Assert.That(got.Sum(), Is.EqualTo(t));
                for (int i = 0; i < 23; i++)
                {
                    Assert.That(encoded[r, i] == 0 || Math.Sign(encoded[r, i]) == Math.Sign(x[i]), $"sign of component {i}");
                }
            }
        }
    }

    [Test]
    public void GradedSpikes_SendTheKLargestComponents_WithQuantisedPayloads()
    {
        var shape = new FeedbackShape(30, [5]);
        Matrix error = TestData.RandomMatrix(10, 30, seed: 2);
        var encoded = new Matrix(10, 30);
        Create(shape, new() { Encoding = SpikeEncoding.Graded, Events = 4, PayloadBits = 4 }).EncodeError(error, encoded);
        for (int r = 0; r < 10; r++)
        {
            float[] x = error.Row(r).ToArray();
            float max = x.Max(MathF.Abs);
            int[] top = Enumerable.Range(0, 30).OrderByDescending(i => Math.Abs(x[i])).ThenBy(i => i).Take(4).Order().ToArray();
            int[] sent = Enumerable.Range(0, 30).Where(i => encoded[r, i] != 0).ToArray();
            Assert.That(sent, Is.EqualTo(top));
            foreach (int i in top)
            {
                Assert.That(encoded[r, i], Is.EqualTo(MathF.Round(x[i] / max * 7) * max / 7).Within(1e-6), $"sample {r} component {i}");
            }
        }
    }

    [Test]
    public void Weights_Are8BitMantissasWithAnExponentPerCore()
    {
        var shape = new FeedbackShape(10, [300]);
        IFeedbackProjector p = Create(shape, new() { NeuronsPerCore = 64 });
        Matrix b = new DenseProjector(shape, FeedbackInit.Gaussian, null, 9, 1).Matrix(0);
        Matrix q = p.FeedbackMatrix(0);
        for (int c0 = 0; c0 < 300; c0 += 64)
        {
            int c1 = Math.Min(300, c0 + 64);
            double max = 0;
            for (int i = 0; i < 10; i++)
            {
                for (int j = c0; j < c1; j++)
                {
                    max = Math.Max(max, Math.Abs(b[i, j]));
                }
            }

            double step = Math.Pow(2, Math.Ceiling(Math.Log2(max / 127)));
            for (int i = 0; i < 10; i++)
            {
                for (int j = c0; j < c1; j++)
                {
                    double m = q[i, j] / step;
                    Assert.That(m, Is.EqualTo(Math.Round(m)).Within(1e-9), "an integer mantissa");
                    Assert.That(Math.Abs(m), Is.LessThanOrEqualTo(127));
                    Assert.That(q[i, j], Is.EqualTo(b[i, j]).Within((step / 2) + 1e-9), "rounded to the core's grid");
                }
            }
        }
    }

    [Test]
    public void MatricesTooLargeForTheChip_AreInfeasible_InPredictAndAnErrorInCreate()
    {
        var shape = new FeedbackShape(1000, [4096, 4096]);
        FeedbackPrediction fits = Backend.Predict(shape, Config(new()), 128);
        Assert.That(fits.Infeasible, Is.Null, "1000×8192 8-bit synapses: 64 of 128 Loihi cores");

        var wide = new FeedbackShape(1000, [100_000]);
        FeedbackPrediction tooMany = Backend.Predict(wide, Config(new()), 128);
        Assert.That(tooMany.Infeasible, Does.Contain("cores"));
        Assert.That(tooMany.PerProjection[HardwareAction.SynapticOps], Is.GreaterThan(0), "the counts are still given");

        FeedbackPrediction fanIn = Backend.Predict(new FeedbackShape(200_000, [10]), Config(new()), 1);
        Assert.That(fanIn.Infeasible, Does.Contain("more than a core holds"));
        Assert.That(() => Backend.Create(wide, Config(new()), 1, 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains("cores"));
        Assert.That(Backend.Predict(shape, Config(new() { FanOut = 8 }), 1).Infeasible, Does.Contain("fan-out"));
    }

    [Test]
    public void ZeroError_StillSpendsItsBudget_SoCountsDoNotDependOnTheData()
    {
        var shape = new FeedbackShape(12, [40]);
        IFeedbackProjector p = Create(shape, new());
        IFeedbackProjector q = Create(shape, new());
        p.Project(new Matrix(3, 12), [new Matrix(3, 40)]);
        q.Project(TestData.RandomMatrix(3, 12, seed: 1), [new Matrix(3, 40)]);
        Assert.That(p.Counts.ContentEquals(q.Counts));
        Assert.That(p.Counts[HardwareAction.SpikesSent], Is.EqualTo(3 * 32));
        Assert.That(p.Counts[HardwareAction.SpikeTimeSteps], Is.EqualTo(3 * 32));
    }

    [Test]
    public void OptionErrors_NameTheirKey()
    {
        var shape = new FeedbackShape(3, [4]);
        (SpikingOptions Options, string Key)[] cases =
        [
            (new() { TimeSteps = 0 }, "feedback.spiking.time_steps"),
            (new() { PayloadBits = 1 }, "feedback.spiking.payload_bits"),
            (new() { WeightBits = 1 }, "feedback.spiking.weight_bits"),
            (new() { Cores = 0 }, "feedback.spiking.cores"),
        ];
        foreach ((SpikingOptions options, string key) in cases)
        {
            Assert.That(() => Create(shape, options), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
            Assert.That(() => Backend.Predict(shape, Config(options), 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains(key), key);
        }
    }
}
