using Dfa.Core.Tensors;

namespace Dfa.Core.Feedback;

/// <summary>
/// The feedback step of DFA: for a batch of output errors <c>E</c> (batch × e), the signal for hidden feedback point
/// <c>l</c> is <c>S_l = E · B_l</c> (batch × n_l), i.e. <c>s_l = B_l e</c> per sample with <c>B_l</c> stored as e × n_l.
/// Implementations are fixed for their lifetime (the feedback matrices never train) and count the work they do.
/// </summary>
public interface IFeedbackProjector
{
    /// <summary>The backend's registered name, e.g. <c>dense</c>.</summary>
    string Backend { get; }

    FeedbackShape Shape { get; }

    /// <summary>Everything this projector has done since it was built.</summary>
    ActionCounts Counts { get; }

    /// <summary>
    /// Writes <c>S_l = E · B_l</c> into <paramref name="signals"/>[l] for every hidden feedback point.
    /// <paramref name="error"/> is batch × <see cref="FeedbackShape.ErrorSize"/>; <paramref name="signals"/>[l] is
    /// batch × <see cref="FeedbackShape.LayerSizes"/>[l] and is overwritten.
    /// </summary>
    void Project(Matrix error, IReadOnlyList<Matrix> signals);
}
