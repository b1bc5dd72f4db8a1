using System.Globalization;
using System.Text;
using Dfa.Cli.Output;
using Dfa.Cli.Plots;
using Dfa.Cli.Runs;
using Dfa.Core.Config;

namespace Dfa.Cli.Experiments;

/// <summary>
/// An experiment's <c>report.md</c> (finding, setup with a reproducible <c>dfa train</c> line per member, member table,
/// overlay plots, verdict), its <c>summary.json</c> (the same numbers plus the verdict and its criteria) and the PNG
/// overlays; and the index <c>report.md</c> of <c>dfa experiment all</c>.
/// </summary>
internal static class ExperimentReport
{
    public const string ReportFile = "report.md";
    public const string SummaryFile = "summary.json";
    public const string TrainLossPlot = "train_loss.png";
    public const string TestAccuracyPlot = "test_accuracy.png";
    public const string GapPlot = "gap.png";

    public static string ModeText(ExperimentMode mode) =>
        $"{mode.Epochs} epochs, {(mode.TrainSamples is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : "all 60,000")} training samples, lr {R(mode.LearningRate)}";

    public static void Write(ExperimentResult result, ExperimentRequest request, OutputFolder folder)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(folder);
        WritePlots(result, folder);
        AtomicFile.WriteAllText(folder.PathOf(ReportFile), Markdown(result, request));
        JsonFile.Write(folder.PathOf(SummaryFile), Summary(result, request));
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
            .Append(request.Quick ? "quick" : "full").Append(" mode: ").Append(ModeText(result.Plan.Mode)).Append(". ");
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
                Algorithm(result.Plan.Specs[i].Config),
                m.Diverged ? $"diverged in epoch {m.DivergedEpoch}" : G(m.FinalTrainLoss),
                m.Epochs.Count == 0 ? "–" : $"{G(m.MinTrainLoss)} ({m.MinTrainLossEpoch})",
                m.Diverged ? "–" : G(m.FinalTestLoss),
                m.Diverged ? "–" : (m.FinalTestAccuracy * 100).ToString("F2", CultureInfo.InvariantCulture) + " %",
                m.Diverged ? "–" : G(m.Gap),
                m.FinalAlignment.Count == 0 ? "–" : string.Join(", ", m.FinalAlignment.Select(a => $"{a.Block} {Deg(a.GradientDegrees)} / {Deg(a.WeightDegrees)}")),
                Seconds(m.WallSeconds),
            ])));
        sb.Append("\nTrain loss is averaged over each epoch's batches as trained (dropout on, L1/L2 penalty included), as in the survey's curves; ")
            .Append("test numbers are measured after each epoch in evaluation mode. Alignment angles are degrees between the DFA update and the BP gradient ")
            .Append("(gradient) and between B_l and the forward weights (weight), per hidden block, after the last step. ")
            .Append("Each member's folder has its metrics.csv, alignment.csv, summary.json and curves.\n\n");
        sb.Append("## Plots\n\n");
        sb.Append("![train loss per epoch](").Append(TrainLossPlot).Append(")\n\n");
        sb.Append("![test accuracy per epoch](").Append(TestAccuracyPlot).Append(")\n");
        if (e.Name == "dropout")
        {
            sb.Append("\n![overfitting gap per epoch](").Append(GapPlot).Append(")\n");
        }

        sb.Append("\nWall time of the experiment: ").Append(Seconds(result.WallSeconds)).Append(".\n");
        return sb.ToString();
    }

    private static void WritePlots(ExperimentResult result, OutputFolder folder)
    {
        IReadOnlyList<MemberResult> members = result.Members;
        string name = result.Plan.Experiment.Name;
        AtomicFile.WriteAllBytes(folder.PathOf(TrainLossPlot), CurvePlot.Png(
            $"{name}: train loss", "epoch", "train loss", Curves(members, e => e.TrainLoss), logY: true));
        AtomicFile.WriteAllBytes(folder.PathOf(TestAccuracyPlot), CurvePlot.Png(
            $"{name}: test accuracy", "epoch", "test accuracy (%)", Curves(members, e => e.TestAccuracy * 100)));
        if (name == "dropout")
        {
            AtomicFile.WriteAllBytes(folder.PathOf(GapPlot), CurvePlot.Png(
                $"{name}: overfitting gap", "epoch", "test loss − train loss", Curves(members, e => e.TestLoss - e.TrainLoss)));
        }
    }

    private static List<Curve> Curves(IReadOnlyList<MemberResult> members, Func<Dfa.Core.Training.EpochMetrics, double> y) =>
        members.Select(m => new Curve(
            m.Diverged ? $"{m.Label} (diverged)" : m.Label,
            m.Epochs.Select(e => (double)e.Epoch).ToArray(),
            m.Epochs.Select(y).ToArray())).ToList();

    private static IReadOnlyList<KeyValuePair<string, object?>> Summary(ExperimentResult result, ExperimentRequest request)
    {
        Experiment e = result.Plan.Experiment;
        ExperimentMode mode = result.Plan.Mode;
        return
        [
            new("experiment", e.Name),
            new("section", e.Section),
            new("finding", e.Finding),
            new("base_config", request.BaseConfigPath ?? ExperimentCatalog.BaseConfig),
            new("mode", new List<KeyValuePair<string, object?>>
            {
                new("name", request.Quick ? "quick" : "full"),
                new("epochs", mode.Epochs),
                new("train_samples", mode.TrainSamples),
                new("lr", mode.LearningRate),
            }),
            new("overrides", request.Overrides.ToList()),
            new("verdict", new List<KeyValuePair<string, object?>>
            {
                new("status", result.Verdict.StatusText),
                new("line", result.Verdict.Line),
            }),
            new("criteria", e.Criteria.ToList()),
            new("members", result.Members.Select((m, i) => (object?)Member(m, result.Plan.Specs[i].Config, result.TrainSamples[i], result.Plan.Overrides[i])).ToList()),
            new("wall_seconds", result.WallSeconds),
        ];
    }

    private static List<KeyValuePair<string, object?>> Member(MemberResult m, TrainConfig config, int trainSamples, IReadOnlyList<string> overrides) =>
    [
        new("label", m.Label),
        new("overrides", overrides.ToList()),
        new("algorithm", Algorithm(config)),
        new("train_samples", trainSamples),
        new("diverged_epoch", m.DivergedEpoch),
        new("epochs", m.Epochs.Count),
        new("final_train_loss", JsonFile.FiniteOrNull(m.FinalTrainLoss)),
        new("min_train_loss", JsonFile.FiniteOrNull(m.MinTrainLoss)),
        new("min_train_loss_epoch", m.MinTrainLossEpoch),
        new("final_test_loss", JsonFile.FiniteOrNull(m.FinalTestLoss)),
        new("final_test_accuracy", JsonFile.FiniteOrNull(m.FinalTestAccuracy)),
        new("gap", JsonFile.FiniteOrNull(m.Gap)),
        new("train_loss", m.Epochs.Select(x => (object?)x.TrainLoss).ToList()),
        new("test_loss", m.Epochs.Select(x => (object?)x.TestLoss).ToList()),
        new("test_accuracy", m.Epochs.Select(x => (object?)x.TestAccuracy).ToList()),
        new("final_alignment", m.FinalAlignment.Select(a => (object?)new List<KeyValuePair<string, object?>>
        {
            new("block", a.Block),
            new("gradient_deg", JsonFile.FiniteOrNull(a.GradientDegrees)),
            new("weight_deg", JsonFile.FiniteOrNull(a.WeightDegrees)),
        }).ToList()),
        new("wall_seconds", m.WallSeconds),
    ];

    private static string Algorithm(TrainConfig c) =>
        $"{c.Algorithm.ToString().ToUpperInvariant()} {(c.Optimizer == OptimizerKind.Adam ? "Adam" : "SGD")} {R(c.LearningRate)}";


    private static string G(double v) => Verdicts.N(v);

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Deg(double v) => double.IsFinite(v) ? v.ToString("F1", CultureInfo.InvariantCulture) + "°" : "n/a";

    private static string Seconds(double s) => s.ToString("F1", CultureInfo.InvariantCulture) + " s";
}
