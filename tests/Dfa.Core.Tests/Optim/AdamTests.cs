using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Optim;

public sealed class AdamTests
{
    private const int Steps = 8;
    private const double Tolerance = 2e-5;

    public static IEnumerable<TestCaseData> Settings()
    {
        yield return new TestCaseData(1e-2, 0.9, 0.999, 1e-8, 0.0).SetArgDisplayNames("defaults");
        yield return new TestCaseData(1e-2, 0.9, 0.999, 1e-8, 0.05).SetArgDisplayNames("weight decay");
        yield return new TestCaseData(5e-3, 0.8, 0.99, 1e-6, 0.0).SetArgDisplayNames("other betas, eps");
        yield return new TestCaseData(5e-3, 0.0, 0.5, 1e-3, 0.01).SetArgDisplayNames("beta1 = 0, large eps, weight decay");
    }

    [TestCaseSource(nameof(Settings))]
    public void Step_MatchesScalarReference_AcrossSimdWidths(double lr, double beta1, double beta2, double eps, double wd)
    {
        List<Parameter> parameters = OptimTestData.Parameters(21, OptimTestData.Sizes);
        var adam = new Adam(parameters, lr, beta1, beta2, eps, wd);
        double[][] w = OptimTestData.ToDouble(parameters);
        double[][] m = [.. w.Select(a => new double[a.Length])];
        double[][] v = [.. w.Select(a => new double[a.Length])];
        var rng = new Rng(22);

        for (int t = 1; t <= Steps; t++)
        {
            OptimTestData.SetGradients(parameters, rng);
            double[][] g = OptimTestData.ToDouble(parameters, gradient: true);
            ReferenceStep(w, g, m, v, t, lr, beta1, beta2, eps, wd);
            adam.Step();
        }

        OptimTestData.AssertClose(OptimTestData.Values(parameters), w, Tolerance, "w");
        OptimTestData.AssertClose(adam.ExpAvg, m, Tolerance, "exp_avg");
        OptimTestData.AssertClose(adam.ExpAvgSq, v, Tolerance, "exp_avg_sq");
        Assert.That(adam.StepCount, Is.EqualTo(Steps));
    }

    [Test]
    public void FirstStep_MovesEachWeightByLearningRateTimesSignOfGradient()
    {
        // Bias correction makes m̂ = g and v̂ = g² after one step, so Δw = −lr·g/(|g| + eps) ≈ −lr·sign(g) whatever |g| is.
        const double lr = 1e-3;
        List<Parameter> parameters = OptimTestData.Parameters(5, 33);
        float[] before = (float[])parameters[0].Value.Data.Clone();
        float[] grad = parameters[0].Gradient.Data;
        for (int i = 0; i < grad.Length; i++)
        {
            grad[i] = (i % 2 == 0 ? 1 : -1) * MathF.Pow(10, (i % 7) - 2);
        }

        new Adam(parameters, lr).Step();

        for (int i = 0; i < grad.Length; i++)
        {
            double moved = parameters[0].Value.Data[i] - before[i];
            Assert.That(moved, Is.EqualTo(-lr * Math.Sign(grad[i])).Within(1e-7), $"element {i}, g = {grad[i]}");
        }
    }

    [Test]
    public void TwoSteps_MatchHandComputedValues()
    {
        // t=1, g=1:  m=0.1, v=0.001, m̂=1, v̂=1 → w = −0.1/(1 + 1e−8).
        // t=2, g=−1: m=0.09−0.1=−0.01, v=0.000999+0.001=0.001999, m̂=−0.01/0.19, v̂=1 → w += 0.1·(0.01/0.19)/(1 + 1e−8).
        var p = new Parameter("w", new Matrix(1, 1), isWeight: true);
        var adam = new Adam([p], learningRate: 0.1);

        p.Gradient.Data[0] = 1f;
        adam.Step();
        Assert.That(p.Value.Data[0], Is.EqualTo(-0.1f).Within(1e-7f));

        p.Gradient.Data[0] = -1f;
        adam.Step();
        Assert.Multiple(() =>
        {
            Assert.That(adam.ExpAvg[0][0], Is.EqualTo(-0.01f).Within(1e-7f));
            Assert.That(adam.ExpAvgSq[0][0], Is.EqualTo(0.001999f).Within(1e-9f));
            Assert.That(p.Value.Data[0], Is.EqualTo(-0.1 + (0.1 * 0.01 / 0.19)).Within(1e-6));
        });
    }

