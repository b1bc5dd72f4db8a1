using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends;

/// <summary>
/// A named family of feedback projectors (a simulated piece of hardware). Registered in the DI container and chosen
/// by name from the config's <c>feedback.backend</c> or <c>dfa train --backend</c>.
/// </summary>
public interface IFeedbackBackend
{
    /// <summary>The name users type, lower case, e.g. <c>dense</c>.</summary>
    string Name { get; }

    /// <summary>One line for listings.</summary>
    string Description { get; }

    /// <summary>
    /// Builds a projector for <paramref name="shape"/>. <paramref name="seed"/> names the feedback matrices: the same
    /// seed, shape and options give the same matrices on every machine.
    /// </summary>
    IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads);

    /// <summary>
    /// The storage and work of a projector for <paramref name="shape"/> and <paramref name="options"/> at
    /// <paramref name="batch"/> samples per call, computed without building any matrix (so a simulator can price a
    /// shape too large to allocate). It rejects the options <see cref="Create"/> would reject.
    /// </summary>
    FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch);
}
