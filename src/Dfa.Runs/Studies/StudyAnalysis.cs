using System.Globalization;

namespace Dfa.Runs.Studies;

/// <summary>One grid point's runs, aggregated: test accuracy over the seeds that finished without diverging.</summary>
/// <param name="Index">The point's index in the grid.</param>
/// <param name="Accuracies">Final test accuracies (fractions) of its finished, non-diverged runs, in seed order.</param>
/// <param name="Accuracy">Their spread.</param>
/// <param name="Diverged">Runs that diverged (left out of the spread).</param>
/// <param name="Missing">Runs with no result yet (a shard's folder or an interrupted study).</param>
public sealed record PointResult(int Index, IReadOnlyList<double> Accuracies, Spread Accuracy, int Diverged, int Missing)
{
    /// <summary>Whether the point can be compared: every run finished, none diverged.</summary>
    public bool Complete => Missing == 0 && Diverged == 0 && Accuracy.N > 0;
}

/// <summary>The points on the Pareto front of mean accuracy against one cost on one profile, cheapest first.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Cost"><c>energy_j</c> (per step) or <c>feedback_storage_bytes</c>.</param>
/// <param name="Points">The grid indices of the points no other point beats (as accurate or more for as little or less, better in one).</param>
public sealed record ParetoFront(string Profile, string Cost, IReadOnlyList<int> Points);

/// <summary>
/// The knee along one varied key, the other keys held: the cheapest setting whose mean accuracy is within the margin of
/// the best, and how sure that call is over the seeds (Welch's t-test).
/// </summary>
/// <param name="Key">The varied key (or <c>backend</c>).</param>
/// <param name="Fixed">The other varied keys' values in this slice.</param>
/// <param name="OrderedBy">How "cheapest" was decided.</param>
/// <param name="Best">Grid index of the most accurate setting.</param>
/// <param name="Point">Grid index of the knee.</param>
/// <param name="NextCheaper">Grid index of the setting just cheaper than the knee (rejected), or null when the knee is the cheapest.</param>
/// <param name="KneeTest">best − knee, or null when the knee is the best or a side has one seed.</param>
/// <param name="NextTest">best − next cheaper, or null.</param>
/// <param name="Confident">Whether the 95 % intervals confirm both halves of the call (the knee within the margin, the next cheaper beyond it).</param>
/// <param name="Statement">The call in one sentence, with its numbers.</param>
public sealed record Knee(
    string Key, IReadOnlyList<KeyValuePair<string, string>> Fixed, string OrderedBy, int Best, int Point, int? NextCheaper,
    WelchTest? KneeTest, WelchTest? NextTest, bool Confident, string Statement);

/// <summary>
/// Pure functions from a study's grid and its runs' results to what its report says: each point's accuracy over seeds,
/// the Pareto fronts and the knees. No file is read here, so these are tested on hand-made results.
/// </summary>
public static class StudyAnalysis
{
    public const string EnergyCost = "energy_j";
    public const string MemoryCost = "feedback_storage_bytes";

