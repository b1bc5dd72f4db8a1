using Dfa.Runs.Studies;

namespace Dfa.Runs.Tests.Studies;

/// <summary>
/// Aggregation over seeds, Pareto fronts and knees on hand-made run results (no training): one varied key,
/// <c>feedback.toy.bits</c> ∈ {1, 2, 4, 8}, three seeds each, priced on one profile with energy rising with the bits.
/// </summary>
public sealed class StudyAnalysisTests
{
    private const string Key = "feedback.toy.bits";

    // Per point (bits 1, 2, 4, 8), three seeds' final test accuracies; bits = 4 is within 0.1 pt of the best (8).
    private static readonly double[][] Accuracies =
    [
        [0.80, 0.81, 0.79],
        [0.900, 0.905, 0.895],
        [0.947, 0.950, 0.953],
        [0.950, 0.951, 0.952],
    ];

    [Test]
    public void Points_AggregateEachPointsSeeds_MeanSampleSdMinMax()
    {
        StudyGrid grid = Grid(4);
        IReadOnlyList<PointResult> points = StudyAnalysis.Points(grid, Results(Accuracies));

        Assert.That(points, Has.Count.EqualTo(4));
        // bits = 2: mean 0.9, deviations ±0.005 and 0 → sd = √((2·0.005²) / 2) = 0.005.
        Assert.That(points[1].Accuracy.Mean, Is.EqualTo(0.9).Within(1e-12));
        Assert.That(points[1].Accuracy.Sd, Is.EqualTo(0.005).Within(1e-12));
        Assert.That(points[1].Accuracy.Min, Is.EqualTo(0.895));
        Assert.That(points[1].Accuracy.Max, Is.EqualTo(0.905));
        Assert.That(points[1].Accuracy.N, Is.EqualTo(3));
        Assert.That(points[1].Accuracy.Text(100, 2, " %"), Is.EqualTo("90.00 ± 0.50 %"));
        Assert.That(points.All(p => p.Complete), Is.True);
    }

    [Test]
    public void Points_LeaveDivergedAndMissingRunsOutOfTheSpread_AndCountThem()
    {
        StudyGrid grid = Grid(4);
        StudyRunResult?[] results = Results(Accuracies);
        results[RunOf(0, 1)] = new StudyRunResult(grid.Runs[RunOf(0, 1)].Hash, null, Diverged: true, null, 3);
        results[RunOf(0, 2)] = null;

        PointResult p = StudyAnalysis.Points(grid, results)[0];

        Assert.That(p.Accuracies, Is.EqualTo(new[] { 0.80 }));
        Assert.That(p.Accuracy.N, Is.EqualTo(1));
        Assert.That(p.Accuracy.Sd, Is.EqualTo(0));
        Assert.That(p.Diverged, Is.EqualTo(1));
        Assert.That(p.Missing, Is.EqualTo(1));
        Assert.That(p.Complete, Is.False);

        // An incomplete point is neither on a front nor a knee candidate.
        IReadOnlyList<PointResult> all = StudyAnalysis.Points(grid, results);
        Assert.That(StudyAnalysis.Fronts(grid, all).SelectMany(f => f.Points), Does.Not.Contain(0));
        Assert.That(StudyAnalysis.Knees(grid, all).Single().NextCheaper, Is.EqualTo(1));
    }

