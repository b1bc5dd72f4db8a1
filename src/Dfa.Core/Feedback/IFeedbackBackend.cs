using Dfa.Core.Config;
using Dfa.Core.Config.Schema;

namespace Dfa.Core.Feedback;

/// <summary>
/// A named family of feedback projectors (a simulated piece of hardware): a plug-in. It owns everything about itself —
/// its options (<see cref="Section"/>, the config section <c>feedback.&lt;name&gt;</c>), its projector, its predicted
/// work and storage, the precision it is priced at and the device it runs on — so adding a backend is one folder plus
/// one registration (<c>services.AddFeedbackBackend&lt;T&gt;()</c>), and nothing else names it.
/// </summary>
public interface IFeedbackBackend
{
    /// <summary>The name users type, lower case, e.g. <c>dense</c>; also the key of its config section.</summary>
    string Name { get; }

    /// <summary>One line for listings.</summary>
    string Description { get; }

    /// <summary>The schema of <c>feedback.&lt;Name&gt;</c>; null when the backend has no options of its own.</summary>
    IBackendSection? Section => null;

    /// <summary>Where the projection runs, which decides the hardware profiles that can price it.</summary>
    FeedbackDevice Device => FeedbackDevice.Digital;

    /// <summary>Whether the cost engine also prices a float16 variant <c>&lt;Name&gt;-fp16</c> of this float32 layout.</summary>
    bool HasFp16Variant => false;

    /// <summary>Named option sets worth measuring besides the defaults (the feedback bench runs each), with their speed targets.</summary>
    IReadOnlyList<BackendVariant> Variants => [];

    /// <summary>
    /// Builds a projector for <paramref name="shape"/>. <paramref name="seed"/> names the feedback matrices: the same
    /// seed, shape and options give the same matrices on every machine.
    /// </summary>
    /// <exception cref="DfaInputException">The options are invalid for this backend or shape (one line naming the key).</exception>
    IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads);

    /// <summary>
    /// The backend's counting reference for <paramref name="shape"/>, <paramref name="options"/> and
    /// <paramref name="seed"/> (see <see cref="ICountingReference"/>): scalar loops that count each action where they
    /// perform it. Every backend supplies one; the contract suite holds its counts equal to <see cref="Predict"/> and
    /// its signals equal to <see cref="Create"/>'s. Slow: for tests and audits, not for training.
    /// </summary>
    /// <exception cref="DfaInputException">The options are invalid for this backend or shape, as in <see cref="Create"/>.</exception>
    ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed);

    /// <summary>
    /// The storage, precision and work of a projector for <paramref name="shape"/> and <paramref name="options"/> at
    /// <paramref name="batch"/> samples per call, computed without building any matrix (so a simulator can price a
    /// shape too large to allocate). It rejects the options <see cref="Create"/> would reject.
    /// </summary>
    /// <exception cref="DfaInputException">The options are invalid for this backend or shape.</exception>
    FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch);

    /// <summary>
    /// The options as the priced device realises them: a backend whose options describe its device (an optical unit's
    /// mirrors, camera and frame time) takes those from the profile's named figures, so the counted work is the priced
    /// device's. The default keeps <paramref name="options"/>.
    /// </summary>
    FeedbackConfig OnDevice(FeedbackConfig options, IDeviceFigures device) => options;

    /// <summary>
    /// Why the priced device cannot run <paramref name="options"/> (one line, e.g. an encoding the chip does not
    /// support), or null when it can. The cost engine then reports the row as not fitting, as for
    /// <see cref="FeedbackPrediction.Infeasible"/>. The default: any device of this backend's kind can.
    /// </summary>
    string? CannotRunOn(FeedbackConfig options, IDeviceFigures device) => null;
}
