using System.Globalization;

namespace Dfa.Runs.Experiments;

/// <summary>
/// One pure function per experiment from its members' results to a <see cref="Verdict"/>. Each states its numeric
/// criteria in <see cref="Criteria"/> (copied into every report and summary), so a reader can check a verdict by hand
/// from the member table. A diverged member has +∞ final loss: it ranks last and counts as "loss rose".
/// </summary>
public static class Verdicts
{
    /// <summary>high-lr: BP's train loss counts as risen when final/min ≥ this.</summary>
    public const double RiseThreshold = 1.5;

    /// <summary>high-lr: DFA's train loss counts as having stayed down when final/min ≤ this.</summary>
    public const double StayThreshold = 1.2;

    /// <summary>sgd-vs-adam: "considerable difference" means at least this ratio of final train losses.</summary>
    public const double ConsiderableRatio = 2.0;

    /// <summary>normalization: a change of final train loss within ±this fraction is "no substantial difference".</summary>
    public const double NormalizationBand = 0.10;

    /// <summary>regularization: an effect (ratio of final train losses) within 1/this … this counts as flat.</summary>
    public const double FlatBand = 1.05;

    /// <summary>dropout: a gap may grow by at most this much (loss units) from one p to the next and still count as falling.</summary>
    public const double GapTolerance = 0.01;

    /// <summary>activations: Kendall τ-b at or above this is reproduced; at or above <see cref="PartlyTau"/> partly.</summary>
    public const double ReproducedTau = 0.6;

    /// <inheritdoc cref="ReproducedTau"/>
    public const double PartlyTau = 0.2;

    /// <summary>The survey's order of activations (Section 3.2.7): tier 1 best.</summary>
    public static readonly IReadOnlyList<(string Activation, int Tier)> SurveyActivationOrder =
        [("selu", 1), ("celu", 1), ("tanh", 1), ("prelu", 2), ("gelu", 2), ("relu", 3)];

    public static IReadOnlyList<string> Criteria(string experiment) => experiment switch
    {
        "high-lr" =>
        [
            "rise = final train loss / minimum train loss over the epochs (a diverged run: rise = ∞)",
            $"BP rose: rise(bp) ≥ {F(RiseThreshold)}; DFA stayed down: rise(dfa) ≤ {F(StayThreshold)}",
            "reproduced: BP rose and DFA stayed down; partly: BP rose and DFA rose less than BP; not reproduced: otherwise (including BP not rising: the rate did not show the phenomenon)",
        ],
        "sgd-vs-adam" =>
        [
            $"A (Fig. 16): DFA+SGD at the small rate ends with ≥ {F(ConsiderableRatio)}× BP+SGD's final train loss at the same rate",
            "B (Fig. 16): DFA+SGD's final train loss falls as the rate rises (small > mid > high)",
            $"C (Fig. 16): even DFA+SGD's best final train loss is ≥ {F(ConsiderableRatio)}× BP+SGD's (\"nowhere near\")",
            "D (Fig. 17): DFA+Adam ends below DFA+SGD's best final train loss",
            "reproduced: A–D all hold; not reproduced: none holds; partly: otherwise",
        ],
        "dropout" =>
        [
            "gap = final test loss − final train loss (train loss as trained: dropout on, as in the survey's curves)",
            "A: the highest p has a smaller gap than p = 0",
            $"B: the gap falls with p: each step up in p changes it by ≤ +{F(GapTolerance)}",
            "reproduced: A and B; partly: A only; not reproduced: A fails (B alone cannot hold meaningfully)",
        ],
        "normalization" =>
        [
            $"A: BatchNorm raises DFA's final train loss by > {F(NormalizationBand * 100)} % vs no normalization",
            $"B: LayerNorm leaves DFA's final train loss within ±{F(NormalizationBand * 100)} % of no normalization",
            "C: BP improves (lower final train loss) with BatchNorm or LayerNorm",
            "reproduced: A–C all hold; not reproduced: none holds; partly: otherwise",
        ],
        "regularization" =>
        [
            "effect(m) = final train loss with method m / without (train loss includes the L1/L2 penalty, as in the survey)",
            $"direction: up if effect > {F(FlatBand)}, down if < 1/{F(FlatBand)}, flat otherwise",
            "A, B, C: L1, L2 and weight decay each move DFA and BP in the same direction",
            $"D (Fig. 21): L1 raises both curves (effect > {F(FlatBand)} for DFA and for BP)",
            "reproduced: A–D all hold; not reproduced: none holds; partly: otherwise",
        ],
        "activations" =>
        [
            "survey order (best first): SELU, CELU, tanh (tied) > PReLU, GELU (tied) > ReLU",
            "τ = Kendall τ-b between the survey's tiers and our final train losses (lower is better; a diverged run ranks last); τ ≤ 0.856 with these ties",
            $"reproduced: τ ≥ {F(ReproducedTau)}; partly: {F(PartlyTau)} ≤ τ < {F(ReproducedTau)}; not reproduced: τ < {F(PartlyTau)}",
        ],
        _ => throw new ArgumentOutOfRangeException(nameof(experiment), experiment, "Unknown experiment."),
    };