    [Test]
    public void Knee_IsTheCheapestWithinTheMargin_WithItsWelchIntervals()
    {
        StudyGrid grid = Grid(4);
        IReadOnlyList<PointResult> points = StudyAnalysis.Points(grid, Results(Accuracies));

        Knee knee = StudyAnalysis.Knees(grid, points).Single();

        Assert.That(knee.Key, Is.EqualTo(Key));
        Assert.That(knee.Best, Is.EqualTo(3), "bits = 8 has the best mean, 95.1 %");
        Assert.That(knee.Point, Is.EqualTo(2), "bits = 4 (95.0 %) is the cheapest within 0.5 pt of 95.1 %");
        Assert.That(knee.NextCheaper, Is.EqualTo(1), "bits = 2 (90.0 %) is cheaper but 5.1 pt below");
        Assert.That(knee.OrderedBy, Does.StartWith("energy per step on p"));

        // best − knee: d = 0.001, SE = √((0.003² + 0.001²) / 3); the 95 % interval reaches past the 0.5 pt margin with 3 seeds.
        double se = Math.Sqrt(((0.003 * 0.003) + (0.001 * 0.001)) / 3);
        double df = Math.Pow(se * se, 2) / ((Math.Pow(0.003 * 0.003 / 3, 2) / 2) + (Math.Pow(0.001 * 0.001 / 3, 2) / 2));
        Assert.That(knee.KneeTest!.Difference, Is.EqualTo(0.001).Within(1e-12));
        Assert.That(knee.KneeTest.StandardError, Is.EqualTo(se).Within(1e-12));
        Assert.That(knee.KneeTest.DegreesOfFreedom, Is.EqualTo(df).Within(1e-9));
        Assert.That(knee.KneeTest.High, Is.GreaterThan(0.005));
        // best − next cheaper: 5.1 pt, far beyond the margin at 95 %.
        Assert.That(knee.NextTest!.Difference, Is.EqualTo(0.051).Within(1e-12));
        Assert.That(knee.NextTest.Low, Is.GreaterThan(0.005));
        Assert.That(knee.Confident, Is.False, "the knee's half of the call is not confirmed at 95 %");
        Assert.That(knee.Statement, Does.Contain("feedback.toy.bits = 4 (95.00 ± 0.30 %) is the cheapest within 0.50 pt of the best, feedback.toy.bits = 8 (95.10 ± 0.10 %)"));
        Assert.That(knee.Statement, Does.Contain("Welch's t-test"));
    }

    [Test]
    public void Knee_WithAWiderMargin_MovesToACheaperSetting_AndTheBestIsTheKneeWhenNothingElseIsClose()
    {
        IReadOnlyList<PointResult> points = StudyAnalysis.Points(Grid(4), Results(Accuracies));

        Assert.That(StudyAnalysis.Knees(Grid(4) with { MarginPoints = 6 }, points).Single().Point, Is.EqualTo(1));
        Assert.That(StudyAnalysis.Knees(Grid(4) with { MarginPoints = 16 }, points).Single().Point, Is.EqualTo(0));
        Assert.That(StudyAnalysis.Knees(Grid(4) with { MarginPoints = 16 }, points).Single().NextCheaper, Is.Null);

        // Only bits = 1 and 2: the best (2) is 10 pt ahead, so it is the knee, and 1 is the rejected cheaper setting.
        double[][] two = [Accuracies[0], Accuracies[1], [], []];
        StudyRunResult?[] results = Results(two);
        Knee k = StudyAnalysis.Knees(Grid(4), StudyAnalysis.Points(Grid(4), results)).Single();
        Assert.That((k.Best, k.Point, k.NextCheaper), Is.EqualTo((1, 1, (int?)0)));
        Assert.That(k.KneeTest, Is.Null);
        Assert.That(k.Confident, Is.True);
    }

    [Test]
    public void Knee_WhenEverySettingCostsTheSame_FollowsTheListedOrder_AndSaysSo()
    {
        StudyGrid grid = Grid(4, sameCost: true);
        Knee knee = StudyAnalysis.Knees(grid, StudyAnalysis.Points(grid, Results(Accuracies))).Single();

        Assert.That(knee.Point, Is.EqualTo(2));
        Assert.That(knee.OrderedBy, Does.Contain("every setting costs the same on p"));
    }

