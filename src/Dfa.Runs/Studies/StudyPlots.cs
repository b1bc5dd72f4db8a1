using System.Globalization;
using System.Text;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;

namespace Dfa.Runs.Studies;

/// <summary>
/// A study's charts, as data for the host's plotter: accuracy (mean ± sd band) against each varied key, one line per
/// slice of the other keys; mean accuracy (± sd bars) against energy per step and against feedback memory on each
/// profile, every complete point labelled and the Pareto front drawn through its points; a map of mean accuracy when
/// exactly two keys vary, one per backend.
/// </summary>
public static class StudyPlots
{
    /// <summary>Writes every chart into <paramref name="folder"/>; returns the files with captions, in report order.</summary>
    public static IReadOnlyList<(string File, string Caption)> Write(StudyResult result, OutputFolder folder, ICurvePlotter plotter)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(plotter);
        var files = new List<(string, string)>();
        void Save(string file, string caption, byte[] png)
        {
            AtomicFile.WriteAllBytes(folder.PathOf(file), png);
            files.Add((file, caption));
        }

        StudyGrid g = result.Grid;
        foreach (string key in StudyAnalysis.KneeKeys(g))
        {
            Save($"accuracy-{Safe(key)}.png", $"test accuracy (mean ± sd over seeds) against {key}", plotter.Png(AccuracyChart(result, key)));
        }

        foreach (ParetoFront front in result.Fronts)
        {
            string what = front.Cost == StudyAnalysis.EnergyCost ? "energy" : "memory";
            Save($"pareto-{Safe(front.Profile)}-{what}.png", $"mean test accuracy against {(what == "energy" ? "energy per training step" : "feedback memory")} on {front.Profile}, Pareto front drawn",
                plotter.Png(ParetoChart(result, front)));
        }

        if (g.Axes.Count == 2)
        {
            foreach (string backend in g.Backends)
            {
                Save($"map-{Safe(backend)}.png", $"mean test accuracy over {g.Axes[0].Key} × {g.Axes[1].Key} ({backend})", plotter.Png(Map(result, backend)));
            }
        }