    /// <summary>Members <c>bp</c> and <c>dfa</c>, same high rate: does BP's loss rise again while DFA's stays down?</summary>
    public static Verdict HighLr(IReadOnlyList<MemberResult> members)
    {
        MemberResult bp = Get(members, "bp"), dfa = Get(members, "dfa");
        bool bpRose = bp.Rise >= RiseThreshold;
        bool dfaStayed = dfa.Rise <= StayThreshold;
        VerdictStatus status = bpRose && dfaStayed ? VerdictStatus.Reproduced
            : bpRose && dfa.Rise < bp.Rise ? VerdictStatus.Partly
            : VerdictStatus.NotReproduced;
        string line = $"high-lr: {Verdict.Text(status)} — BP train loss {RiseText(bp)}; DFA's {RiseText(dfa)}";
        return new Verdict(status, line);
    }

    /// <summary>Members <c>bp-sgd-small</c>, <c>dfa-sgd-small|mid|high</c>, <c>dfa-adam</c> (Figs. 16 and 17).</summary>
    public static Verdict SgdVsAdam(IReadOnlyList<MemberResult> members)
    {
        MemberResult bp = Get(members, "bp-sgd-small"), small = Get(members, "dfa-sgd-small"),
            mid = Get(members, "dfa-sgd-mid"), high = Get(members, "dfa-sgd-high"), adam = Get(members, "dfa-adam");
        double bpLoss = bp.FinalTrainLoss;
        double bestSgd = new[] { small, mid, high }.Min(m => m.FinalTrainLoss);
        bool a = small.FinalTrainLoss >= ConsiderableRatio * bpLoss;
        bool b = small.FinalTrainLoss > mid.FinalTrainLoss && mid.FinalTrainLoss > high.FinalTrainLoss;
        bool c = bestSgd >= ConsiderableRatio * bpLoss;
        bool d = adam.FinalTrainLoss < bestSgd;
        VerdictStatus status = Verdict.FromCount(new[] { a, b, c, d }.Count(x => x), 4);
        string line = $"sgd-vs-adam: {Verdict.Text(status)} — final train loss BP+SGD(small) {L(bp)}, DFA+SGD small/mid/high {L(small)}/{L(mid)}/{L(high)}, DFA+Adam {L(adam)}; "
            + $"A {Mark(a)} (DFA/BP at small {Ratio(small.FinalTrainLoss, bpLoss)}), B {Mark(b)}, C {Mark(c)} (best DFA+SGD/BP {Ratio(bestSgd, bpLoss)}), D {Mark(d)}";
        return new Verdict(status, line);
    }

