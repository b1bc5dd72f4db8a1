using System.Globalization;
using System.Text;
using Dfa.Cli.Plots;
using Dfa.Core.Config;
using Dfa.Runs.Experiments;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;

namespace Dfa.Cli.Experiments;

/// <summary>
/// An experiment's <c>report.md</c> (finding, setup with a reproducible <c>dfa train</c> line per member, member table,
/// overlay plots, verdict) and the index <c>report.md</c> of <c>dfa experiment all</c>.
/// </summary>
internal static class ExperimentReport
{
    public const string ReportFile = "report.md";

    /// <summary>Writes the experiment's <c>report.md</c> (its summary and plots are the runs library's, <see cref="ExperimentFiles"/>).</summary>
    public static void Write(ExperimentResult result, ExperimentRequest request, OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        AtomicFile.WriteAllText(folder.PathOf(ReportFile), Markdown(result, request));
    }

    /// <summary><c>dfa experiment all</c>'s index: one row per experiment with its verdict line and wall time.</summary>
    public static string Index(IReadOnlyList<ExperimentResult> results, ExperimentRequest request)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(request);
        var sb = new StringBuilder();
        sb.Append("# Survey Section 3.2 experiments (").Append(request.Quick ? "quick" : "full").Append(")\n\n");
        sb.Append("Base config `").Append(request.BaseConfigPath ?? ExperimentCatalog.BaseConfig).Append('`');
        if (request.Overrides.Count > 0)
        {
            sb.Append(", with ").AppendJoin(" ", request.Overrides.Select(o => $"`--set {o}`"));
        }

        sb.Append(". Each experiment's folder has its report, summary.json, plots and one run folder per member.\n\n");
        sb.Append(MarkdownTable.Render(
            ["experiment", "survey", "status", "wall time"],
            results.Select(r => (IReadOnlyList<string>)
            [
                $"[{r.Plan.Experiment.Name}]({r.Plan.Experiment.Name}/{ReportFile})",
                r.Plan.Experiment.Section,
                r.Verdict.StatusText,
                Seconds(r.WallSeconds),
            ])));
        sb.Append("\n## Verdicts\n\n");
        foreach (ExperimentResult r in results)
        {
            sb.Append("- ").Append(r.Verdict.Line).Append('\n');
        }

        return sb.ToString();
    }

    private static string Markdown(ExperimentResult result, ExperimentRequest request)
    {
        Experiment e = result.Plan.Experiment;
        var sb = new StringBuilder();
        sb.Append("# Experiment ").Append(e.Name).Append(": survey Section ").Append(e.Section).Append("\n\n");
        sb.Append("**Finding.** ").Append(e.Finding).Append("\n\n");
        sb.Append("**Verdict.** ").Append(result.Verdict.Line).Append("\n\n");
        sb.Append("## Criteria\n\n");
        foreach (string c in e.Criteria)
        {
            sb.Append("- ").Append(c).Append('\n');
        }

        sb.Append("\n## Setup\n\n");
        string baseName = request.BaseConfigPath ?? ExperimentCatalog.BaseConfig;
        sb.Append("Base config `").Append(baseName).Append("` (copied here as `base.yaml`); ")
            .Append(result.Plan.ModeName).Append(" mode: ").Append(result.Plan.Mode.Text).Append(result.Plan.OnBudget ? ". " : $"; the members ran {result.Plan.Ran}. ");
        sb.Append("Overrides apply in this order: the mode's, then the command line's `--set`")
            .Append(request.Overrides.Count > 0 ? $" ({string.Join(", ", request.Overrides.Select(o => $"`{o}`"))})" : " (none)")
            .Append(", then the member's own. ").Append(e.Choices).Append("\n\n");
        sb.Append("Each member, reproducibly (from the repository root):\n\n```bash\n");
        for (int i = 0; i < result.Members.Count; i++)
        {
            sb.Append("dfa train --config ").Append(baseName)
                .AppendJoin(string.Empty, result.Plan.Overrides[i].Select(o => $" --set {o}"))
                .Append(" --out ").Append(result.Members[i].Label).Append('\n');
        }

        sb.Append("```\n\n## Results\n\n");
        sb.Append(MarkdownTable.Render(
            ["member", "algorithm", "final train loss", "min train loss (epoch)", "final test loss", "final test accuracy", "gap (test − train loss)", "final alignment, gradient / weight", "wall time"],
            result.Members.Select((m, i) => (IReadOnlyList<string>)
            [
                m.Label,
                ExperimentFiles.Algorithm(result.Plan.Specs[i].Config),
                m.Diverged ? $"diverged in epoch {m.DivergedEpoch}" : G(m.FinalTrainLoss),
                m.Epochs.Count == 0 ? "–" : $"{G(m.MinTrainLoss)} ({m.MinTrainLossEpoch})",
                m.Diverged ? "–" : G(m.FinalTestLoss),
                m.Diverged ? "–" : (m.FinalTestAccuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %",
                m.Diverged ? "–" : G(m.Gap),
                m.FinalAlignment.Count == 0 ? "–" : string.Join(", ", m.FinalAlignment.Select(a => $"{a.Block} {Deg(a.GradientDegrees)} / {Deg(a.WeightDegrees)}")),
                Seconds(m.WallSeconds),
            ])));
        if (result.Plan.Seeds > 1)
        {
            sb.Append("\n### Over ").Append(result.Plan.Seeds).Append(" seeds\n\n");
            sb.Append(MarkdownTable.Render(
                ["member", "final test accuracy", "final train loss", "diverged seeds"],
                result.OverSeeds.Select(o => (IReadOnlyList<string>)[o.Label, o.TestAccuracy.Text(100, 2, " %"), o.FinalTrainLoss.Text(1, 4), o.Diverged.ToString(CultureInfo.InvariantCulture)])));
            sb.Append("\nMean ± sample sd over the seeds whose run did not diverge. The verdict on each seed's members:\n\n");
            foreach ((Verdict v, ulong seed) in result.SeedVerdicts.Zip(result.Plan.SeedValues))
            {
                sb.Append("- seed ").Append(seed).Append(": ").Append(v.Line).Append('\n');
            }
        }

        sb.Append("\nTrain loss is averaged over each epoch's batches as trained (dropout on, L1/L2 penalty included), as in the survey's curves; ")
            .Append("test numbers are measured after each epoch in evaluation mode. Alignment angles are degrees between the DFA update and the BP gradient ")
            .Append("(gradient) and between B_l and the forward weights (weight), per hidden block, after the last step. ")
            .Append("Each member's folder has its metrics.csv, alignment.csv, summary.json and curves.\n\n");
        sb.Append("## Plots\n\n");
        sb.Append("![train loss per epoch](").Append(ExperimentFiles.TrainLossPlot).Append(")\n\n");
        sb.Append("![test accuracy per epoch](").Append(ExperimentFiles.TestAccuracyPlot).Append(")\n");
        if (e.Name == "dropout")
        {
            sb.Append("\n![overfitting gap per epoch](").Append(ExperimentFiles.GapPlot).Append(")\n");
        }

        sb.Append("\nWall time of the experiment: ").Append(Seconds(result.WallSeconds)).Append(".\n");
        return sb.ToString();
    }

    private static string G(double v) => Verdicts.N(v);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Deg(double v) => double.IsFinite(v) ? v.ToString("F1", CultureInfo.InvariantCulture) + "°" : "n/a";

    private static string Seconds(double s) => s.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