    [Test]
    public void Fronts_KeepOnlyTheNonDominatedPoints()
    {
        // bits = 8 costs 4 J for 95.1 %, bits = 4 costs 3 J for 95.0 %: both on the front; make 8 worse than 4 and it drops.
        double[][] worse = [Accuracies[0], Accuracies[1], Accuracies[2], [0.93, 0.94, 0.95]];
        StudyGrid grid = Grid(4);
        ParetoFront energy = StudyAnalysis.Fronts(grid, StudyAnalysis.Points(grid, Results(worse))).Single(f => f.Cost == StudyAnalysis.EnergyCost);

        Assert.That(energy.Profile, Is.EqualTo("p"));
        Assert.That(energy.Points, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(StudyAnalysis.Fronts(grid, StudyAnalysis.Points(grid, Results(Accuracies))).Single(f => f.Cost == StudyAnalysis.EnergyCost).Points, Is.EqualTo(new[] { 0, 1, 2, 3 }));

        // Equal cost: only the more accurate; equal both: both.
        Assert.That(StudyAnalysis.Front([(0, 1.0, 0.9), (1, 1.0, 0.8), (2, 2.0, 0.95)]), Is.EqualTo(new[] { 0, 2 }));
        Assert.That(StudyAnalysis.Front([(0, 1.0, 0.9), (1, 1.0, 0.9)]), Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void WelchTest_MatchesTheTextbookCase()
    {
        // a = {1, 2, 3}, b = {4, 5, 6}: d = −3, SE = √(2/3), ν = 4 exactly, t = −3.6742; t(0.975, 4) = 2.776445 (tables),
        // so the 95 % interval is −3 ± 2.776445·√(2/3) = [−5.26696, −0.73304]; two-sided p = 0.02131.
        WelchTest t = WelchTest.Of([1, 2, 3], [4, 5, 6])!;

        Assert.That(t.Difference, Is.EqualTo(-3).Within(1e-12));
        Assert.That(t.StandardError, Is.EqualTo(Math.Sqrt(2.0 / 3)).Within(1e-12));
        Assert.That(t.DegreesOfFreedom, Is.EqualTo(4).Within(1e-9));
        Assert.That(t.T, Is.EqualTo(-3.674235).Within(1e-6));
        Assert.That(t.Low, Is.EqualTo(-5.26696).Within(1e-4));
        Assert.That(t.High, Is.EqualTo(-0.73304).Within(1e-4));
        Assert.That(t.P, Is.EqualTo(0.02131).Within(1e-4));
        Assert.That(WelchTest.Of([1], [2, 3]), Is.Null, "one value has no variance to test with");
        WelchTest flat = WelchTest.Of([0.5, 0.5], [0.4, 0.4])!;
        Assert.That((flat.Low, flat.High, flat.P), Is.EqualTo((0.1, 0.1, 0.0)).Within(1e-12));
    }

    /// <summary>The grid: bits 1, 2, 4, 8 on backend <c>toy</c>, three seeds, run index = point·3 + seed index; energy 1..4 J.</summary>
    private static StudyGrid Grid(int points, bool sameCost = false)
    {
        string[] bits = ["1", "2", "4", "8"];
        var runs = new List<StudyRunRef>();
        var grid = new List<StudyPoint>();
        for (int p = 0; p < points; p++)
        {
            int[] own = [.. Enumerable.Range(0, 3).Select(s => runs.Count + s)];
            runs.AddRange(Enumerable.Range(0, 3).Select(s => new StudyRunRef($"{p:x2}{s:x2}" + new string('0', 60), (ulong)(s + 1))));
            double energy = sameCost ? 1 : p + 1;
            grid.Add(new StudyPoint([bits[p]], "toy", own, [new ProfileCost("p", 1e-3, energy, 1000)]));
        }

        return new StudyGrid("toy.yaml", [new StudyAxis(Key, bits[..points])], ["toy"], [1, 2, 3], false, [], [], ["p"], 0.5, runs, grid);
    }

    private static int RunOf(int point, int seed) => (point * 3) + seed;

    private static StudyRunResult?[] Results(double[][] accuracies)
    {
        StudyGrid grid = Grid(4);
        var results = new StudyRunResult?[grid.Runs.Count];
        for (int p = 0; p < accuracies.Length; p++)
        {
            for (int s = 0; s < accuracies[p].Length; s++)
            {
                results[RunOf(p, s)] = new StudyRunResult(grid.Runs[RunOf(p, s)].Hash, accuracies[p][s], false, 0.1, 1);
            }
        }

        return results;
    }
}