    /// <summary>Members <c>p0</c>, <c>p…</c> in increasing p: does the overfitting gap shrink as p grows (Fig. 19)?</summary>
    public static Verdict Dropout(IReadOnlyList<MemberResult> membersByIncreasingP)
    {
        ArgumentNullException.ThrowIfNull(membersByIncreasingP);
        ArgumentOutOfRangeException.ThrowIfLessThan(membersByIncreasingP.Count, 2, nameof(membersByIncreasingP));
        double[] gaps = membersByIncreasingP.Select(m => m.Gap).ToArray();
        bool a = gaps[^1] < gaps[0];
        bool b = gaps.Zip(gaps.Skip(1)).All(p => p.Second <= p.First + GapTolerance);
        VerdictStatus status = a && b ? VerdictStatus.Reproduced : a ? VerdictStatus.Partly : VerdictStatus.NotReproduced;
        string gapsText = string.Join(", ", membersByIncreasingP.Select(m => $"{m.Label} {(m.Diverged ? "diverged" : N(m.Gap))}"));
        string line = $"dropout: {Verdict.Text(status)} — overfitting gap (test − train loss) {gapsText}; A {Mark(a)} (highest p below p = 0), B {Mark(b)} (falls with p)";
        return new Verdict(status, line);
    }

    /// <summary>Members <c>dfa-none|bn|ln</c> and <c>bp-none|bn|ln</c> (Fig. 20 and the text of Section 3.2.5).</summary>
    public static Verdict Normalization(IReadOnlyList<MemberResult> members)
    {
        MemberResult dNone = Get(members, "dfa-none"), dBn = Get(members, "dfa-bn"), dLn = Get(members, "dfa-ln"),
            bNone = Get(members, "bp-none"), bBn = Get(members, "bp-bn"), bLn = Get(members, "bp-ln");
        double bnChange = dBn.FinalTrainLoss / dNone.FinalTrainLoss - 1;
        double lnChange = dLn.FinalTrainLoss / dNone.FinalTrainLoss - 1;
        bool a = bnChange > NormalizationBand;
        bool b = Math.Abs(lnChange) <= NormalizationBand;
        bool c = Math.Min(bBn.FinalTrainLoss, bLn.FinalTrainLoss) < bNone.FinalTrainLoss;
        VerdictStatus status = Verdict.FromCount(new[] { a, b, c }.Count(x => x), 3);
        string line = $"normalization: {Verdict.Text(status)} — DFA final train loss none {L(dNone)}, BatchNorm {L(dBn)} ({Pct(bnChange)}), LayerNorm {L(dLn)} ({Pct(lnChange)}); "
            + $"BP none {L(bNone)}, BatchNorm {L(bBn)}, LayerNorm {L(bLn)}; A {Mark(a)}, B {Mark(b)}, C {Mark(c)}";
        return new Verdict(status, line);
    }

    /// <summary>Members <c>dfa</c>, <c>dfa-l1|l2|wd</c>, <c>bp</c>, <c>bp-l1|l2|wd</c> (Fig. 21).</summary>
    public static Verdict Regularization(IReadOnlyList<MemberResult> members)
    {
        MemberResult dfa = Get(members, "dfa"), bp = Get(members, "bp");
        var parts = new List<string>();
        var met = new List<bool>();
        double dfaL1 = 0, bpL1 = 0;
        foreach (string m in new[] { "l1", "l2", "wd" })
        {
            double de = Get(members, $"dfa-{m}").FinalTrainLoss / dfa.FinalTrainLoss;
            double be = Get(members, $"bp-{m}").FinalTrainLoss / bp.FinalTrainLoss;
            bool same = Direction(de) == Direction(be);
            met.Add(same);
            parts.Add($"{m.ToUpperInvariant()} DFA ×{N(de)} {Direction(de)}, BP ×{N(be)} {Direction(be)} {Mark(same)}");
            if (m == "l1")
            {
                (dfaL1, bpL1) = (de, be);
            }
        }

        bool d = dfaL1 > FlatBand && bpL1 > FlatBand;
        met.Add(d);
        VerdictStatus status = Verdict.FromCount(met.Count(x => x), met.Count);
        string line = $"regularization: {Verdict.Text(status)} — effect on final train loss (DFA base {L(dfa)}, BP base {L(bp)}): {string.Join("; ", parts)}; L1 raises both {Mark(d)}";
        return new Verdict(status, line);
    }

