using Dfa.Backends.Registry;
using Dfa.Runs.Experiments;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Runs.Tests.Experiments;

/// <summary>
/// <c>dfa experiment --seeds N</c>: the plan's seed slices, each seed judged on its own members, and the one verdict
/// over the seeds (a status only when every seed agrees, "inconclusive" when the verdict flips between seeds), on
/// hand-made results.
/// </summary>
public sealed class SeedVerdictTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static PlannedExperiment HighLr(int seeds, params string[] overrides) => ExperimentRunner.Plan(
        ExperimentCatalog.Find("high-lr")!, quick: true, ExperimentRunner.ShippedBaseConfig(), ExperimentCatalog.BaseConfig, overrides, Registry.Schema, seeds);

    [Test]
    public void Plan_WithThreeSeeds_IsEveryMemberWithTheFirstSeed_ThenEachNextSeed()
    {
        PlannedExperiment plan = HighLr(3, "seed=7");

        Assert.That(plan.Specs.Select(s => s.Label), Is.EqualTo(new[] { "bp", "dfa", "bp-seed8", "dfa-seed8", "bp-seed9", "dfa-seed9" }));
        Assert.That(plan.Specs.Select(s => s.Config.Seed), Is.EqualTo(new ulong[] { 7, 7, 8, 8, 9, 9 }));
        Assert.That(plan.SeedValues, Is.EqualTo(new ulong[] { 7, 8, 9 }));
        Assert.That(plan.Overrides[3][^1], Is.EqualTo("seed=8"), "the report's dfa train line reproduces the seed");
        Assert.That(plan.Overrides[3].Take(plan.Overrides[1].Count), Is.EqualTo(plan.Overrides[1]));
        Assert.That(plan.Specs[3].Config with { Seed = 7 }, Is.EqualTo(plan.Specs[1].Config), "only the seed differs");
    }

    [Test]
    public void Plan_WithOneSeed_IsTheCatalogsMembers()
    {
        PlannedExperiment plan = HighLr(1);

        Assert.That(plan.Specs.Select(s => s.Label), Is.EqualTo(new[] { "bp", "dfa" }));
        Assert.That(plan.Seeds, Is.EqualTo(1));
    }

    [TestCase(0)]
    [TestCase(1001)]
    public void Plan_WithSeedsOutOfRange_IsAnInputError(int seeds) =>
        Assert.That(() => HighLr(seeds), Throws.TypeOf<Dfa.Core.DfaInputException>().With.Message.EqualTo($"--seeds takes 1..1000, got {seeds}"));

    [Test]
    public void EachSeed_IsJudgedOnItsOwnMembers_UnderTheCatalogLabels()
    {
        PlannedExperiment plan = HighLr(2);

        // Seed 1: BP rises ×4 and DFA stays (reproduced). Seed 2: BP does not rise (not reproduced).
        MemberResult[] runs =
        [
            Outcomes.Curve("bp", 0.5, 0.02, 0.08), Outcomes.Curve("dfa", 0.5, 0.1, 0.1),
            Outcomes.Curve("bp-seed2", 0.5, 0.1, 0.11), Outcomes.Curve("dfa-seed2", 0.5, 0.1, 0.1),
        ];

        IReadOnlyList<Verdict> perSeed = plan.JudgeEachSeed(runs);

        Assert.That(perSeed.Select(v => v.Status), Is.EqualTo(new[] { VerdictStatus.Reproduced, VerdictStatus.NotReproduced }));
        Assert.That(plan.SeedSlice(runs, 1).Select(m => m.Label), Is.EqualTo(new[] { "bp", "dfa" }));
        Assert.That(plan.SeedSlice(runs, 1)[0].FinalTrainLoss, Is.EqualTo(0.11));
    }

    [Test]
    public void OverSeeds_AllAgreeing_KeepsTheStatus_WithTheFirstSeedsNumbers()
    {
        Verdict a = new(VerdictStatus.Partly, "dropout: partly — gap p0 0.1, p0.5 0.05"), b = new(VerdictStatus.Partly, "dropout: partly — gap p0 0.2, p0.5 0.3");

        Verdict v = Verdict.OverSeeds("dropout", [a, b, b], [1, 2, 3]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Partly));
        Assert.That(v.Line, Is.EqualTo("dropout: partly on all 3 seeds (1, 2, 3) — seed 1: gap p0 0.1, p0.5 0.05"));
    }

    [Test]
    public void OverSeeds_Flipping_IsInconclusive_NamingTheSeedsOfEachStatus()
    {
        Verdict r = new(VerdictStatus.Reproduced, "x: reproduced — 1"), n = new(VerdictStatus.NotReproduced, "x: not reproduced — 2");

        Verdict v = Verdict.OverSeeds("x", [r, n, r], [4, 5, 6]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Inconclusive));
        Assert.That(v.StatusText, Is.EqualTo("inconclusive"));
        Assert.That(v.Line, Is.EqualTo("x: inconclusive — the verdict flips between seeds: reproduced on seeds 4, 6; not reproduced on seed 5"));
    }

    [Test]
    public void OverSeeds_OneSeed_IsThatSeedsVerdict()
    {
        Verdict r = new(VerdictStatus.Reproduced, "x: reproduced — 1");

        Assert.That(Verdict.OverSeeds("x", [r], [1]), Is.SameAs(r));
        Assert.That(() => Verdict.OverSeeds("x", [r], [1, 2]), Throws.ArgumentException);
    }

    [Test]
    public void OverSeeds_OfAResult_AreMeanAndSampleSd_OfTheSeedsThatDidNotDiverge()
    {
        PlannedExperiment plan = HighLr(3);
        MemberResult[] runs =
        [
            Outcomes.Curve("bp", 0.5, 0.2), Outcomes.Curve("dfa", 0.5, 0.1),
            Outcomes.Curve("bp-seed2", 0.5, 0.4), Outcomes.Diverged("dfa-seed2", 0.5),
            Outcomes.Curve("bp-seed3", 0.5, 0.6), Outcomes.Curve("dfa-seed3", 0.5, 0.3),
        ];
        var result = new ExperimentResult(plan, runs, [600, 600, 600, 600, 600, 600], new Verdict(VerdictStatus.Partly, "high-lr: partly — x"), 1, "f");

        var over = result.OverSeeds;

        Assert.That(over.Select(o => o.Label), Is.EqualTo(new[] { "bp", "dfa" }));
        Assert.That(over[0].FinalTrainLoss.Mean, Is.EqualTo(0.4).Within(1e-12));
        Assert.That(over[0].FinalTrainLoss.Sd, Is.EqualTo(0.2).Within(1e-12), "sd of 0.2, 0.4, 0.6 with n − 1");
        Assert.That(over[1].FinalTrainLoss.N, Is.EqualTo(2));
        Assert.That(over[1].FinalTrainLoss.Mean, Is.EqualTo(0.2).Within(1e-12));
        Assert.That(over[1].Diverged, Is.EqualTo(1));
        Assert.That(over[0].TestAccuracy.Mean, Is.EqualTo(0.9).Within(1e-12));
    }
}
