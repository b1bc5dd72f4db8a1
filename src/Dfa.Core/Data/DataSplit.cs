using Dfa.Core.Randomness;

namespace Dfa.Core.Data;

/// <summary>Seeded splits of a dataset.</summary>
public static class DataSplit
{
    /// <summary>
    /// Holds out <c>round(fraction·Count)</c> samples, chosen uniformly at random by <paramref name="rng"/>, as a
    /// validation set (for early stopping); the rest is the new training set. Both keep the original sample order and
    /// are named <c>{name}-fit</c> and <c>{name}-validation</c>. The same generator state gives the same split.
    /// </summary>
    /// <exception cref="DfaInputException"><paramref name="fraction"/> is not in (0, 1), or either part would be empty.</exception>
    public static (Dataset Train, Dataset Validation) HoldOut(Dataset train, double fraction, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new DfaInputException($"data.validation_split must be between 0 and 1 (exclusive), got {fraction}.");
        }

        int validationCount = (int)Math.Round(fraction * train.Count, MidpointRounding.AwayFromZero);
        if (validationCount < 1 || validationCount >= train.Count)
        {
            throw new DfaInputException(
                $"data.validation_split {fraction} of {train.Count} samples in {train.Name} leaves {validationCount} for validation and {train.Count - validationCount} for training; both need at least 1.");
        }

        int[] order = new int[train.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        rng.Shuffle(order.AsSpan());
        Span<int> validation = order.AsSpan(0, validationCount);
        Span<int> rest = order.AsSpan(validationCount);
        validation.Sort();
        rest.Sort();
        return (train.Subset(train.Name + "-fit", rest), train.Subset(train.Name + "-validation", validation));
    }
}
