using System.Globalization;
using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Training;
using Dfa.Runs.Files;
using Dfa.Runs.Plots;
using Dfa.Runs.Studies;
using Dfa.Runs.Training;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Compare;

/// <summary>What a comparison was asked for: the base config as loaded with the user's overrides, and the seeds per member.</summary>
public sealed record CompareSettings(TrainConfig Config, string ConfigLabel, IReadOnlyList<string> Overrides, int Seeds = 1)
{
    /// <summary><c>seed S</c>, or <c>seeds S..S+N−1</c>.</summary>
    public string SeedsText => Seeds == 1 ? $"seed {Config.Seed}" : $"seeds {Config.Seed}..{Config.Seed + (ulong)Seeds - 1}";
}

/// <summary>One compared method: BP, or DFA on one backend, with its run and its simulated costs.</summary>
/// <param name="Label">Its run folder's name: <c>bp</c> or <c>dfa-&lt;backend&gt;</c>.</param>
/// <param name="Backend">The feedback backend, or <c>bp</c>.</param>
/// <param name="Run">Its training run.</param>
/// <param name="StorageBytes">Feedback matrix bytes for the trained network, and for e = 1000 (0 for BP).</param>
/// <param name="Costs">Its priced training step per profile and output size.</param>
public sealed record CompareMember(string Label, string Backend, RunRecord Run, (long Trained, long ImageNet) StorageBytes, IReadOnlyList<MemberCost> Costs)
{
    public RunOutcome Outcome => Run.Outcome;

    /// <summary>The member's runs with the seeds after the first (<c>dfa compare --seeds N</c>), in seed order; empty for one seed.</summary>
    public IReadOnlyList<RunRecord> OtherSeeds { get; init; } = [];

    /// <summary>Every seed's run, the first seed's first.</summary>
    public IEnumerable<RunRecord> AllSeeds => OtherSeeds.Prepend(Run);

    /// <summary>Final test accuracy over the seeds whose run finished without diverging.</summary>
    public Spread Accuracy => Spread.Of(AllSeeds.Where(r => r.Outcome.Diverged is null && r.Outcome.Last is not null).Select(r => r.Outcome.Last!.TestAccuracy));

    /// <summary>How many of its seeds diverged.</summary>
    public int DivergedSeeds => AllSeeds.Count(r => r.Outcome.Diverged is not null);

    /// <summary>Test accuracy over its seeds: mean ± sd (min – max) in percent, and how many diverged.</summary>
    public string SeedsAccuracyText()
    {
        Spread s = Accuracy;
        string text = s.N == 0 ? "—" : $"{s.Text(100, 2, " %")} ({(s.Min * 100).ToString("F2", CultureInfo.InvariantCulture)} – {(s.Max * 100).ToString("F2", CultureInfo.InvariantCulture)})";
        return DivergedSeeds == 0 ? text : $"{text}, {DivergedSeeds} diverged";
    }

    /// <summary>The kind of profile the member's feedback device needs (<see cref="Prices.KindOf"/>), named where a chosen profile cannot run it.</summary>
    public string ProfileKind { get; init; } = "any";

    public AlignmentSnapshot? Alignment => Outcome.FinalAlignment;
}

/// <summary>
/// A comparison's machine-readable <c>summary.json</c> and its overlay plots. Every number comes from the members'
/// runs or from the simulator's priced rows.
/// </summary>
public static class CompareFiles
{
    public const string SummaryFile = "summary.json";
    public const string LossPlot = "compare-loss.png";
    public const string AccuracyPlot = "compare-accuracy.png";
    public const string AlignmentPlot = "compare-alignment.png";

    /// <summary>The report's note under the training table of a comparison over several seeds.</summary>
    public static string SeedsNote(int seeds) =>
        $"\nTest accuracy: the final epoch's, mean ± sample sd (min – max) over {seeds} seeds, diverged seeds left out and counted; "
        + "every other column, the plots and the costs are the first seed's run (the other seeds' runs are the `<method>-seed<S>/` folders).\n";

    /// <summary><c>summary.json</c>: the settings, then per member its results, alignment, storage and priced costs.</summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Summary(IReadOnlyList<CompareMember> members, CompareSettings settings, double wallSeconds) =>
    [
        new("config", settings.ConfigLabel),
        new("overrides", settings.Overrides.Cast<object?>().ToList()),
        new("network", members[0].Run.Setup.Network.Describe()),
        new("epochs", settings.Config.Epochs),
        new("batch_size", settings.Config.BatchSize),
        new("seed", settings.Config.Seed),
        new("seeds", settings.Seeds),
        new("threads", settings.Config.EffectiveThreads),
        new("train_samples", members[0].Run.TrainSamples),
        new("wall_seconds", wallSeconds),
        new("members", members.Select(m => (object?)Member(m)).ToList()),
    ];

