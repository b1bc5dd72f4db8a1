using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class LayerNormTests
{
    private static LayerNorm WithRandomAffine(int size, ulong seed)
    {
        var layer = new LayerNorm(size);
        var rng = new Rng(seed);
        for (int j = 0; j < size; j++)
        {
            layer.Weight.Value.Data[j] = (float)(0.5 + rng.NextDouble());
            layer.Bias.Value.Data[j] = (float)rng.NextGaussian();
        }

        return layer;
    }

    [Test]
    public void Backward_MatchesFiniteDifferences()
    {
        LayerNorm layer = WithRandomAffine(6, 1);
        GradientCheck.CheckLayer(layer, GradientCheck.Gaussian(4, 6, new Rng(2), scale: 1.5), seed: 3);
    }

    [Test]
    public void Forward_MatchesDoubleReference_InBothModes()
    {
        LayerNorm layer = WithRandomAffine(5, 4);
        Matrix x = GradientCheck.Gaussian(3, 5, new Rng(5), scale: 2);
        for (int i = 0; i < 3; i++)
        {
            x[i, 0] += 100f;
        }

        foreach (bool training in new[] { true, false })
        {
            Matrix y = layer.Forward(x, training);
            for (int i = 0; i < 3; i++)
            {
                double mean = Enumerable.Range(0, 5).Average(j => (double)x[i, j]);
                double variance = Enumerable.Range(0, 5).Average(j => Math.Pow(x[i, j] - mean, 2));
                for (int j = 0; j < 5; j++)
                {
                    double expected = (layer.Weight.Value.Data[j] * (x[i, j] - mean) / Math.Sqrt(variance + 1e-5)) + layer.Bias.Value.Data[j];
                    Assert.That(y[i, j], Is.EqualTo(expected).Within(1e-5 * (1 + Math.Abs(expected))), $"[{i}, {j}] training={training}");
                }
            }
        }
    }

    [Test]
    public void Backward_WithoutInputGradient_ReturnsNullAndFillsParameterGradients()
    {
        LayerNorm layer = WithRandomAffine(3, 6);
        Matrix x = GradientCheck.Gaussian(2, 3, new Rng(7));
        layer.Forward(x, true);
        Assert.That(layer.Backward(new Matrix(2, 3, [1, 1, 1, 1, 1, 1]), needInputGradient: false), Is.Null);
        Assert.That(layer.Bias.Gradient.Data, Is.All.EqualTo(2f));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        Assert.That(() => new LayerNorm(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new LayerNorm(3, eps: -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        var layer = new LayerNorm(3);
        Assert.That(() => layer.Backward(new Matrix(1, 3), true), Throws.InvalidOperationException);
        Assert.That(() => layer.Forward(new Matrix(2, 4), true), Throws.ArgumentException.With.Message.Contains("3 columns"));
        layer.Forward(new Matrix(2, 3), true);
        Assert.That(() => layer.Backward(new Matrix(2, 4), true), Throws.ArgumentException.With.Message.Contains("2×3"));
    }
}
