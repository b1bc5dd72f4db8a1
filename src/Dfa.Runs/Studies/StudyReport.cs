using System.Globalization;
using System.Text;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;

namespace Dfa.Runs.Studies;

/// <summary>
/// A study's <c>report.md</c>: what was varied and how (seeds, quick mode, overrides, profiles), the table of points
/// with their accuracy over seeds and their prices, the knees with their uncertainty, the Pareto fronts and the plots.
/// Written by the runs library, not the host, because <c>dfa merge</c> writes it through the same code as a whole study.
/// </summary>
public static class StudyReport
{
    public const string FileName = "report.md";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(StudyResult result, OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        AtomicFile.WriteAllText(folder.PathOf(FileName), Markdown(result));
    }

    /// <summary>The points table: the varied settings, accuracy over seeds, and energy · step time · feedback memory per profile (a * marks the Pareto fronts).</summary>
    public static (IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) Table(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        List<string> header = [.. g.Axes.Select(a => a.Key), StudyGrid.BackendKey, $"test accuracy (mean ± sd, n)", "min – max", .. g.Profiles.Select(p => $"{p}: energy/step · step · feedback memory")];
        var rows = new List<IReadOnlyList<string>>();
        foreach (PointResult r in result.Points)
        {
            StudyPoint point = g.Points[r.Index];
            Spread s = r.Accuracy;
            string accuracy = point.Invalid is { } why ? $"not a valid setting: {why}"
                : s.N == 0 ? (r.Diverged > 0 ? "diverged" : "—") : $"{s.Text(100, 2, " %")} (n = {s.N})";
            if (r.Diverged > 0 && s.N > 0)
            {
                accuracy += $", {r.Diverged} diverged";
            }

            if (r.Missing > 0)
            {
                accuracy += $", {r.Missing} not run";
            }

            var row = new List<string>(point.Values) { point.Backend, accuracy, s.N == 0 ? "—" : $"{(s.Min * 100).ToString("F2", Inv)} – {(s.Max * 100).ToString("F2", Inv)} %" };
            foreach (string p in g.Profiles)
            {
                ProfileCost? c = point.Cost(p);
                row.Add(c is null ? (point.Invalid is null ? "— (not run there)" : "—")
                    : $"{Joules(c.EnergyJ)}{Mark(result, r.Index, p, StudyAnalysis.EnergyCost)} · {Seconds(c.StepTimeSeconds)} · {Bytes(c.FeedbackStorageBytes)}{Mark(result, r.Index, p, StudyAnalysis.MemoryCost)}");
            }

            rows.Add(row);
        }

        return (header, rows);
    }