    /// <summary>The overlays of every member's loss, accuracy and (where measured) gradient alignment.</summary>
    public static void WritePlots(string folder, IReadOnlyList<CompareMember> members, ICurvePlotter plotter)
    {
        ArgumentNullException.ThrowIfNull(plotter);
        var loss = members.Select(m => EpochCurve(m, e => e.TrainLoss)).ToArray();
        var accuracy = members.Select(m => EpochCurve(m, e => e.TestAccuracy * 100)).ToArray();
        AtomicFile.WriteAllBytes(Path.Combine(folder, LossPlot), plotter.Png(new CurveChart("Training loss", "epoch", "cross-entropy (epoch mean)", loss, LogY: true)));
        AtomicFile.WriteAllBytes(Path.Combine(folder, AccuracyPlot), plotter.Png(new CurveChart("Test accuracy", "epoch", "accuracy (%)", accuracy, Legend: LegendCorner.LowerRight)));
        // One colour per method (the same as in the loss and accuracy plots); the first hidden layer solid, the others dashed.
        var alignment = members
            .Select((m, i) => (m, i))
            .Where(t => t.m.Outcome.Alignment.Count > 0)
            .SelectMany(t => TrainingRun.AlignmentCurves(t.m.Outcome.Alignment, t.m.Backend + " ")
                .Where(c => !c.Dashed)
                .Select((c, layer) => c with { Color = t.i, Dashed = layer > 0 }))
            .ToArray();
        if (alignment.Length > 0)
        {
            AtomicFile.WriteAllBytes(
                Path.Combine(folder, AlignmentPlot),
                plotter.Png(new CurveChart("Gradient alignment: DFA update vs BP gradient (first hidden layer solid, later dashed)", "step", "angle (degrees)", alignment, YMin: 0, YMax: 100, Legend: LegendCorner.LowerLeft)));
        }
        else
        {
            // A previous comparison's curves in the same folder would pass for this one's.
            File.Delete(Path.Combine(folder, AlignmentPlot));
        }
    }

    private static List<KeyValuePair<string, object?>> Member(CompareMember m)
    {
        RunOutcome o = m.Outcome;
        EpochMetrics? last = o.Last;
        return
        [
            new("label", m.Label),
            new("backend", m.Backend),
            new("diverged", o.Diverged is not null),
            new("test_accuracy", last?.TestAccuracy),
            new("test_accuracy_over_seeds", m.Accuracy.Json()),
            new("diverged_seeds", m.DivergedSeeds),
            new("seed_runs", m.AllSeeds.Select(r => (object?)(r.Spec.Label + "/")).ToList()),
            new("test_loss", last?.TestLoss),
            new("train_loss", last?.TrainLoss),
            new("train_seconds", o.Epochs.Sum(e => e.Seconds)),
            new("samples_per_second", o.Result?.SamplesPerSecond),
            new("alignment_final", m.Alignment is { } a
                ? a.Gradient.Select((g, l) => (object?)new List<KeyValuePair<string, object?>>
                {
                    new("block", g.Block),
                    new("gradient_deg", JsonFile.FiniteOrNull(g.WeightDegrees)),
                    new("weight_deg", JsonFile.FiniteOrNull(a.Weight[l].Degrees)),
                }).ToList()
                : null),
            new("feedback_storage_bytes", m.Backend == "bp" ? null : m.StorageBytes.Trained),
            new("feedback_storage_bytes_e1000", m.Backend == "bp" ? null : m.StorageBytes.ImageNet),
            new("costs", m.Costs.Select(c => (object?)new List<KeyValuePair<string, object?>>
            {
                new("profile", c.Profile),
                new("outputs", c.Outputs),
                new("feedback_s", c.BackwardSeconds),
                new("step_s", c.Row.TimeSeconds),
                new("critical_path_s", c.Row.CriticalPathSeconds),
                new("energy_j", c.Row.EnergyJ),
                new("fits", c.Row.Fits),
            }).ToList()),
            new("run", m.Label + "/"),
        ];
    }

    private static Curve EpochCurve(CompareMember m, Func<EpochMetrics, double> y) =>
        new(m.Label, m.Outcome.Epochs.Select(e => (double)e.Epoch).ToArray(), m.Outcome.Epochs.Select(y).ToArray());
}
