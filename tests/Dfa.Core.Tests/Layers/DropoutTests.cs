using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

public sealed class DropoutTests
{
    [Test]
    public void Evaluation_IsIdentity()
    {
        var layer = new Dropout(5, 0.5, new Rng(1));
        Matrix x = GradientCheck.Gaussian(3, 5, new Rng(2));
        Matrix y = layer.Forward(x, training: false);
        Assert.That(y, Is.Not.SameAs(x));
        Assert.That(y.Data, Is.EqualTo(x.Data));
        Assert.That(layer.Backward(x, true)!.Data, Is.EqualTo(x.Data));
    }

    [Test]
    public void Training_KeepsAboutOneMinusP_AndScalesKeptUnits()
    {
        const double p = 0.3;
        var layer = new Dropout(100, p, new Rng(3));
        var x = new Matrix(200, 100);
        x.Span.Fill(2f);
        Matrix y = layer.Forward(x, training: true);
        float kept = (float)(2 / (1 - p));
        Assert.That(y.Data.All(v => v == 0f || v == kept), Is.True);

        // 20000 Bernoulli(0.7) draws: standard deviation of the kept fraction ≈ 0.0032; 4σ bound.
        double fraction = y.Data.Count(v => v != 0f) / (double)y.Length;
        Assert.That(fraction, Is.EqualTo(1 - p).Within(0.013));
    }

    [Test]
    public void SameSeed_GivesSameMask_AndZeroPDrawsNothing()
    {
        Matrix x = GradientCheck.Gaussian(4, 6, new Rng(4));
        Matrix a = new Dropout(6, 0.5, new Rng(5)).Forward(x, true).Clone();
        Matrix b = new Dropout(6, 0.5, new Rng(5)).Forward(x, true);
        Assert.That(b.Data, Is.EqualTo(a.Data));

        var rng = new Rng(6);
        Assert.That(new Dropout(6, 0, rng).Forward(x, true).Data, Is.EqualTo(x.Data));
        Assert.That(rng.GetState(), Is.EqualTo(new Rng(6).GetState()));
    }

    [Test]
    public void Backward_MatchesFiniteDifferences_WithFixedMask()
    {
        // Every forward rebuilds the layer from the same seed, so the mask is identical in all of them.
        Matrix x = GradientCheck.Gaussian(4, 9, new Rng(7));
        Matrix g = GradientCheck.Gaussian(4, 9, new Rng(8));
        var layer = new Dropout(9, 0.4, new Rng(9));
        layer.Forward(x, training: true);
        Matrix dx = layer.Backward(g, needInputGradient: true)!.Clone();
        Assert.That(dx.Data.Count(v => v == 0f), Is.GreaterThan(0), "the mask should drop something");
        GradientCheck.AssertMatches(x, dx, () => GradientCheck.Dot(g, new Dropout(9, 0.4, new Rng(9)).Forward(x, true)), "dropout dL/dx");
    }

    [TestCase(-0.1)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void P_OutsideZeroToOne_IsRejected(double p)
    {
        Assert.That(() => new Dropout(3, p, new Rng(1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void BadArguments_AreRejected()
    {
        Assert.That(() => new Dropout(0, 0.5, new Rng(1)), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new Dropout(3, 0.5, null!), Throws.ArgumentNullException);
        var layer = new Dropout(3, 0.5, new Rng(1));
        Assert.That(() => layer.Forward(new Matrix(2, 4), true), Throws.ArgumentException.With.Message.Contains("3 columns"));
        layer.Forward(new Matrix(2, 3), true);
        Assert.That(() => layer.Backward(new Matrix(2, 4), true), Throws.ArgumentException);
        Assert.That(layer.Backward(new Matrix(2, 3), false), Is.Null);
    }
}
