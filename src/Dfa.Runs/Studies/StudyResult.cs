namespace Dfa.Runs.Studies;

/// <summary>
/// A finished study: its grid, each point's aggregate, the Pareto fronts, the knees, and the plots written. Holds no
/// timing and no absolute path, so a resumed study and a merge of its shards produce the same result as a whole one.
/// </summary>
/// <param name="Grid">The planned grid.</param>
/// <param name="Points">Each point's accuracy over its seeds (grid order).</param>
/// <param name="Fronts">Per profile, the fronts against energy per step and against feedback memory.</param>
/// <param name="Knees">Along every varied key, in every slice.</param>
/// <param name="Runs">Each run's result (grid run order; null for a run without one).</param>
/// <param name="Plots">The PNG files written, with what each shows.</param>
public sealed record StudyResult(
    StudyGrid Grid,
    IReadOnlyList<PointResult> Points,
    IReadOnlyList<ParetoFront> Fronts,
    IReadOnlyList<Knee> Knees,
    IReadOnlyList<StudyRunResult?> Runs,
    IReadOnlyList<(string File, string Caption)> Plots)
{
    /// <summary>Whether <paramref name="point"/> is on the front of <paramref name="profile"/> against <paramref name="cost"/>.</summary>
    public bool OnFront(int point, string profile, string cost) =>
        Fronts.Any(f => f.Profile == profile && f.Cost == cost && f.Points.Contains(point));
}