    public static string Markdown(StudyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        StudyGrid g = result.Grid;
        var sb = new StringBuilder();
        sb.Append("# dfa study: `").Append(g.Config).Append("`\n\n");
        sb.Append("Varied: ");
        sb.AppendJoin("; ", g.Axes.Select(a => $"`{a.Key}` ∈ {{{string.Join(", ", a.Values)}}}"));
        sb.Append(g.Axes.Count > 0 ? "; " : string.Empty).Append("backends: ").AppendJoin(", ", g.Backends.Select(b => $"`{b}`")).Append(".\n");
        sb.Append(Inv, $"Each point trained with {g.Seeds.Count} seed{(g.Seeds.Count == 1 ? "" : "s")} ({string.Join(", ", g.Seeds)}; a seed names the initial weights, the feedback matrices, the shuffling and any training subset); ");
        sb.Append(Inv, $"{g.Runs.Count} distinct runs (points that resolve to the same config share a run).\n");
        sb.Append(g.Quick
            ? $"**Quick mode** (the experiments' quick scale): {string.Join(", ", g.ModeOverrides.Select(o => $"`{o}`"))} after the base config.\n"
            : "Full scale: the base config's epochs and training set.\n");
        if (g.Overrides.Count > 0)
        {
            sb.Append("Overrides for every run: ").AppendJoin(", ", g.Overrides.Select(o => $"`{o}`")).Append(".\n");
        }

        sb.Append("\nTest accuracy is each run's final epoch on the whole test set; a point's spread is over its seeds (sample sd); diverged runs are left out and counted. ");
        sb.Append("Prices: one training step of the point's own config on each profile, predicted by `src/Dfa.Sim` from the backend's `Predict` ");
        sb.Append("(the work its counters are tested against) at the config's batch size; a backend a profile cannot run has no price there. ");
        sb.Append("A profile's own device figures (an OPU's camera bits, a chip's array size) replace the config's in its prices.\n\n");
        sb.Append("## Points\n\n");
        (IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows) = Table(result);
        sb.Append(MarkdownTable.Render(header, rows));
        sb.Append("\n\\* on the Pareto front of mean accuracy against that cost on that profile.\n\n");
        sb.Append("## Knees\n\n");
        sb.Append(Inv, $"Along each varied key, with the other keys held: the cheapest setting whose mean accuracy is at most {StudyAnalysis.P(g.MarginPoints)} points below the best, ");
        sb.Append($"and how sure that call is over the seeds: {WelchTest.Method} (unequal variances, 95 % interval of the difference of means) of best − knee and of best − the next cheaper setting.\n\n");
        if (result.Knees.Count == 0)
        {
            sb.Append("None: no key has two settings with complete results.\n");
        }

        foreach (Knee k in result.Knees)
        {
            sb.Append("- ");
            if (k.Fixed.Count > 0 && (g.Axes.Count > 1 || g.Backends.Count > 1))
            {
                sb.Append('(').AppendJoin(", ", k.Fixed.Select(kv => $"{kv.Key}={kv.Value}")).Append(") ");
            }

            sb.Append(k.Statement).Append('\n');
        }

        sb.Append("\n## Pareto fronts\n\n");
        foreach (ParetoFront f in result.Fronts)
        {
            sb.Append("- ").Append(f.Profile).Append(", ").Append(f.Cost == StudyAnalysis.EnergyCost ? "energy per step" : "feedback memory").Append(": ");
            sb.AppendJoin(" → ", f.Points.Select(i => $"{StudyPlots.Label(g, g.Points[i])} ({result.Points[i].Accuracy.Text(100, 2, " %")} at "
                + (f.Cost == StudyAnalysis.EnergyCost ? Joules(g.Points[i].Cost(f.Profile)!.EnergyJ) : Bytes(g.Points[i].Cost(f.Profile)!.FeedbackStorageBytes)) + ")"));
            sb.Append('\n');
        }

        if (result.Plots.Count > 0)
        {
            sb.Append("\n## Plots\n\n");
            foreach ((string file, string caption) in result.Plots)
            {
                sb.Append("![").Append(caption).Append("](").Append(file).Append(")\n\n");
            }
        }

        sb.Append("\nFiles: `study.json` (every number above), `study.csv` (one row per run and per point), and one run folder per distinct run under `runs/` ");
        sb.Append("(its `summary.json` holds the resolved config whose SHA-256 names it).\n");
        return sb.ToString();
    }

    private static string Mark(StudyResult result, int point, string profile, string cost) => result.OnFront(point, profile, cost) ? "*" : string.Empty;

    /// <summary>Joules with an SI prefix, three significant digits.</summary>
    public static string Joules(double j) => Si(j, "J");

    public static string Seconds(double s) => Si(s, "s");

    /// <summary>Bytes in B, kB, MB, GB (powers of 1000), three significant digits.</summary>
    public static string Bytes(long b) =>
        b < 1000 ? $"{b.ToString(Inv)} B"
        : b < 1_000_000 ? $"{(b / 1e3).ToString("G3", Inv)} kB"
        : b < 1_000_000_000 ? $"{(b / 1e6).ToString("G3", Inv)} MB"
        : $"{(b / 1e9).ToString("G3", Inv)} GB";

    private static string Si(double v, string unit)
    {
        if (v == 0 || !double.IsFinite(v))
        {
            return $"{v.ToString("G3", Inv)} {unit}";
        }

        (double scale, string prefix) = Math.Abs(v) switch
        {
            >= 1 => (1.0, ""),
            >= 1e-3 => (1e3, "m"),
            >= 1e-6 => (1e6, "µ"),
            >= 1e-9 => (1e9, "n"),
            _ => (1e12, "p"),
        };
        return $"{(v * scale).ToString("G3", Inv)} {prefix}{unit}";
    }

    /// <summary>What <c>dfa study</c> prints: the points table (Markdown) and one line per knee.</summary>
    public static string ConsoleText(StudyResult result)
    {
        (IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> rows) = Table(result);
        return Reports.MarkdownTable.Render(header, rows) + string.Concat(result.Knees.Select(k => "knee: " + k.Statement + "\n"));
    }

    /// <summary>The last line of <c>dfa study</c>: what was trained, skipped and written, and where.</summary>
    public static string OutcomeLine(StudyOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return $"trained {outcome.Trained}, skipped {outcome.Skipped} finished of {outcome.Items} runs; "
            + (outcome.Result is null ? "shard done" : $"wrote {FileName}, {StudyFiles.JsonFileName}, {StudyFiles.CsvFileName} and {outcome.Result.Plots.Count} plots")
            + $" in {outcome.Folder}";
    }
}
