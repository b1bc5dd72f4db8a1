using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class BatchNorm1dTests
{
    private static BatchNorm1d WithRandomAffine(int size, ulong seed)
    {
        var layer = new BatchNorm1d(size);
        var rng = new Rng(seed);
        for (int j = 0; j < size; j++)
        {
            layer.Weight.Value.Data[j] = (float)(0.5 + rng.NextDouble());
            layer.Bias.Value.Data[j] = (float)rng.NextGaussian();
        }

        return layer;
    }

    [Test]
    public void TrainingBackward_MatchesFiniteDifferences_ThroughBatchStatistics()
    {
        BatchNorm1d layer = WithRandomAffine(4, 1);
        Matrix x = GradientCheck.Gaussian(6, 4, new Rng(2), scale: 1.5);
        GradientCheck.CheckLayer(layer, x, seed: 3);
    }

    [Test]
    public void EvaluationBackward_MatchesFiniteDifferences_WithRunningStatistics()
    {
        BatchNorm1d layer = WithRandomAffine(4, 4);
        layer.RunningMean.Span.Fill(0.3f);
        layer.RunningVar.Span.Fill(2f);
        Matrix x = GradientCheck.Gaussian(3, 4, new Rng(5));
        Matrix g = GradientCheck.Gaussian(3, 4, new Rng(6));
        layer.Forward(x, training: false);
        Matrix dx = layer.Backward(g, true)!.Clone();
        Matrix dGamma = layer.Weight.Gradient.Clone();
        double Loss() => GradientCheck.Dot(g, layer.Forward(x, training: false));
        GradientCheck.AssertMatches(x, dx, Loss, "batchnorm eval dL/dx");
        GradientCheck.AssertMatches(layer.Weight.Value, dGamma, Loss, "batchnorm eval dL/dweight");
    }

    [Test]
    public void Training_UpdatesRunningStatistics_WithUnbiasedVariance()
    {
        var layer = new BatchNorm1d(2, momentum: 0.25);
        var x = new Matrix(4, 2, [1f, 10f, 2f, 10f, 4f, 12f, 7f, 16f]);
        layer.Forward(x, training: true);
        layer.Forward(x, training: true);

        // Column 0: mean 3.5, Σ(x−μ)² = 21, unbiased 7. Column 1: mean 12, Σ(x−μ)² = 24, unbiased 8.
        double[] mean = [3.5, 12];
        double[] unbiased = [7, 8];
        for (int j = 0; j < 2; j++)
        {
            double rm = 0;
            double rv = 1;
            for (int step = 0; step < 2; step++)
            {
                rm = (0.75 * rm) + (0.25 * mean[j]);
                rv = (0.75 * rv) + (0.25 * unbiased[j]);
            }

            Assert.That(layer.RunningMean.Data[j], Is.EqualTo(rm).Within(1e-5), $"running_mean[{j}]");
            Assert.That(layer.RunningVar.Data[j], Is.EqualTo(rv).Within(1e-5), $"running_var[{j}]");
        }

        Assert.That(layer.NumBatchesTracked, Is.EqualTo(2));
        layer.Forward(x, training: false);
        Assert.That(layer.NumBatchesTracked, Is.EqualTo(2), "evaluation leaves the statistics alone");
    }

    [Test]
    public void Training_NormalisesWithBiasedBatchVariance()
    {
        var layer = new BatchNorm1d(1);
        var x = new Matrix(4, 1, [1f, 2f, 4f, 7f]);
        Matrix y = layer.Forward(x, training: true);
        double invStd = 1 / Math.Sqrt((21.0 / 4) + 1e-5);
        for (int i = 0; i < 4; i++)
        {
            Assert.That(y.Data[i], Is.EqualTo((x.Data[i] - 3.5) * invStd).Within(1e-6));
        }
    }

    [Test]
    public void Evaluation_UsesRunningStatistics()
    {
        BatchNorm1d layer = WithRandomAffine(3, 7);
        float[] rm = [0.5f, -1f, 2f];
        float[] rv = [0.25f, 4f, 1.5f];
        rm.CopyTo(layer.RunningMean.Data, 0);
        rv.CopyTo(layer.RunningVar.Data, 0);
        Matrix x = GradientCheck.Gaussian(5, 3, new Rng(8));
        Matrix y = layer.Forward(x, training: false);
        for (int i = 0; i < 5; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                double expected = (layer.Weight.Value.Data[j] * (x[i, j] - rm[j]) / Math.Sqrt(rv[j] + 1e-5)) + layer.Bias.Value.Data[j];
                Assert.That(y[i, j], Is.EqualTo(expected).Within(1e-5));
            }
        }

        Assert.That(layer.RunningMean.Data, Is.EqualTo(rm));
    }

    [Test]
    public void BatchOfOne_IsRejectedInTrainingOnly()
    {
        var layer = new BatchNorm1d(3);
        Assert.That(
            () => layer.Forward(new Matrix(1, 3), training: true),
            Throws.ArgumentException.With.Message.Contains("Expected more than 1 value per channel when training"));
        Assert.That(layer.Forward(new Matrix(1, 3), training: false).Rows, Is.EqualTo(1));
    }

    [Test]
    public void Parameters_FollowPyTorchNamesAndInit()
    {
        var layer = new BatchNorm1d(3);
        Assert.That(layer.Parameters.Select(p => (p.Name, p.IsWeight)), Is.EqualTo(new[] { ("weight", false), ("bias", false) }));
        Assert.That(layer.Weight.Value.Data, Is.All.EqualTo(1f));
        Assert.That(layer.Bias.Value.Data, Is.All.EqualTo(0f));
        Assert.That(layer.RunningMean.Data, Is.All.EqualTo(0f));
        Assert.That(layer.RunningVar.Data, Is.All.EqualTo(1f));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        Assert.That(() => new BatchNorm1d(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new BatchNorm1d(3, eps: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new BatchNorm1d(3, momentum: 1.5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        var layer = new BatchNorm1d(3);
        Assert.That(() => layer.Backward(new Matrix(2, 3), true), Throws.InvalidOperationException);
        Assert.That(() => layer.Forward(new Matrix(2, 2), true), Throws.ArgumentException.With.Message.Contains("3 columns"));
        layer.Forward(new Matrix(2, 3), true);
        Assert.That(() => layer.Backward(new Matrix(3, 3), true), Throws.ArgumentException.With.Message.Contains("2×3"));
    }
}
