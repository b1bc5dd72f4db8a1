using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Optim;

public sealed class SgdTests
{
    private const int Steps = 6;
    private const double Tolerance = 2e-5;

    public static IEnumerable<TestCaseData> Settings()
    {
        yield return new TestCaseData(0.1, 0.0, 0.0, false, 0.0).SetArgDisplayNames("plain");
        yield return new TestCaseData(0.1, 0.0, 0.0, false, 0.05).SetArgDisplayNames("plain, weight decay");
        yield return new TestCaseData(0.05, 0.9, 0.0, false, 0.0).SetArgDisplayNames("momentum");
        yield return new TestCaseData(0.05, 0.9, 0.3, false, 0.0).SetArgDisplayNames("momentum, dampening");
        yield return new TestCaseData(0.05, 0.9, 0.0, true, 0.0).SetArgDisplayNames("nesterov");
        yield return new TestCaseData(0.05, 0.8, 0.1, false, 0.01).SetArgDisplayNames("momentum, dampening, weight decay");
        yield return new TestCaseData(0.05, 0.9, 0.0, true, 0.01).SetArgDisplayNames("nesterov, weight decay");
    }

    [TestCaseSource(nameof(Settings))]
    public void Step_MatchesScalarReference_AcrossSimdWidths(double lr, double momentum, double dampening, bool nesterov, double wd)
    {
        List<Parameter> parameters = OptimTestData.Parameters(11, OptimTestData.Sizes);
        var sgd = new Sgd(parameters, lr, momentum, dampening, nesterov, wd);
        double[][] w = OptimTestData.ToDouble(parameters);
        double[][] buf = [.. w.Select(a => new double[a.Length])];
        var rng = new Rng(12);

        for (int t = 0; t < Steps; t++)
        {
            OptimTestData.SetGradients(parameters, rng);
            double[][] g = OptimTestData.ToDouble(parameters, gradient: true);
            ReferenceStep(w, g, buf, first: t == 0, lr, momentum, dampening, nesterov, wd);
            sgd.Step();
        }

        OptimTestData.AssertClose(OptimTestData.Values(parameters), w, Tolerance, "w");
        if (momentum != 0)
        {
            OptimTestData.AssertClose(sgd.MomentumBuffers, buf, Tolerance, "momentum_buffer");
        }
        else
        {
            Assert.That(sgd.MomentumBuffers, Is.Empty);
        }

        Assert.That(sgd.StepCount, Is.EqualTo(Steps));
    }

    [Test]
    public void Step_Plain_SubtractsLearningRateTimesGradient()
    {
        var p = new Parameter("w", new Matrix(1, 2, [1f, -2f]), isWeight: true);
        p.Gradient.Data[0] = 0.5f;
        p.Gradient.Data[1] = -4f;

        new Sgd([p], learningRate: 0.1).Step();

        Assert.That(p.Value.Data, Is.EqualTo(new[] { 0.95f, -1.6f }).Within(1e-6f));
    }

    [Test]
    public void Step_FirstMomentumStep_SeedsBufferWithUndampedGradient()
    {
        // PyTorch clones the gradient into the buffer on the first step; dampening only applies from the second.
        var p = new Parameter("w", new Matrix(1, 1, [1f]), isWeight: true);
        var sgd = new Sgd([p], learningRate: 0.1, momentum: 0.9, dampening: 0.5);
        p.Gradient.Data[0] = 2f;

        sgd.Step();
        Assert.That(sgd.MomentumBuffers[0][0], Is.EqualTo(2f));
        Assert.That(p.Value.Data[0], Is.EqualTo(0.8f).Within(1e-6f));

        sgd.Step();
        Assert.That(sgd.MomentumBuffers[0][0], Is.EqualTo((0.9f * 2f) + (0.5f * 2f)).Within(1e-6f));
        Assert.That(p.Value.Data[0], Is.EqualTo(0.8f - (0.1f * 2.8f)).Within(1e-6f));
    }

    [Test]
    public void Step_LeavesGradientUnchanged()
    {
        List<Parameter> parameters = OptimTestData.Parameters(3, 33);
        OptimTestData.SetGradients(parameters, new Rng(4));
        float[] before = (float[])parameters[0].Gradient.Data.Clone();

        new Sgd(parameters, 0.1, momentum: 0.9, weightDecay: 0.1).Step();

        Assert.That(parameters[0].Gradient.Data, Is.EqualTo(before));
    }

    [Test]
    public void Step_UsesTheLearningRateSetBetweenSteps()
    {
        var p = new Parameter("w", new Matrix(1, 1, [0f]), isWeight: true);
        p.Gradient.Data[0] = 1f;
        var sgd = new Sgd([p], learningRate: 0.1);

        sgd.Step();
        sgd.LearningRate = 0.01;
        sgd.Step();

        Assert.That(p.Value.Data[0], Is.EqualTo(-0.11f).Within(1e-6f));
    }

    [Test]
    public void Constructor_RejectsBadArguments()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(() => new Sgd(ps, -0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Sgd(ps, double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Sgd(ps, 0.1, momentum: -0.9), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Sgd(ps, 0.1, dampening: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Sgd(ps, 0.1, weightDecay: -1e-4), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new Sgd(ps, 0.1, nesterov: true), Throws.ArgumentException.With.Message.Contains("momentum = 0"));
            Assert.That(() => new Sgd(ps, 0.1, momentum: 0.9, dampening: 0.1, nesterov: true), Throws.ArgumentException.With.Message.Contains("dampening = 0.1"));
            Assert.That(() => new Sgd(null!, 0.1), Throws.ArgumentNullException);
            Assert.That(() => new Sgd([ps[0], ps[0]], 0.1), Throws.ArgumentException.With.Message.Contains("'p0' again"));
            Assert.That(() => new Sgd(ps, 0.1).LearningRate = -1, Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    private static void ReferenceStep(
        double[][] w, double[][] grad, double[][] buf, bool first, double lr, double momentum, double dampening, bool nesterov, double wd)
    {
        for (int k = 0; k < w.Length; k++)
        {
            for (int i = 0; i < w[k].Length; i++)
            {
                double g = grad[k][i] + (wd * w[k][i]);
                if (momentum != 0)
                {
                    buf[k][i] = first ? g : (momentum * buf[k][i]) + ((1 - dampening) * g);
                    g = nesterov ? g + (momentum * buf[k][i]) : buf[k][i];
                }

                w[k][i] -= lr * g;
            }
        }
    }
}
