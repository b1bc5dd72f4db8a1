using Dfa.Core.Losses;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Core.Tests.Layers;

namespace Dfa.Core.Tests.Losses;

public sealed class SoftmaxCrossEntropyTests
{
    private static readonly SoftmaxCrossEntropy Loss = new();

    /// <summary>Mean of <c>log Σ e^z − z_y</c>, with the log-sum-exp shifted by the row maximum, all in double.</summary>
    private static double Reference(Matrix logits, int[] labels)
    {
        double total = 0;
        for (int i = 0; i < logits.Rows; i++)
        {
            double max = logits.Row(i).ToArray().Max();
            double lse = max + Math.Log(logits.Row(i).ToArray().Sum(z => Math.Exp(z - max)));
            total += lse - logits[i, labels[i]];
        }

        return total / logits.Rows;
    }

    [Test]
    public void Compute_MatchesLogSumExpReference()
    {
        Matrix logits = GradientCheck.Gaussian(7, 10, new Rng(1), scale: 3);
        int[] labels = [0, 3, 9, 2, 2, 5, 7];
        Assert.That(Loss.Compute(logits, labels, null), Is.EqualTo(Reference(logits, labels)).Within(1e-12));
    }

    [Test]
    public void Gradient_MatchesFiniteDifferences()
    {
        Matrix logits = GradientCheck.Gaussian(5, 4, new Rng(2), scale: 2);
        int[] labels = [1, 0, 3, 3, 2];
        var gradient = new Matrix(5, 4);
        Loss.Compute(logits, labels, gradient);

        // The loss is computed in double from float logits, so the only noise is the float32 rounding of the stored
        // gradient (≈1e-8 here); h = 1e-3 makes truncation ≈h²·|L'''| ≈ 1e-7. 1e-5 absolute is well above both.
        GradientCheck.AssertMatches(logits, gradient, () => Loss.Compute(logits, labels, null), "softmax-ce dL/dz", h: 1e-3, atol: 1e-5, rtol: 1e-4);
    }

    [Test]
    public void Gradient_IsSoftmaxMinusOneHotOverN()
    {
        var logits = new Matrix(2, 3, [0f, 0f, 0f, 1f, 2f, 3f]);
        var gradient = new Matrix(2, 3);
        Loss.Compute(logits, [2, 0], gradient);
        double s = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        double[] expected = [1 / 6.0, 1 / 6.0, (1 / 3.0 - 1) / 2, (Math.Exp(1) / s - 1) / 2, Math.Exp(2) / s / 2, Math.Exp(3) / s / 2];
        for (int i = 0; i < 6; i++)
        {
            Assert.That(gradient.Data[i], Is.EqualTo(expected[i]).Within(1e-7));
        }
    }

    [Test]
    public void ExtremeLogits_GiveFiniteLossAndGradient()
    {
        var logits = new Matrix(3, 3, [1e4f, -1e4f, 0f, -1e4f, -1e4f, -1e4f, 1e4f, 1e4f, -1e4f]);
        int[] labels = [1, 2, 0];
        var gradient = new Matrix(3, 3);
        double loss = Loss.Compute(logits, labels, gradient);
        Assert.That(double.IsFinite(loss), Is.True);
        Assert.That(gradient.Data.All(float.IsFinite), Is.True);

        // Row 0 costs 2e4, row 1 log 3, row 2 log 2.
        double expected = (2e4 + Math.Log(3) + Math.Log(2)) / 3;
        Assert.That(loss, Is.EqualTo(expected).Within(1e-9 * expected));
        Assert.That(loss, Is.EqualTo(Reference(logits, labels)).Within(1e-9 * expected));
        Assert.That(gradient[0, 1], Is.EqualTo(-1f / 3).Within(1e-7));
        Assert.That(gradient[2, 0], Is.EqualTo((0.5 - 1) / 3).Within(1e-7));
    }

    [Test]
    public void GradientRows_SumToZero()
    {
        Matrix logits = GradientCheck.Gaussian(6, 10, new Rng(3), scale: 5);
        var gradient = new Matrix(6, 10);
        Loss.Compute(logits, [0, 1, 2, 3, 4, 5], gradient);
        for (int i = 0; i < 6; i++)
        {
            Assert.That(gradient.Row(i).ToArray().Sum(v => (double)v), Is.EqualTo(0).Within(1e-7));
        }
    }

    [Test]
    public void CountCorrect_ComparesArgmaxWithLabels_FirstIndexOnTies()
    {
        var logits = new Matrix(4, 3, [0f, 2f, 1f, 5f, 5f, 0f, 0f, 0f, 3f, 1f, 0f, 0f]);
        Assert.That(Loss.CountCorrect(logits, [1, 0, 2, 2]), Is.EqualTo(3));
        Assert.That(Loss.CountCorrect(logits, [1, 1, 2, 2]), Is.EqualTo(2));
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        var logits = new Matrix(2, 3);
        Assert.That(() => Loss.Compute(logits, [0, 3], null), Throws.ArgumentException.With.Message.Contains("Label 3 at row 1"));
        Assert.That(() => Loss.Compute(logits, [-1, 0], null), Throws.ArgumentException.With.Message.Contains("Label -1"));
        Assert.That(() => Loss.Compute(logits, [0], null), Throws.ArgumentException.With.Message.Contains("2 labels"));
        Assert.That(() => Loss.Compute(logits, [0, 1], new Matrix(2, 4)), Throws.ArgumentException.With.Message.Contains("2×3"));
        Assert.That(() => Loss.Compute(new Matrix(0, 3), [], null), Throws.ArgumentException);
        Assert.That(() => Loss.CountCorrect(logits, [0, 5]), Throws.ArgumentException);
    }
}
