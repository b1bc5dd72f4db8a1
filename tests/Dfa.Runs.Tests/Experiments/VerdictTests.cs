using Dfa.Runs.Experiments;


namespace Dfa.Runs.Tests.Experiments;

/// <summary>Every verdict function on hand-made outcomes, in both directions, with the numbers its line must carry.</summary>
public sealed class VerdictTests
{
    [Test]
    public void HighLr_BpRisesAndDfaStays_IsReproduced_WithBothRises()
    {
        Verdict v = Verdicts.HighLr([Outcomes.Curve("bp", 0.5, 0.012, 0.05, 0.094), Outcomes.Curve("dfa", 0.6, 0.03, 0.031, 0.031)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.StartWith("high-lr: reproduced — BP train loss rose 0.012 → 0.094 (×7.83) from its minimum at epoch 2"));
        Assert.That(v.Line, Does.Contain("DFA's stayed within +3.3 % of its minimum 0.03 (epoch 2; final 0.031)"));
    }

    [Test]
    public void HighLr_DfaRisesMoreThanBp_IsNotReproduced()
    {
        Verdict v = Verdicts.HighLr([Outcomes.Curve("bp", 0.5, 0.02, 0.08), Outcomes.Curve("dfa", 5, 1.6, 16)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(v.Line, Does.Contain("0.02 → 0.08 (×4)").And.Contain("1.6 → 16 (×10)"));
    }

    [Test]
    public void HighLr_DfaRisesLessThanBp_IsPartly()
    {
        Verdict v = Verdicts.HighLr([Outcomes.Curve("bp", 0.5, 0.02, 0.08), Outcomes.Curve("dfa", 0.5, 0.1, 0.2)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Partly));
    }

    [Test]
    public void HighLr_BpThatDoesNotRise_IsNotReproduced_EvenIfDfaStays()
    {
        Verdict v = Verdicts.HighLr([Outcomes.Curve("bp", 0.5, 0.1, 0.11), Outcomes.Curve("dfa", 0.5, 0.1, 0.1)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
    }

    [Test]
    public void HighLr_DivergedBp_CountsAsRisen_AndIsNamed()
    {
        Verdict v = Verdicts.HighLr([Outcomes.Diverged("bp", 0.5, 0.1), Outcomes.Curve("dfa", 0.5, 0.1, 0.1)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("BP train loss diverged in epoch 3 (minimum 0.1 at epoch 2)"));
    }

    [Test]
    public void SgdVsAdam_AllFourClaims_IsReproduced()
    {
        Verdict v = Verdicts.SgdVsAdam(
        [
            Outcomes.Final("bp-sgd-small", 0.01), Outcomes.Final("dfa-sgd-small", 0.5), Outcomes.Final("dfa-sgd-mid", 0.3),
            Outcomes.Final("dfa-sgd-high", 0.2), Outcomes.Final("dfa-adam", 0.05),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("A ✓ (DFA/BP at small ×50)").And.Contain("C ✓ (best DFA+SGD/BP ×20)").And.Contain("D ✓"));
    }

    [Test]
    public void SgdVsAdam_NoClaim_IsNotReproduced_AndADivergedHighRateIsNamed()
    {
        Verdict v = Verdicts.SgdVsAdam(
        [
            Outcomes.Final("bp-sgd-small", 0.3), Outcomes.Final("dfa-sgd-small", 0.31), Outcomes.Final("dfa-sgd-mid", 0.05),
            Outcomes.Diverged("dfa-sgd-high", 0.4), Outcomes.Final("dfa-adam", 0.2),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(v.Line, Does.Contain("diverged (epoch 2)").And.Contain("A ✗").And.Contain("B ✗").And.Contain("C ✗").And.Contain("D ✗"));
    }

    [Test]
    public void Dropout_GapFallingWithP_IsReproduced()
    {
        Verdict v = Verdicts.Dropout(
        [
            Outcomes.WithTest("p0", 0.3, 0.1), Outcomes.WithTest("p0.1", 0.25, 0.1),
            Outcomes.WithTest("p0.3", 0.205, 0.1), Outcomes.WithTest("p0.5", 0.15, 0.1),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("p0 0.2, p0.1 0.15, p0.3 0.105, p0.5 0.05"));
    }

    [Test]
    public void Dropout_LowerAtHighestPButNotMonotone_IsPartly()
    {
        Verdict v = Verdicts.Dropout([Outcomes.WithTest("p0", 0.3, 0.1), Outcomes.WithTest("p0.1", 0.4, 0.1), Outcomes.WithTest("p0.5", 0.2, 0.1)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Partly));
    }

    [Test]
    public void Dropout_GapGrowingWithP_IsNotReproduced()
    {
        Verdict v = Verdicts.Dropout([Outcomes.WithTest("p0", 0.2, 0.1), Outcomes.WithTest("p0.5", 0.4, 0.1)]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(v.Line, Does.Contain("A ✗"));
    }

    [Test]
    public void Normalization_SurveysPattern_IsReproduced()
    {
        Verdict v = Verdicts.Normalization(
        [
            Outcomes.Final("dfa-none", 0.1), Outcomes.Final("dfa-bn", 0.15), Outcomes.Final("dfa-ln", 0.105),
            Outcomes.Final("bp-none", 0.1), Outcomes.Final("bp-bn", 0.05), Outcomes.Final("bp-ln", 0.12),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("BatchNorm 0.15 (+50 %)").And.Contain("LayerNorm 0.105 (+5 %)"));
    }

    [Test]
    public void Normalization_BatchNormHelpsDfaAndNothingHelpsBp_IsNotReproduced()
    {
        Verdict v = Verdicts.Normalization(
        [
            Outcomes.Final("dfa-none", 0.1), Outcomes.Final("dfa-bn", 0.05), Outcomes.Final("dfa-ln", 0.05),
            Outcomes.Final("bp-none", 0.1), Outcomes.Final("bp-bn", 0.2), Outcomes.Final("bp-ln", 0.2),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(v.Line, Does.Contain("(-50 %)"));
    }

    [Test]
    public void Normalization_OnlyBpImproves_IsPartly()
    {
        Verdict v = Verdicts.Normalization(
        [
            Outcomes.Final("dfa-none", 0.1), Outcomes.Final("dfa-bn", 0.05), Outcomes.Final("dfa-ln", 0.05),
            Outcomes.Final("bp-none", 0.1), Outcomes.Final("bp-bn", 0.05), Outcomes.Final("bp-ln", 0.2),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Partly));
    }

    [Test]
    public void Regularization_SameDirectionsAndL1Up_IsReproduced()
    {
        Verdict v = Verdicts.Regularization(
        [
            Outcomes.Final("dfa", 0.1), Outcomes.Final("dfa-l1", 0.3), Outcomes.Final("dfa-l2", 0.102), Outcomes.Final("dfa-wd", 0.08),
            Outcomes.Final("bp", 0.05), Outcomes.Final("bp-l1", 0.2), Outcomes.Final("bp-l2", 0.049), Outcomes.Final("bp-wd", 0.03),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("L1 DFA ×3 up, BP ×4 up ✓").And.Contain("L2 DFA ×1.02 flat, BP ×0.98 flat ✓").And.Contain("WD DFA ×0.8 down, BP ×0.6 down ✓"));
    }

    [Test]
    public void Regularization_OppositeDirectionsEverywhere_IsNotReproduced()
    {
        Verdict v = Verdicts.Regularization(
        [
            Outcomes.Final("dfa", 0.1), Outcomes.Final("dfa-l1", 0.05), Outcomes.Final("dfa-l2", 0.2), Outcomes.Final("dfa-wd", 0.2),
            Outcomes.Final("bp", 0.1), Outcomes.Final("bp-l1", 0.2), Outcomes.Final("bp-l2", 0.05), Outcomes.Final("bp-wd", 0.05),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
    }

    [Test]
    public void Activations_SurveysOrder_IsReproduced_WithTheMaximumTau()
    {
        Verdict v = Verdicts.Activations(
        [
            Outcomes.Final("relu", 0.6), Outcomes.Final("prelu", 0.4), Outcomes.Final("selu", 0.1),
            Outcomes.Final("celu", 0.2), Outcomes.Final("gelu", 0.5), Outcomes.Final("tanh", 0.3),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(v.Line, Does.Contain("Kendall τ-b 0.856").And.Contain("selu 0.1 < celu 0.2 < tanh 0.3 < prelu 0.4 < gelu 0.5 < relu 0.6"));
    }

    [Test]
    public void Activations_ReversedOrder_IsNotReproduced_AndDivergedRanksLast()
    {
        Verdict v = Verdicts.Activations(
        [
            Outcomes.Final("relu", 0.1), Outcomes.Final("prelu", 0.2), Outcomes.Final("selu", 0.5),
            Outcomes.Final("celu", 0.4), Outcomes.Final("gelu", 0.3), Outcomes.Diverged("tanh", 0.9),
        ]);

        Assert.That(v.Status, Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(v.Line, Does.Contain("Kendall τ-b -0.856").And.EndWith("tanh diverged (epoch 2)"));
    }

    [Test]
    public void KendallTauB_MatchesHandCountedValues()
    {
        Assert.That(Verdicts.KendallTauB([1, 2, 3, 4], [10, 20, 30, 40]), Is.EqualTo(1).Within(1e-12));
        Assert.That(Verdicts.KendallTauB([1, 2, 3, 4], [40, 30, 20, 10]), Is.EqualTo(-1).Within(1e-12));

        // x = (1, 1, 2), y = (1, 2, 3): pairs (1,2) tied in x, (1,3) and (2,3) concordant: 2 / √(2·3).
        Assert.That(Verdicts.KendallTauB([1, 1, 2], [1, 2, 3]), Is.EqualTo(2 / Math.Sqrt(6)).Within(1e-12));
        Assert.That(Verdicts.KendallTauB([1, 1], [1, 2]), Is.NaN);
    }

    [Test]
    public void FromCount_MapsAllNoneAndSome()
    {
        Assert.That(Verdict.FromCount(3, 3), Is.EqualTo(VerdictStatus.Reproduced));
        Assert.That(Verdict.FromCount(0, 3), Is.EqualTo(VerdictStatus.NotReproduced));
        Assert.That(Verdict.FromCount(1, 3), Is.EqualTo(VerdictStatus.Partly));
    }
}
