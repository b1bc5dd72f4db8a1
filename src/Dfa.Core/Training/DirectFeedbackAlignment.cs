using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Direct Feedback Alignment (Nøkland 2016). The output block gets its true error <c>e</c> = dLoss/dlogits; one call
/// to the feedback projector gives every hidden block its signal <c>B_l e</c> at once, which the block turns into
/// <c>δ_l = (B_l e) ⊙ f'(a_l)</c> through its own layers. No block waits for another. Frozen blocks are not feedback
/// points: the projector maps <c>e</c> onto <see cref="Network.FeedbackBlocks"/>.
/// </summary>
public sealed class DirectFeedbackAlignment : ITrainingAlgorithm, IResumable
{
    private readonly IFeedbackProjector _projector;
    private readonly ProjectedBackward _direct;

    public DirectFeedbackAlignment(IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        _projector = projector;
        _direct = new ProjectedBackward(projector, "outputs");
    }

    public string Name => "DFA";

    public IFeedbackProjector Projector => _projector;

    /// <summary>The projector's counts and moving state; its matrices are rebuilt from their seed, not saved.</summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetProjector(prefix + "projector/", _projector);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RestoreProjector(prefix + "projector/", _projector);
    }

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        IReadOnlyList<NetworkBlock> hidden = _direct.FeedbackBlocks(network);

        // A network of one trained block (the output, all below frozen) has no feedback points.
        network.OutputBlock.Backward(outputGradient, needInputGradient: false);
        if (hidden.Count > 0)
        {
            _direct.Run(network, hidden, outputGradient);
        }
    }
}