    /// <summary>Members named by activation (<c>relu</c>, <c>prelu</c>, …): our ranking against the survey's (Fig. 22).</summary>
    public static Verdict Activations(IReadOnlyList<MemberResult> members)
    {
        double[] tiers = SurveyActivationOrder.Select(t => (double)t.Tier).ToArray();
        MemberResult[] ours = SurveyActivationOrder.Select(t => Get(members, t.Activation)).ToArray();
        double tau = KendallTauB(tiers, ours.Select(m => m.FinalTrainLoss).ToArray());
        VerdictStatus status = tau >= ReproducedTau ? VerdictStatus.Reproduced : tau >= PartlyTau ? VerdictStatus.Partly : VerdictStatus.NotReproduced;
        string ranking = string.Join(" < ", ours.OrderBy(m => m.FinalTrainLoss).Select(m => $"{m.Label} {L(m)}"));
        string line = $"activations: {Verdict.Text(status)} — Kendall τ-b {N(tau)} against the survey's SELU, CELU, tanh > PReLU, GELU > ReLU; our final train loss: {ranking}";
        return new Verdict(status, line);
    }

    /// <summary>
    /// Kendall's τ-b of two paired samples (ties in either handled; <c>(C − D) / √((n₀ − n₁)(n₀ − n₂))</c>). +∞ values
    /// tie with each other. NaN when either sample is constant.
    /// </summary>
    public static double KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Samples differ in length: {x.Count} and {y.Count}.", nameof(y));
        }

        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0, pairs = 0;
        for (int i = 0; i < x.Count; i++)
        {
            for (int j = i + 1; j < x.Count; j++)
            {
                pairs++;
                int sx = x[i].CompareTo(x[j]), sy = y[i].CompareTo(y[j]);
                if (sx == 0)
                {
                    tiesX++;
                }

                if (sy == 0)
                {
                    tiesY++;
                }

                if (sx != 0 && sy != 0)
                {
                    if (sx == sy)
                    {
                        concordant++;
                    }
                    else
                    {
                        discordant++;
                    }
                }
            }
        }

        double denominator = Math.Sqrt((double)(pairs - tiesX) * (pairs - tiesY));
        return denominator == 0 ? double.NaN : (concordant - discordant) / denominator;
    }

    private static string Direction(double effect) => effect > FlatBand ? "up" : effect < 1 / FlatBand ? "down" : "flat";

    private static MemberResult Get(IReadOnlyList<MemberResult> members, string label)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.FirstOrDefault(m => m.Label == label)
            ?? throw new ArgumentException($"No member '{label}' among {string.Join(", ", members.Select(m => m.Label))}.", nameof(members));
    }

    private static string RiseText(MemberResult m) =>
        m.Diverged ? $"diverged in epoch {m.DivergedEpoch} (minimum {N(m.MinTrainLoss)} at epoch {m.MinTrainLossEpoch})"
        : m.Rise <= StayThreshold ? $"stayed within {Pct(m.Rise - 1)} of its minimum {N(m.MinTrainLoss)} (epoch {m.MinTrainLossEpoch}; final {N(m.FinalTrainLoss)})"
        : $"rose {N(m.MinTrainLoss)} → {N(m.FinalTrainLoss)} (×{N(m.Rise)}) from its minimum at epoch {m.MinTrainLossEpoch}";

    private static string L(MemberResult m) => m.Diverged ? $"diverged (epoch {m.DivergedEpoch})" : N(m.FinalTrainLoss);

    private static string Mark(bool met) => met ? "✓" : "✗";

    private static string Ratio(double a, double b) => double.IsFinite(a) && double.IsFinite(b) ? $"×{N(a / b)}" : "n/a (diverged)";

    private static string Pct(double fraction) => double.IsFinite(fraction)
        ? (fraction >= 0 ? "+" : string.Empty) + (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %"
        : "n/a";

    /// <summary>Three significant digits, invariant culture, no exponent from 0.001 to 1000 (beyond: <see cref="Reports.Units.Number"/>); non-finite values spelled out.</summary>
    public static string N(double v) =>
        double.IsNaN(v) ? "n/a" : double.IsPositiveInfinity(v) ? "∞"
        : v == 0 || Math.Abs(v) is >= 1e-3 and < 1000 ? v.ToString("G3", CultureInfo.InvariantCulture) : Reports.Units.Number(v);

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
