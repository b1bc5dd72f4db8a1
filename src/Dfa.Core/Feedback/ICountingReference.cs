using Dfa.Core.Tensors;

namespace Dfa.Core.Feedback;

/// <summary>
/// A backend's counting reference: a plain, scalar implementation of its projection (the same matrices, encoding and
/// device model for the same shape, options and seed) that increments a <see cref="HardwareAction"/> inside the loop
/// that performs that action — each multiply-add, add, multiply, compare, index read, popcount, bit read, frame, pixel,
/// conversion, spike or synaptic operation where it happens. It is slow on purpose and exists to prove the fast
/// accounting: the contract suite holds its <see cref="Counts"/> equal to <see cref="IFeedbackBackend.Predict"/> on
/// random shapes and batches, and its signals equal to the fast projector's, for every registered backend. Product
/// runs keep the fast projector's closed-form counts, which the same suite holds equal to the prediction.
/// </summary>
public interface ICountingReference
{
    FeedbackShape Shape { get; }

    /// <summary>Everything counted since it was built, setup included.</summary>
    ActionCounts Counts { get; }

    /// <summary>
    /// Writes <c>S_l</c> into <paramref name="signals"/>[l] as the backend's projector does, counting each action as it
    /// is performed. Shapes as in <see cref="IFeedbackProjector.Project"/>.
    /// </summary>
    void Project(Matrix error, IReadOnlyList<Matrix> signals);
}
