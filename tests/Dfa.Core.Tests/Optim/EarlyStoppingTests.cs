using Dfa.Core.Optim;

namespace Dfa.Core.Tests.Optim;

public sealed class EarlyStoppingTests
{
    [Test]
    public void Observe_StopsAfterPatienceEpochsWithoutImprovement()
    {
        var stopping = new EarlyStopping(patience: 2);

        Assert.That(stopping.Observe(1.0), Is.False);
        Assert.That(stopping.Observe(0.9), Is.False);
        Assert.That(stopping.Observe(0.95), Is.False);
        Assert.That(stopping.EpochsSinceImprovement, Is.EqualTo(1));
        Assert.That(stopping.Observe(0.9), Is.True, "equal to the best is not an improvement");

        Assert.Multiple(() =>
        {
            Assert.That(stopping.BestLoss, Is.EqualTo(0.9));
            Assert.That(stopping.BestEpoch, Is.EqualTo(1));
            Assert.That(stopping.EpochsObserved, Is.EqualTo(4));
            Assert.That(stopping.EpochsSinceImprovement, Is.EqualTo(2));
            Assert.That(stopping.ShouldStop, Is.True);
        });
    }

    [Test]
    public void Observe_ImprovementResetsTheCount()
    {
        var stopping = new EarlyStopping(patience: 2);

        bool[] decisions = [.. new[] { 1.0, 1.1, 0.8, 0.9, 0.7, 0.75 }.Select(stopping.Observe)];

        Assert.That(decisions, Is.All.False);
        Assert.That(stopping.BestEpoch, Is.EqualTo(4));
        Assert.That(stopping.EpochsSinceImprovement, Is.EqualTo(1));
    }

    [Test]
    public void Observe_ImprovementMustExceedMinDelta()
    {
        var stopping = new EarlyStopping(patience: 3, minDelta: 0.1);

        stopping.Observe(1.0);
        stopping.Observe(0.95);
        Assert.That(stopping.LastImproved, Is.False, "0.95 is not below 1.0 − 0.1");
        Assert.That(stopping.BestLoss, Is.EqualTo(1.0));

        stopping.Observe(0.85);
        Assert.That(stopping.LastImproved, Is.True, "0.85 is below 1.0 − 0.1");
        Assert.That(stopping.BestLoss, Is.EqualTo(0.85));
        Assert.That(stopping.BestEpoch, Is.EqualTo(2));

        Assert.That(stopping.Observe(0.8), Is.False);
        Assert.That(stopping.Observe(0.78), Is.False);
        Assert.That(stopping.Observe(0.76), Is.True, "three small gains below min_delta in a row");
        Assert.That(stopping.BestLoss, Is.EqualTo(0.85));
    }

    [Test]
    public void Observe_NaNIsNeverAnImprovement()
    {
        var stopping = new EarlyStopping(patience: 2);

        Assert.That(stopping.Observe(double.NaN), Is.False);
        Assert.That(stopping.BestEpoch, Is.EqualTo(-1));
        Assert.That(stopping.BestLoss, Is.EqualTo(double.PositiveInfinity));

        stopping = new EarlyStopping(patience: 2);
        stopping.Observe(1.0);
        Assert.That(stopping.Observe(double.NaN), Is.False);
        Assert.That(stopping.Observe(double.NaN), Is.True);
        Assert.That(stopping.BestLoss, Is.EqualTo(1.0));
        Assert.That(stopping.LastImproved, Is.False);
    }

    [Test]
    public void Observe_PatienceZero_StopsAtTheFirstEpochWithoutImprovement()
    {
        var stopping = new EarlyStopping(patience: 0);

        Assert.That(stopping.ShouldStop, Is.False);
        Assert.That(stopping.Observe(1.0), Is.False);
        Assert.That(stopping.Observe(0.5), Is.False);
        Assert.That(stopping.Observe(0.6), Is.True);
    }

    [Test]
    public void Constructor_RejectsBadArguments()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new EarlyStopping(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EarlyStopping(3, -0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new EarlyStopping(3, double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
