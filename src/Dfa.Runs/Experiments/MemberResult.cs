using Dfa.Core.Training;
using Dfa.Runs.Training;

namespace Dfa.Runs.Experiments;

/// <summary>A final alignment angle of one hidden block of a DFA member (degrees; NaN where undefined).</summary>
public record struct BlockAngle(string Block, double GradientDegrees, double WeightDegrees);

/// <summary>
/// The numbers a verdict and a report need from one member's run, kept apart from <see cref="RunOutcome"/> so that
/// verdict functions are pure and testable on hand-made curves. A diverged member has the epochs it completed and the
/// epoch it diverged in; its final losses are +∞ so that every "lower loss" comparison ranks it last.
/// </summary>
public sealed record MemberResult(
    string Label,
    IReadOnlyList<EpochMetrics> Epochs,
    int? DivergedEpoch,
    IReadOnlyList<BlockAngle> FinalAlignment,
    double WallSeconds)
{
    public bool Diverged => DivergedEpoch is not null;

    /// <summary>Train loss per completed epoch (the survey's figures plot this).</summary>
    public IReadOnlyList<double> TrainLosses => Epochs.Select(e => e.TrainLoss).ToArray();

    /// <summary>The last epoch's train loss; +∞ for a diverged member or one without epochs.</summary>
    public double FinalTrainLoss => Diverged || Epochs.Count == 0 ? double.PositiveInfinity : Epochs[^1].TrainLoss;

    /// <summary>The smallest train loss over the completed epochs (+∞ without any).</summary>
    public double MinTrainLoss => Epochs.Count == 0 ? double.PositiveInfinity : Epochs.Min(e => e.TrainLoss);

    /// <summary>The 1-based epoch of <see cref="MinTrainLoss"/> (the first if tied; 0 without epochs).</summary>
    public int MinTrainLossEpoch => Epochs.Count == 0 ? 0 : Epochs.MinBy(e => e.TrainLoss)!.Epoch;

    /// <summary><c>final / min</c> train loss: how far the loss rose again from its best; +∞ for a diverged member.</summary>
    public double Rise => FinalTrainLoss / MinTrainLoss;

    public double FinalTestLoss => Diverged || Epochs.Count == 0 ? double.PositiveInfinity : Epochs[^1].TestLoss;

    public double FinalTestAccuracy => Diverged || Epochs.Count == 0 ? double.NaN : Epochs[^1].TestAccuracy;

    /// <summary>The overfitting gap: final test loss − final train loss (NaN for a diverged member).</summary>
    public double Gap => Diverged || Epochs.Count == 0 ? double.NaN : Epochs[^1].TestLoss - Epochs[^1].TrainLoss;

    /// <summary>Takes a batch member's numbers: epochs completed, divergence, the final alignment snapshot and wall time.</summary>
    public static MemberResult From(RunRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        RunOutcome o = record.Outcome;
        BlockAngle[] angles = o.FinalAlignment is { } a
            ? a.Gradient.Select((g, l) => new BlockAngle(g.Block, g.WeightDegrees, a.Weight[l].Degrees)).ToArray()
            : [];
        return new MemberResult(record.Spec.Label, o.Epochs, o.Diverged?.Epoch, angles, o.WallSeconds);
    }
}
