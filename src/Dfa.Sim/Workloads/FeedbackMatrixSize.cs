using Dfa.Core.Feedback;

namespace Dfa.Sim.Workloads;

/// <summary>
/// Feedback-matrix arithmetic for a <see cref="FeedbackShape"/> (Launay et al. 2019, arXiv 1906.04554): the
/// naive layout keeps one <c>e × n_l</c> matrix per feedback point, the unified layout one <c>e × max_l n_l</c>
/// matrix whose slices serve every point. Batch size does not enter: <c>B</c> is a parameter, not an activation.
/// These are plain counts; the backends' <c>Predict</c> gives the exact storage of each layout and precision.
/// </summary>
public static class FeedbackMatrixSize
{
    /// <summary>Weights of the naive layout, <c>e·Σ_l n_l</c>.</summary>
    public static long NaiveWeights(FeedbackShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return checked(shape.ErrorSize * shape.TotalLayerSize);
    }

    /// <summary>Weights of the unified layout, <c>e·max_l n_l</c>.</summary>
    public static long UnifiedWeights(FeedbackShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return checked((long)shape.ErrorSize * shape.MaxLayerSize);
    }

    /// <summary>Bytes to hold <paramref name="weights"/> at <paramref name="bitsPerWeight"/>, <c>⌈weights·bits/8⌉</c>.</summary>
    public static long Bytes(long weights, int bitsPerWeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(weights);
        ArgumentOutOfRangeException.ThrowIfLessThan(bitsPerWeight, 1);
        return checked((weights * bitsPerWeight) + 7) / 8;
    }
}
