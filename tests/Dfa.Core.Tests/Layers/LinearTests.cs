using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using MMatrix = MathNet.Numerics.LinearAlgebra.Matrix<double>;

namespace Dfa.Core.Tests.Layers;

public sealed class LinearTests
{
    private static MMatrix ToMathNet(Matrix m) => MMatrix.Build.Dense(m.Rows, m.Cols, (i, j) => m[i, j]);

    private static void AssertClose(Matrix actual, MMatrix expected, double tolerance)
    {
        Assert.That(actual.Rows, Is.EqualTo(expected.RowCount));
        Assert.That(actual.Cols, Is.EqualTo(expected.ColumnCount));
        for (int i = 0; i < actual.Rows; i++)
        {
            for (int j = 0; j < actual.Cols; j++)
            {
                Assert.That(actual[i, j], Is.EqualTo(expected[i, j]).Within(tolerance), $"[{i}, {j}]");
            }
        }
    }

    [Test]
    public void Forward_MatchesMathNetReference()
    {
        var layer = new Linear(13, 6, new Rng(1));
        Matrix x = GradientCheck.Gaussian(9, 13, new Rng(2));
        Matrix y = layer.Forward(x, training: true);
        MMatrix expected = ToMathNet(x) * ToMathNet(layer.Weight.Value).Transpose();
        for (int i = 0; i < expected.RowCount; i++)
        {
            for (int j = 0; j < expected.ColumnCount; j++)
            {
                expected[i, j] += layer.Bias!.Value[0, j];
            }
        }

        // float32 sums of 13 products of O(1) terms: a few 1e-7.
        AssertClose(y, expected, 1e-5);
    }

    [TestCase(true)]
    [TestCase(false)]
    public void Backward_MatchesFiniteDifferences(bool bias)
    {
        var layer = new Linear(5, 3, new Rng(3), bias: bias);
        Assert.That(layer.Parameters, Has.Count.EqualTo(bias ? 2 : 1));
        GradientCheck.CheckLayer(layer, GradientCheck.Gaussian(4, 5, new Rng(4)), seed: 5);
    }

    [Test]
    public void Backward_MatchesClosedForms()
    {
        var layer = new Linear(7, 4, new Rng(6));
        Matrix x = GradientCheck.Gaussian(5, 7, new Rng(7));
        Matrix g = GradientCheck.Gaussian(5, 4, new Rng(8));
        layer.Forward(x, training: true);
        Matrix dx = layer.Backward(g, needInputGradient: true)!;
        AssertClose(layer.Weight.Gradient, ToMathNet(g).Transpose() * ToMathNet(x), 1e-5);
        AssertClose(layer.Bias!.Gradient, MMatrix.Build.DenseOfRowVectors(ToMathNet(g).ColumnSums()), 1e-5);
        AssertClose(dx, ToMathNet(g) * ToMathNet(layer.Weight.Value), 1e-5);
    }

    [Test]
    public void Backward_WithoutInputGradient_ReturnsNullAndStillFillsParameterGradients()
    {
        Matrix x = GradientCheck.Gaussian(5, 7, new Rng(9));
        Matrix g = GradientCheck.Gaussian(5, 4, new Rng(10));
        var full = new Linear(7, 4, new Rng(11));
        full.Forward(x, true);
        full.Backward(g, needInputGradient: true);
        var partial = new Linear(7, 4, new Rng(11));
        partial.Weight.Gradient.Span.Fill(float.NaN);
        partial.Forward(x, true);
        Assert.That(partial.Backward(g, needInputGradient: false), Is.Null);
        Assert.That(partial.Weight.Gradient.Data, Is.EqualTo(full.Weight.Gradient.Data));
        Assert.That(partial.Bias!.Gradient.Data, Is.EqualTo(full.Bias!.Gradient.Data));
    }

    [Test]
    public void Backward_OverwritesGradients_AndFollowsBatchSizeChanges()
    {
        var layer = new Linear(6, 3, new Rng(12));
        layer.Forward(GradientCheck.Gaussian(8, 6, new Rng(13)), true);
        layer.Backward(GradientCheck.Gaussian(8, 3, new Rng(14)), true);

        // A smaller last batch of the epoch: outputs, gradients and dX all take the new row count.
        Matrix x = GradientCheck.Gaussian(3, 6, new Rng(15));
        Matrix g = GradientCheck.Gaussian(3, 3, new Rng(16));
        Matrix y = layer.Forward(x, true);
        Matrix dx = layer.Backward(g, true)!;
        Assert.That((y.Rows, dx.Rows), Is.EqualTo((3, 3)));
        AssertClose(layer.Weight.Gradient, ToMathNet(g).Transpose() * ToMathNet(x), 1e-5);
        AssertClose(dx, ToMathNet(g) * ToMathNet(layer.Weight.Value), 1e-5);
        Assert.That(() => layer.Backward(new Matrix(8, 3), true), Throws.ArgumentException.With.Message.Contains("3×3"));
    }

    [Test]
    public void Init_FollowsPyTorchBoundsAndSeed()
    {
        var layer = new Linear(400, 50, new Rng(17));
        double bound = 1 / Math.Sqrt(400);
        float[] w = layer.Weight.Value.Data;
        float[] b = layer.Bias!.Value.Data;
        Assert.That(w.Concat(b).All(v => Math.Abs(v) <= bound), Is.True);

        // U(−c, c) has variance c²/3; 20000 draws pin it within a few percent.
        double variance = w.Select(v => (double)v * v).Average();
        Assert.That(variance, Is.EqualTo(bound * bound / 3).Within(5).Percent);
        Assert.That(new Linear(400, 50, new Rng(17)).Weight.Value.Data, Is.EqualTo(w));
        Assert.That(layer.Weight.IsWeight, Is.True);
        Assert.That(layer.Bias.IsWeight, Is.False);
        Assert.That((layer.Weight.Name, layer.Bias.Name), Is.EqualTo(("weight", "bias")));
        Assert.That((layer.Weight.Value.Rows, layer.Weight.Value.Cols), Is.EqualTo((50, 400)));
    }

    [Test]
    public void Threads_DoNotChangeResults()
    {
        Matrix x = GradientCheck.Gaussian(10, 9, new Rng(18));
        Matrix y1 = new Linear(9, 5, new Rng(19), threads: 1).Forward(x, true).Clone();
        Matrix y4 = new Linear(9, 5, new Rng(19), threads: 4).Forward(x, true);
        Assert.That(y4.Data, Is.EqualTo(y1.Data));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        Assert.That(() => new Linear(0, 3, new Rng(1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Linear(3, -1, new Rng(1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Linear(3, 3, new Rng(1), threads: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Linear(3, 3, null!), Throws.ArgumentNullException);
        var layer = new Linear(3, 2, new Rng(1));
        Assert.That(() => layer.Backward(new Matrix(1, 2), true), Throws.InvalidOperationException);
        Assert.That(() => layer.Forward(new Matrix(4, 2), true), Throws.ArgumentException.With.Message.Contains("3 columns"));
        layer.Forward(new Matrix(4, 3), true);
        Assert.That(() => layer.Backward(new Matrix(4, 3), true), Throws.ArgumentException.With.Message.Contains("4×2"));
    }
}
