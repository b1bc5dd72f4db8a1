using System.Globalization;
using System.Text;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;

namespace Dfa.Runs.Studies;

/// <summary>
/// A study's machine-readable outputs: <c>study.json</c> (the grid, each point's accuracy over seeds and its prices, the
/// Pareto fronts and the knees) and <c>study.csv</c> (one row per run of each point, then the point's aggregate row), and
/// its PNG plots: accuracy (mean ± sd band) against each varied key, accuracy against energy per step and against
/// feedback memory on each profile with the Pareto front marked, and a map when two keys vary. Nothing here depends on
/// when or where the runs trained.
/// </summary>
public static class StudyFiles
{
    public const string JsonFileName = "study.json";
    public const string CsvFileName = "study.csv";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Aggregates the finished runs of <paramref name="grid"/> and draws its plots into <paramref name="folder"/> (none without a plotter).</summary>
    public static StudyResult Analyse(StudyGrid grid, IReadOnlyList<StudyRunResult?> runs, OutputFolder folder, ICurvePlotter? plotter)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(folder);
        IReadOnlyList<PointResult> points = StudyAnalysis.Points(grid, runs);
        var result = new StudyResult(grid, points, StudyAnalysis.Fronts(grid, points), StudyAnalysis.Knees(grid, points), runs, []);
        return plotter is null ? result : result with { Plots = StudyPlots.Write(result, folder, plotter) };
    }

    /// <summary>Writes <c>study.json</c> and <c>study.csv</c>.</summary>
    public static void Write(StudyResult result, OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        JsonFile.Write(folder.PathOf(JsonFileName), Json(result));
        AtomicFile.WriteAllText(folder.PathOf(CsvFileName), Csv(result));
    }

    /// <summary>The fields of <c>study.json</c>.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Json(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        return
        [
            new("config", g.Config),
            new("vary", g.Axes.Select(a => (object?)new List<KeyValuePair<string, object?>>
            {
                new("key", a.Key),
                new("values", a.Values.Select(StudyAxis.Json).ToList()),
            }).ToList()),
            new("backends", g.Backends.ToList()),
            new("seeds", g.Seeds.Count),
            new("seed_values", g.Seeds.Cast<object?>().ToList()),
            new("quick", g.Quick),
            new("mode_overrides", g.ModeOverrides.ToList()),
            new("overrides", g.Overrides.ToList()),
            new("profiles", g.Profiles.ToList()),
            new("margin_pt", g.MarginPoints),
            new("runs", g.Runs.Count),
            new("points", result.Points.Select(p => (object?)Point(result, p)).ToList()),
            new("pareto", result.Fronts.Select(f => (object?)new List<KeyValuePair<string, object?>>
            {
                new("profile", f.Profile),
                new("cost", f.Cost),
                new("points", f.Points.Cast<object?>().ToList()),
            }).ToList()),
            new("knees", result.Knees.Select(k => (object?)Knee(result, k)).ToList()),
        ];
    }

    /// <summary><c>study.csv</c>: for each point, one row per run (<c>kind</c> = run) and its aggregate row (<c>kind</c> = point); costs per profile on both.</summary>
    public static string Csv(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        var header = new List<string> { "kind", "point" };
        header.AddRange(g.Axes.Select(a => a.Key));
        header.AddRange([StudyGrid.BackendKey, "seed", "run", "test_accuracy", "diverged", "test_accuracy_mean", "test_accuracy_sd", "test_accuracy_min", "test_accuracy_max", "n", "invalid"]);
        foreach (string p in g.Profiles)
        {
            header.AddRange([$"{p}:step_time_s", $"{p}:energy_j", $"{p}:feedback_storage_bytes"]);
        }

        var sb = new StringBuilder().AppendJoin(',', header.Select(Cell)).Append('\n');
        foreach (PointResult r in result.Points)
        {
            StudyPoint point = g.Points[r.Index];
            var costs = new List<string>();
            foreach (string p in g.Profiles)
            {
                ProfileCost? c = point.Cost(p);
                costs.AddRange(c is null ? ["", "", ""] : [N(c.StepTimeSeconds), N(c.EnergyJ), c.FeedbackStorageBytes.ToString(Inv)]);
            }

            string[] settings = [r.Index.ToString(Inv), .. point.Values, point.Backend];
            foreach (int run in point.Runs)
            {
                StudyRunResult? res = result.Runs[run];
                string[] row = ["run", .. settings, g.Runs[run].Seed.ToString(Inv), g.Runs[run].Folder, res?.TestAccuracy is { } a ? N(a) : "", res is null ? "" : res.Diverged ? "true" : "false", "", "", "", "", "", "", .. costs];
                sb.AppendJoin(',', row.Select(Cell)).Append('\n');
            }

            Spread s = r.Accuracy;
            string[] aggregate = s.N == 0 ? ["", "", "", ""] : [N(s.Mean), N(s.Sd), N(s.Min), N(s.Max)];
            string[] summary = ["point", .. settings, "", "", "", r.Diverged.ToString(Inv), .. aggregate, s.N.ToString(Inv), point.Invalid ?? "", .. costs];
            sb.AppendJoin(',', summary.Select(Cell)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>A point's settings as a JSON object: each varied key's value (a number where it reads as one) and the backend.</summary>
    public static List<KeyValuePair<string, object?>> Settings(StudyGrid grid, StudyPoint point)
    {
        ArgumentNullException.ThrowIfNull(grid);
        return grid.Settings(point).Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Key == StudyGrid.BackendKey ? kv.Value : StudyAxis.Json(kv.Value))).ToList();
    }

    private static List<KeyValuePair<string, object?>> Point(StudyResult result, PointResult r)
    {
        StudyGrid g = result.Grid;
        StudyPoint point = g.Points[r.Index];
        return
        [
            new("settings", Settings(g, point)),
            new("runs", point.Runs.Select(i => (object?)(g.Runs[i].Folder + "/")).ToList()),
            new("test_accuracy", r.Accuracy.Json()),
            new("diverged", r.Diverged),
            new("missing", r.Missing),
            new("invalid", point.Invalid),
            new("costs", point.Costs.Select(c => new KeyValuePair<string, object?>(c.Profile, new List<KeyValuePair<string, object?>>
            {
                new("step_time_s", c.StepTimeSeconds),
                new("energy_j", c.EnergyJ),
                new("feedback_storage_bytes", c.FeedbackStorageBytes),
            })).ToList()),
        ];
    }

    private static List<KeyValuePair<string, object?>> Knee(StudyResult result, Knee k)
    {
        StudyGrid g = result.Grid;
        List<KeyValuePair<string, object?>> At(int i) =>
        [
            new("point", i),
            new("settings", Settings(g, g.Points[i])),
            new("test_accuracy", result.Points[i].Accuracy.Json()),
        ];
        return
        [
            new("key", k.Key),
            new("fixed", k.Fixed.Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Key == StudyGrid.BackendKey ? kv.Value : StudyAxis.Json(kv.Value))).ToList()),
            new("margin_pt", g.MarginPoints),
            new("ordered_by", k.OrderedBy),
            new("best", At(k.Best)),
            new("knee", At(k.Point)),
            new("next_cheaper", k.NextCheaper is { } n ? At(n) : null),
            new("uncertainty", new List<KeyValuePair<string, object?>>
            {
                new("method", WelchTest.Method),
                new("confidence", 0.95),
                new("best_minus_knee", Test(k.KneeTest)),
                new("best_minus_next_cheaper", Test(k.NextTest)),
                new("confident", k.Confident),
            }),
            new("statement", k.Statement),
        ];
    }

    private static List<KeyValuePair<string, object?>>? Test(WelchTest? t) => t is null ? null :
    [
        new("difference_pt", t.Difference * 100),
        new("ci_low_pt", t.Low * 100),
        new("ci_high_pt", t.High * 100),
        new("df", JsonFile.FiniteOrNull(t.DegreesOfFreedom)),
        new("t", JsonFile.FiniteOrNull(t.T)),
        new("p", t.P),
    ];

    private static string N(double v) => v.ToString("R", Inv);

    /// <summary>A CSV cell, quoted when it holds a comma, a quote or a line break.</summary>
    private static string Cell(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : s;
}