    [Test]
    public void Step_GivesBitIdenticalResults_InVectorBodyAndScalarTail()
    {
        // One 257-long parameter runs mostly through the SIMD body; 257 one-element parameters run only the scalar tail.
        List<Parameter> wide = OptimTestData.Parameters(31, 257);
        List<Parameter> narrow = [.. Enumerable.Range(0, 257).Select(i => new Parameter($"n{i}", new Matrix(1, 1, [wide[0].Value.Data[i]]), true))];
        var adamWide = new Adam(wide, 1e-2, weightDecay: 0.01);
        var adamNarrow = new Adam(narrow, 1e-2, weightDecay: 0.01);
        var rng = new Rng(32);

        for (int t = 0; t < 5; t++)
        {
            OptimTestData.SetGradients(wide, rng);
            for (int i = 0; i < 257; i++)
            {
                narrow[i].Gradient.Data[0] = wide[0].Gradient.Data[i];
            }

            adamWide.Step();
            adamNarrow.Step();
        }

        Assert.That(narrow.Select(p => p.Value.Data[0]).ToArray(), Is.EqualTo(wide[0].Value.Data));
    }

    [Test]
    public void Step_DoesNotAllocate()
    {
        List<Parameter> parameters = OptimTestData.Parameters(41, 4096, 257, 9);
        OptimTestData.SetGradients(parameters, new Rng(42), 1e-2);
        var adam = new Adam(parameters, 1e-3, weightDecay: 1e-4);
        for (int i = 0; i < 10; i++)
        {
            adam.Step();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            adam.Step();
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Step_LeavesGradientUnchanged()
    {
        List<Parameter> parameters = OptimTestData.Parameters(3, 33);
        OptimTestData.SetGradients(parameters, new Rng(4));
        float[] before = (float[])parameters[0].Gradient.Data.Clone();

        new Adam(parameters, 0.1, weightDecay: 0.1).Step();

        Assert.That(parameters[0].Gradient.Data, Is.EqualTo(before));
    }

    [Test]
    public void Constructor_RejectsBadArguments()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(() => new Adam(ps, -1e-3), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, double.PositiveInfinity), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, 1e-3, beta1: 1.0), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("[0, 1)"));
            Assert.That(() => new Adam(ps, 1e-3, beta1: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, 1e-3, beta2: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, 1e-3, beta2: double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, 1e-3, eps: -1e-8), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(ps, 1e-3, weightDecay: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Adam(null!, 1e-3), Throws.ArgumentNullException);
            Assert.That(() => new Adam([ps[0], null!], 1e-3), Throws.ArgumentException);
            Assert.That(() => new Adam(ps, 1e-3).LearningRate = double.NaN, Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    private static void ReferenceStep(
        double[][] w, double[][] grad, double[][] m, double[][] v, int t, double lr, double beta1, double beta2, double eps, double wd)
    {
        for (int k = 0; k < w.Length; k++)
        {
            for (int i = 0; i < w[k].Length; i++)
            {
                double g = grad[k][i] + (wd * w[k][i]);
                m[k][i] = (beta1 * m[k][i]) + ((1 - beta1) * g);
                v[k][i] = (beta2 * v[k][i]) + ((1 - beta2) * g * g);
                double mHat = m[k][i] / (1 - Math.Pow(beta1, t));
                double vHat = v[k][i] / (1 - Math.Pow(beta2, t));
                w[k][i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            }
        }
    }
}
