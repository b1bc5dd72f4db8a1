using Dfa.Core.Config;
using Dfa.Core.Optim;

namespace Dfa.Core.Tests.Optim;

public sealed class LearningRateScheduleTests
{
    [Test]
    public void StepLR_MatchesPyTorchExample()
    {
        var schedule = new StepLR(0.05, stepSize: 2, gamma: 0.1);

        double[] rates = [.. Enumerable.Range(0, 7).Select(schedule.RateForEpoch)];

        Assert.That(rates, Is.EqualTo(new[] { 0.05, 0.05, 0.005, 0.005, 0.0005, 0.0005, 0.00005 }).Within(1e-15));
    }

    [Test]
    public void StepLR_MatchesPyTorchDocstring_StepSize30()
    {
        // torch.optim.lr_scheduler.StepLR docs: 0.05 for epoch < 30, 0.005 for 30 ≤ epoch < 60, 0.0005 for 60 ≤ epoch < 90.
        var schedule = new StepLR(0.05, stepSize: 30, gamma: 0.1);

        Assert.Multiple(() =>
        {
            Assert.That(schedule.RateForEpoch(0), Is.EqualTo(0.05));
            Assert.That(schedule.RateForEpoch(29), Is.EqualTo(0.05));
            Assert.That(schedule.RateForEpoch(30), Is.EqualTo(0.005).Within(1e-15));
            Assert.That(schedule.RateForEpoch(59), Is.EqualTo(0.005).Within(1e-15));
            Assert.That(schedule.RateForEpoch(60), Is.EqualTo(0.0005).Within(1e-15));
            Assert.That(schedule.RateForEpoch(89), Is.EqualTo(0.0005).Within(1e-15));
        });
    }

    [Test]
    public void ConstantLR_MatchesPyTorchDocstring()
    {
        // torch.optim.lr_scheduler.ConstantLR docs (factor=0.5, total_iters=4): 0.025 for epochs 0–3, 0.05 from epoch 4.
        var schedule = new ConstantLR(0.05, factor: 0.5, totalIters: 4);

        double[] rates = [.. Enumerable.Range(0, 7).Select(schedule.RateForEpoch)];

        Assert.That(rates, Is.EqualTo(new[] { 0.025, 0.025, 0.025, 0.025, 0.05, 0.05, 0.05 }).Within(1e-15));
    }

    [Test]
    public void ConstantLR_DefaultsArePyTorchs()
    {
        var schedule = new ConstantLR(0.3);

        Assert.That(schedule.Factor, Is.EqualTo(1.0 / 3.0));
        Assert.That(schedule.TotalIters, Is.EqualTo(5));
        Assert.That(schedule.RateForEpoch(4), Is.EqualTo(0.1).Within(1e-15));
        Assert.That(schedule.RateForEpoch(5), Is.EqualTo(0.3));
    }

    [Test]
    public void ConstantRate_IsTheBaseRateForEveryEpoch()
    {
        var schedule = new ConstantRate(5e-3);

        Assert.That(Enumerable.Range(0, 50).Select(schedule.RateForEpoch), Is.All.EqualTo(5e-3));
    }

    [Test]
    public void Create_Disabled_GivesConstantRate()
    {
        ILearningRateSchedule schedule = LearningRateSchedules.Create(0.01, new LrSchedulerConfig { Enabled = false, Kind = LrSchedulerKind.Step });

        Assert.That(schedule, Is.TypeOf<ConstantRate>());
        Assert.That(schedule.RateForEpoch(10), Is.EqualTo(0.01));
    }

    [Test]
    public void Create_Step_UsesStepSizeAndGamma()
    {
        ILearningRateSchedule schedule = LearningRateSchedules.Create(
            0.05, new LrSchedulerConfig { Enabled = true, Kind = LrSchedulerKind.Step, StepSize = 3, Gamma = 0.5 });

        Assert.That(schedule, Is.TypeOf<StepLR>());
        Assert.That(schedule.BaseRate, Is.EqualTo(0.05));
        Assert.That(schedule.RateForEpoch(2), Is.EqualTo(0.05));
        Assert.That(schedule.RateForEpoch(3), Is.EqualTo(0.025));
        Assert.That(schedule.RateForEpoch(6), Is.EqualTo(0.0125));
    }

    [Test]
    public void Create_Constant_UsesFactorAndTotalIters()
    {
        ILearningRateSchedule schedule = LearningRateSchedules.Create(
            0.05, new LrSchedulerConfig { Enabled = true, Kind = LrSchedulerKind.Constant, Factor = 0.5, TotalIters = 2 });

        Assert.That(schedule, Is.TypeOf<ConstantLR>());
        Assert.That(schedule.RateForEpoch(1), Is.EqualTo(0.025));
        Assert.That(schedule.RateForEpoch(2), Is.EqualTo(0.05));
    }

    [Test]
    public void RejectsBadArguments()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new StepLR(0.1, stepSize: 0, gamma: 0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new StepLR(-0.1, stepSize: 1, gamma: 0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new StepLR(0.1, stepSize: 1, gamma: -0.1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConstantLR(0.1, factor: 1.5), Throws.TypeOf<ArgumentOutOfRangeException>().With.Message.Contains("[0, 1]"));
            Assert.That(() => new ConstantLR(0.1, factor: -0.5), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConstantLR(0.1, totalIters: -1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConstantRate(double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new StepLR(0.1, 1, 0.1).RateForEpoch(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConstantRate(0.1).RateForEpoch(-1), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => LearningRateSchedules.Create(0.1, null!), Throws.ArgumentNullException);
            Assert.That(
                () => LearningRateSchedules.Create(0.1, new LrSchedulerConfig { Enabled = true, StepSize = 0 }),
                Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }
}
