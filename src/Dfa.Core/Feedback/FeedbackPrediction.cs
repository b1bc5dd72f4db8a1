namespace Dfa.Core.Feedback;

/// <summary>
/// What a backend predicts, without building anything, for one shape, options and batch size: its storage, the
/// work done once when the projector is built (<see cref="Setup"/>: an optical unit's calibration frames), the work
/// of one <see cref="IFeedbackProjector.Project"/> call (<see cref="PerProjection"/>), and the arithmetic that work is
/// priced at (<see cref="Precision"/>). A built projector's <see cref="IFeedbackProjector.Counts"/> after <c>k</c>
/// calls of that batch size equal <c>Setup + k·PerProjection</c> exactly; the contract tests hold every backend to that.
/// </summary>
public sealed record FeedbackPrediction(FeedbackStorage Storage, ActionCounts Setup, ActionCounts PerProjection, FeedbackPrecision Precision = FeedbackPrecision.Fp32)
{
    /// <summary>
    /// Why the matrices do not fit the hardware the options describe (e.g. a neuromorphic chip's cores or synapse
    /// memory), or null when they fit. Infeasible is a result, not an exception: the counts are still the work the
    /// mapping would do, and a cost model reports the row as not fitting.
    /// </summary>
    public string? Infeasible { get; init; }
}
