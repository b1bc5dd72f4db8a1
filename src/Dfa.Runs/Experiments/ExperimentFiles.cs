using System.Globalization;
using Dfa.Core.Config;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;

namespace Dfa.Runs.Experiments;

/// <summary>An experiment's machine-readable <c>summary.json</c> and its PNG overlays (the report itself is the host's).</summary>
public static class ExperimentFiles
{
    public const string SummaryFile = "summary.json";
    public const string TrainLossPlot = "train_loss.png";
    public const string TestAccuracyPlot = "test_accuracy.png";
    public const string GapPlot = "gap.png";

    /// <summary>The PNG overlays: train loss and test accuracy of every member (and the overfitting gap of <c>dropout</c>).</summary>
    public static void WritePlots(ExperimentResult result, OutputFolder folder, ICurvePlotter plotter)
    {
        ArgumentNullException.ThrowIfNull(plotter);
        IReadOnlyList<MemberResult> members = result.Members;
        string name = result.Plan.Experiment.Name;
        AtomicFile.WriteAllBytes(folder.PathOf(TrainLossPlot), plotter.Png(new CurveChart(
            $"{name}: train loss", "epoch", "train loss", Curves(members, e => e.TrainLoss), LogY: true)));
        AtomicFile.WriteAllBytes(folder.PathOf(TestAccuracyPlot), plotter.Png(new CurveChart(
            $"{name}: test accuracy", "epoch", "test accuracy (%)", Curves(members, e => e.TestAccuracy * 100))));
        if (name == "dropout")
        {
            AtomicFile.WriteAllBytes(folder.PathOf(GapPlot), plotter.Png(new CurveChart(
                $"{name}: overfitting gap", "epoch", "test loss − train loss", Curves(members, e => e.TestLoss - e.TrainLoss))));
        }
    }

    private static List<Curve> Curves(IReadOnlyList<MemberResult> members, Func<Dfa.Core.Training.EpochMetrics, double> y) =>
        members.Select(m => new Curve(
            m.Diverged ? $"{m.Label} (diverged)" : m.Label,
            m.Epochs.Select(e => (double)e.Epoch).ToArray(),
            m.Epochs.Select(y).ToArray())).ToList();

    /// <summary>The experiment's <c>summary.json</c>: the report's numbers, the verdict and its criteria.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Summary(ExperimentResult result, ExperimentRequest request)
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
            new("seeds", result.Plan.Seeds),
            new("verdict", new List<KeyValuePair<string, object?>>
            {
                new("status", result.Verdict.StatusText),
                new("line", result.Verdict.Line),
            }),
            new("seed_verdicts", result.SeedVerdicts.Select((v, k) => (object?)new List<KeyValuePair<string, object?>>
            {
                new("seed", result.Plan.SeedValues[k]),
                new("status", v.StatusText),
                new("line", v.Line),
            }).ToList()),
            new("over_seeds", result.OverSeeds.Select(o => (object?)new List<KeyValuePair<string, object?>>
            {
                new("label", o.Label),
                new("final_test_accuracy", o.TestAccuracy.Json()),
                new("final_train_loss", o.FinalTrainLoss.Json()),
                new("diverged_seeds", o.Diverged),
            }).ToList()),
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

    /// <summary>How a member trains, e.g. <c>DFA Adam 0.005</c>.</summary>
    public static string Algorithm(TrainConfig c) =>
        $"{MethodNames.Of(c.Algorithm)} {(c.Optimizer == OptimizerKind.Adam ? "Adam" : "SGD")} {R(c.LearningRate)}";

    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
