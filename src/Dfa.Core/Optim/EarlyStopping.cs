namespace Dfa.Core.Optim;

/// <summary>
/// Early stopping on validation loss, PyTorch Lightning's <c>EarlyStopping(mode="min")</c> without its finiteness
/// abort. After each epoch <see cref="Observe"/> gets the validation loss; it is an improvement when
/// <c>loss &lt; BestLoss − minDelta</c> (the first finite loss always is, since <c>BestLoss</c> starts at +∞). NaN is
/// never an improvement. Training should stop once <c>patience</c> consecutive epochs have passed without one.
/// </summary>
public sealed class EarlyStopping
{
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="patience"/> is negative, or <paramref name="minDelta"/> is negative or not finite.
    /// </exception>
    public EarlyStopping(int patience, double minDelta = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(patience);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(minDelta);
        Patience = patience;
        MinDelta = minDelta;
    }

    /// <summary>Epochs without improvement that trigger the stop.</summary>
    public int Patience { get; }

    /// <summary>How much lower than <see cref="BestLoss"/> a loss must be to count as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>The lowest improving loss seen; +∞ before any.</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>The 0-based index (among observed epochs) of <see cref="BestLoss"/>; −1 before any improvement.</summary>
    public int BestEpoch { get; private set; } = -1;

    /// <summary>Epochs observed so far.</summary>
    public int EpochsObserved { get; private set; }

    /// <summary>Consecutive epochs since the last improvement (Lightning's <c>wait_count</c>).</summary>
    public int EpochsSinceImprovement { get; private set; }

    /// <summary>Whether the last observed loss improved on the best (the moment to save a best checkpoint).</summary>
    public bool LastImproved { get; private set; }

    /// <summary>
    /// Whether at least one epoch has passed without improvement and <see cref="EpochsSinceImprovement"/> has reached
    /// <see cref="Patience"/> (so patience 0 stops at the first epoch that does not improve, as in Lightning).
    /// </summary>
    public bool ShouldStop => EpochsSinceImprovement > 0 && EpochsSinceImprovement >= Patience;

    /// <summary>Records one epoch's validation loss; returns <see cref="ShouldStop"/>.</summary>
    public bool Observe(double validationLoss)
    {
        LastImproved = validationLoss < BestLoss - MinDelta;
        if (LastImproved)
        {
            BestLoss = validationLoss;
            BestEpoch = EpochsObserved;
            EpochsSinceImprovement = 0;
        }
        else
        {
            EpochsSinceImprovement++;
        }

        EpochsObserved++;
        return ShouldStop;
    }
}