    /// <summary>Aggregates each point's runs; <paramref name="results"/> is indexed like <see cref="StudyGrid.Runs"/> (null: not finished).</summary>
    public static IReadOnlyList<PointResult> Points(StudyGrid grid, IReadOnlyList<StudyRunResult?> results)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(results);
        return grid.Points.Select((p, i) =>
        {
            StudyRunResult?[] runs = p.Runs.Select(r => results[r]).ToArray();
            double[] accuracies = runs.Where(r => r is { Diverged: false, TestAccuracy: not null }).Select(r => r!.TestAccuracy!.Value).ToArray();
            return new PointResult(i, accuracies, Spread.Of(accuracies), runs.Count(r => r is { Diverged: true }), runs.Count(r => r is null));
        }).ToArray();
    }

    /// <summary>For every profile, the fronts of mean accuracy against energy per step and against feedback memory, over the complete points it prices.</summary>
    public static IReadOnlyList<ParetoFront> Fronts(StudyGrid grid, IReadOnlyList<PointResult> points)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(points);
        var fronts = new List<ParetoFront>();
        foreach (string profile in grid.Profiles)
        {
            foreach (string cost in new[] { EnergyCost, MemoryCost })
            {
                (int Index, double Cost, double Accuracy)[] priced = points
                    .Where(r => r.Complete && grid.Points[r.Index].Cost(profile) is not null)
                    .Select(r => (r.Index, CostOf(grid.Points[r.Index].Cost(profile)!, cost), r.Accuracy.Mean))
                    .ToArray();
                if (priced.Length > 0)
                {
                    fronts.Add(new ParetoFront(profile, cost, Front(priced)));
                }
            }
        }

        return fronts;
    }

    /// <summary>The non-dominated items of (index, cost, accuracy): lower cost and higher accuracy are better; cheapest first, then by index.</summary>
    public static IReadOnlyList<int> Front(IReadOnlyList<(int Index, double Cost, double Accuracy)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items
            .Where(p => !items.Any(q => q.Cost <= p.Cost && q.Accuracy >= p.Accuracy && (q.Cost < p.Cost || q.Accuracy > p.Accuracy)))
            .OrderBy(p => p.Cost).ThenBy(p => p.Index)
            .Select(p => p.Index)
            .ToArray();
    }

    public static double CostOf(ProfileCost c, string cost)
    {
        ArgumentNullException.ThrowIfNull(c);
        return cost == EnergyCost ? c.EnergyJ : cost == MemoryCost ? c.FeedbackStorageBytes : throw new ArgumentOutOfRangeException(nameof(cost), cost, "Unknown cost.");
    }

    /// <summary>The keys knees are found along: every varied key, and the backend when several are compared.</summary>
    public static IReadOnlyList<string> KneeKeys(StudyGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return [.. grid.Axes.Select(a => a.Key), .. grid.Backends.Count > 1 ? [StudyGrid.BackendKey] : Array.Empty<string>()];
    }

    /// <summary>
    /// Every knee: along each key of <see cref="KneeKeys"/>, in each slice of points that agree on every other varied key,
    /// over the slice's complete points (at least two). Cheapest means the lowest energy per step on the first of the
    /// study's profiles that prices all of them, then the shortest step, then the least feedback memory, then the order
    /// the values were listed in; without such a profile, the listed order alone. The knee is the first setting in that
    /// order whose mean accuracy is at most <see cref="StudyGrid.MarginPoints"/> points below the best mean. Its
    /// uncertainty: Welch's t-test (95 % interval) of best − knee, which confirms the knee when its upper end is within the
    /// margin, and of best − the next cheaper setting, which confirms the rejection when its lower end is beyond it.
    /// </summary>
    public static IReadOnlyList<Knee> Knees(StudyGrid grid, IReadOnlyList<PointResult> points)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(points);
        var knees = new List<Knee>();
        foreach (string key in KneeKeys(grid))
        {
            IEnumerable<IGrouping<string, int>> slices = Enumerable.Range(0, grid.Points.Count)
                .GroupBy(i => string.Join("\n", grid.Settings(grid.Points[i]).Where(kv => kv.Key != key).Select(kv => $"{kv.Key}={kv.Value}")), StringComparer.Ordinal);
            foreach (IGrouping<string, int> slice in slices)
            {
                int[] candidates = slice.Where(i => points[i].Complete).ToArray();
                if (candidates.Length >= 2)
                {
                    knees.Add(KneeOf(grid, points, key, candidates));
                }
            }
        }

        return knees;
    }

    private static Knee KneeOf(StudyGrid grid, IReadOnlyList<PointResult> points, string key, int[] candidates)
    {
        string? profile = grid.Profiles.FirstOrDefault(p => candidates.All(i => grid.Points[i].Cost(p) is not null));
        int Listed(int i) => key == StudyGrid.BackendKey
            ? grid.Backends.ToList().IndexOf(grid.Points[i].Backend)
            : grid.Axes.First(a => a.Key == key).Values.ToList().IndexOf(grid.Settings(grid.Points[i]).First(kv => kv.Key == key).Value);
        int[] order = profile is null
            ? [.. candidates.OrderBy(Listed)]
            : [.. candidates.OrderBy(i => grid.Points[i].Cost(profile)!.EnergyJ).ThenBy(i => grid.Points[i].Cost(profile)!.StepTimeSeconds)
                .ThenBy(i => grid.Points[i].Cost(profile)!.FeedbackStorageBytes).ThenBy(Listed)];
        bool tie = profile is not null && candidates.Select(i => grid.Points[i].Cost(profile)!).Select(c => (c.EnergyJ, c.StepTimeSeconds, c.FeedbackStorageBytes)).Distinct().Count() == 1;
        string orderedBy = profile is null ? "the order listed (no profile prices every setting)"
            : tie ? $"the order listed (every setting costs the same on {profile}: the cost model does not read {key} there)"
            : $"energy per step on {profile}, then step time, then feedback memory, then the order listed";

        double margin = grid.MarginPoints / 100;
        int best = order.OrderByDescending(i => points[i].Accuracy.Mean).First(); // ties: the cheaper
        double bestMean = points[best].Accuracy.Mean;
        int at = Array.FindIndex(order, i => bestMean - points[i].Accuracy.Mean <= margin + 1e-12);
        int knee = order[at];
        int? next = at > 0 ? order[at - 1] : null;
        WelchTest? kneeTest = knee == best ? null : WelchTest.Of(points[best].Accuracies, points[knee].Accuracies);
        WelchTest? nextTest = next is { } n ? WelchTest.Of(points[best].Accuracies, points[n].Accuracies) : null;

        string Name(int i) => key == StudyGrid.BackendKey ? grid.Points[i].Backend : grid.Settings(grid.Points[i]).First(kv => kv.Key == key).Value;
        string Acc(int i) => points[i].Accuracy.Text(100, 2, " %");
        var parts = new List<string>
        {
            $"{key} = {Name(knee)} ({Acc(knee)}) is the cheapest within {P(grid.MarginPoints)} pt of the best, {key} = {Name(best)} ({Acc(best)})",
        };
        bool confident = true;
        if (knee != best)
        {
            if (kneeTest is null)
            {
                parts.Add("one seed: the call is not tested");
                confident = false;
            }
            else
            {
                bool sure = kneeTest.High * 100 <= grid.MarginPoints + 1e-9;
                confident &= sure;
                parts.Add($"best − knee = {P(kneeTest.Difference * 100)} pt, 95 % interval {Interval(kneeTest)} ({Df(kneeTest)}): "
                    + (sure ? "within the margin at 95 %" : "within the margin on the means only, not at 95 %"));
            }
        }

        if (next is { } cheaper)
        {
            if (nextTest is null)
            {
                parts.Add($"the next cheaper, {key} = {Name(cheaper)}, is {P((bestMean - points[cheaper].Accuracy.Mean) * 100)} pt below the best (one seed: not tested)");
                confident = false;
            }
            else
            {
                bool sure = nextTest.Low * 100 > grid.MarginPoints;
                confident &= sure;
                parts.Add($"the next cheaper, {key} = {Name(cheaper)}, is {P(nextTest.Difference * 100)} pt below the best, 95 % interval {Interval(nextTest)} ({Df(nextTest)}): "
                    + (sure ? "beyond the margin at 95 %" : "possibly within the margin"));
            }
        }
        else
        {
            parts.Add("no setting is cheaper");
        }

        string statement = string.Join("; ", parts) + $" — {(confident ? "a confident call" : "an uncertain call")} over {grid.Seeds.Count} seed{(grid.Seeds.Count == 1 ? "" : "s")} ({WelchTest.Method}); cheapest by {orderedBy}.";
        IReadOnlyList<KeyValuePair<string, string>> held = grid.Settings(grid.Points[knee]).Where(kv => kv.Key != key).ToArray();
        return new Knee(key, held, orderedBy, best, knee, next, kneeTest, nextTest, confident, statement);
    }

    /// <summary>Points with two decimals, invariant.</summary>
    public static string P(double points) => points.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Interval(WelchTest t) => $"[{P(t.Low * 100)}, {P(t.High * 100)}] pt";

    private static string Df(WelchTest t) => double.IsNaN(t.DegreesOfFreedom)
        ? "no spread: the seeds agree exactly"
        : $"Welch df {t.DegreesOfFreedom.ToString("0.0", CultureInfo.InvariantCulture)}, p = {t.P.ToString("0.000", CultureInfo.InvariantCulture)}";
}
