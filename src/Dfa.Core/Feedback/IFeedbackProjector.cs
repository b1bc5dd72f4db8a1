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

    /// <summary>Everything this projector has done since it was built, including any setup work.</summary>
    ActionCounts Counts { get; }

    /// <summary>What this projector actually keeps (equal to its backend's prediction for the same shape and options).</summary>
    FeedbackStorage Storage { get; }

    /// <summary>
    /// Writes <c>S_l = E · B_l</c> into <paramref name="signals"/>[l] for every hidden feedback point.
    /// <paramref name="error"/> is batch × <see cref="FeedbackShape.ErrorSize"/>; <paramref name="signals"/>[l] is
    /// batch × <see cref="FeedbackShape.LayerSizes"/>[l] and is overwritten.
    /// </summary>
    void Project(Matrix error, IReadOnlyList<Matrix> signals);

    /// <summary>
    /// The error as the hardware sees it: a copy for float backends, the ternarised error for ternary and optical
    /// paths. Without noise, <c>Project(E)</c> equals <c>EncodeError(E) · FeedbackMatrix(l)</c> for every layer.
    /// <paramref name="encoded"/> has the shape of <paramref name="error"/>. Counts nothing.
    /// </summary>
    void EncodeError(Matrix error, Matrix encoded);

    /// <summary>
    /// The e × n_l matrix <c>B_l</c> the hardware realises for hidden feedback point <paramref name="layer"/>,
    /// materialised as float32 (noise-free; allocates; for analysis and tests). Counts nothing.
    /// </summary>
    Matrix FeedbackMatrix(int layer);
}