        return files;
    }

    /// <summary>Accuracy against <paramref name="key"/>: one line per slice of the other varied keys, with its ± sd band.</summary>
    public static CurveChart AccuracyChart(StudyResult result, string key)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        IReadOnlyList<string> values = key == StudyGrid.BackendKey ? g.Backends : g.Axes.First(a => a.Key == key).Values;
        bool numeric = key != StudyGrid.BackendKey && g.Axes.First(a => a.Key == key).Numeric;
        double[] xs = numeric ? values.Select(v => double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray() : values.Select((_, i) => (double)i).ToArray();
        bool logX = numeric && xs.All(x => x > 0) && xs.Max() >= 100 * xs.Min();
        var curves = new List<Curve>();
        foreach (IGrouping<string, int> slice in Enumerable.Range(0, g.Points.Count).GroupBy(i => Others(g, g.Points[i], key), StringComparer.Ordinal))
        {
            int[] ordered = slice.OrderBy(i => IndexOf(values, Value(g, g.Points[i], key))).ToArray();
            double[] x = ordered.Select(i => xs[IndexOf(values, Value(g, g.Points[i], key))]).ToArray();
            Spread[] s = ordered.Select(i => result.Points[i].Complete ? result.Points[i].Accuracy : Spread.Of([])).ToArray();
            curves.Add(new Curve(
                slice.Key.Length == 0 ? "test accuracy" : slice.Key, x, s.Select(a => a.Mean * 100).ToArray(),
                Lower: s.Select(a => (a.Mean - a.Sd) * 100).ToArray(), Upper: s.Select(a => (a.Mean + a.Sd) * 100).ToArray()));
        }

        return new CurveChart(
            $"Test accuracy against {key} ({Seeds(g)}{(g.Quick ? ", quick mode" : "")})", key, "test accuracy (%)", curves,
            Legend: LegendCorner.LowerRight, LogX: logX, XTicks: numeric ? null : values);
    }

    /// <summary>Every complete point's mean accuracy (± sd) against its cost on one profile, labelled; the front as a line.</summary>
    public static CurveChart ParetoChart(StudyResult result, ParetoFront front)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(front);
        StudyGrid g = result.Grid;
        int[] priced = result.Points.Where(r => r.Complete && g.Points[r.Index].Cost(front.Profile) is not null).Select(r => r.Index).ToArray();
        double Cost(int i) => StudyAnalysis.CostOf(g.Points[i].Cost(front.Profile)!, front.Cost);
        double[] costs = priced.Select(Cost).ToArray();
        bool logX = costs.All(c => c > 0) && costs.Max() >= 10 * costs.Min();
        Spread[] s = priced.Select(i => result.Points[i].Accuracy).ToArray();
        var points = new Curve(
            "settings (mean ± sd)", costs, s.Select(a => a.Mean * 100).ToArray(),
            Lower: s.Select(a => (a.Mean - a.Sd) * 100).ToArray(), Upper: s.Select(a => (a.Mean + a.Sd) * 100).ToArray(),
            MarkersOnly: true, Labels: priced.Select(i => Label(g, g.Points[i])).ToArray());
        var line = new Curve("Pareto front", front.Points.Select(Cost).ToArray(), front.Points.Select(i => result.Points[i].Accuracy.Mean * 100).ToArray(), Color: 3);
        string what = front.Cost == StudyAnalysis.EnergyCost ? "energy per training step (J)" : "feedback memory (bytes)";
        return new CurveChart($"Accuracy against {(front.Cost == StudyAnalysis.EnergyCost ? "energy" : "feedback memory")} on {front.Profile} ({Seeds(g)})", what, "test accuracy (%)", [points, line],
            Legend: LegendCorner.LowerRight, LogX: logX);
    }

    /// <summary>Mean accuracy over the two varied keys for one backend: columns the first key, rows the second.</summary>
    public static MapChart Map(StudyResult result, string backend)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        StudyAxis x = g.Axes[0], y = g.Axes[1];
        var values = new double[y.Values.Count, x.Values.Count];
        var texts = new string[y.Values.Count, x.Values.Count];
        for (int i = 0; i < g.Points.Count; i++)
        {
            StudyPoint p = g.Points[i];
            if (p.Backend != backend)
            {
                continue;
            }

            int column = IndexOf(x.Values, p.Values[0]), row = IndexOf(y.Values, p.Values[1]);
            PointResult r = result.Points[i];
            values[row, column] = r.Complete ? r.Accuracy.Mean * 100 : double.NaN;
            texts[row, column] = r.Complete ? r.Accuracy.Text(100, 2) : p.Invalid is not null ? "invalid" : r.Diverged > 0 ? "diverged" : "—";
        }

        return new MapChart($"Test accuracy (%, mean ± sd over {Seeds(g)}), {backend}", x.Key, y.Key, x.Values, y.Values, values, texts, "test accuracy (%)");
    }

    /// <summary>A point's varied values in a few characters, for a label beside it.</summary>
    public static string Label(StudyGrid grid, StudyPoint point)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(point);
        string[] parts = [.. point.Values, .. grid.Backends.Count > 1 ? [point.Backend] : Array.Empty<string>()];
        return string.Join(" · ", parts);
    }

    private static string Seeds(StudyGrid g) => $"{g.Seeds.Count} seed{(g.Seeds.Count == 1 ? "" : "s")}";

    private static string Value(StudyGrid g, StudyPoint p, string key) => g.Settings(p).First(kv => kv.Key == key).Value;

    private static string Others(StudyGrid g, StudyPoint p, string key) =>
        string.Join(", ", g.Settings(p).Where(kv => kv.Key != key && (kv.Key != StudyGrid.BackendKey || g.Backends.Count > 1)).Select(kv => $"{kv.Key}={kv.Value}"));

    private static int IndexOf(IReadOnlyList<string> values, string v)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] == v)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A key or name as part of a file name: letters, digits, '.', '-' and '_' kept, anything else '_'.</summary>
    public static string Safe(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        return sb.ToString();
    }
}
