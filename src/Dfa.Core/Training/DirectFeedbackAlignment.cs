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
    private Matrix?[] _signals = [];
    private Network? _checkedNetwork;
    private IReadOnlyList<NetworkBlock>? _hidden;
    private Action<int>? _backwardBlock;

    public DirectFeedbackAlignment(IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        _projector = projector;
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
        IReadOnlyList<NetworkBlock> hidden = network.FeedbackBlocks;
        if (!ReferenceEquals(network, _checkedNetwork))
        {
            // A network's blocks never change, so the shape check (and its LINQ) runs once per network, not per step.
            FeedbackShape shape = _projector.Shape;
            if (shape.ErrorSize != network.OutputSize || shape.LayerSizes.Count != hidden.Count
                || !hidden.Select(b => b.OutputSize).SequenceEqual(shape.LayerSizes))
            {
                throw new ArgumentException(
                    $"The projector maps {shape}, but the network has {network.OutputSize} outputs and hidden widths [{string.Join(", ", hidden.Select(b => b.OutputSize))}].",
                    nameof(network));
            }

            _signals = new Matrix?[hidden.Count];
            _checkedNetwork = network;
        }

        // A network of one trained block (the output, all below frozen) has no feedback points.
        network.OutputBlock.Backward(outputGradient, needInputGradient: false);
        if (hidden.Count == 0)
        {
            return;
        }

        for (int l = 0; l < hidden.Count; l++)
        {
            Matrix.Ensure(ref _signals[l], outputGradient.Rows, hidden[l].OutputSize);
        }

        Matrix[] signals = _signals!;
        _projector.Project(outputGradient, signals);

        // No hidden block waits for another: with as many threads as blocks, each block's backward (its weight
        // gradient GEMM, bias sums, derivative) runs whole on one thread, which beats splitting every GEMM in two
        // (no join per product, no short last chunk). Nested kernels then run on their block's thread; the bits are
        // the same either way.
        if (network.Threads > 1 && hidden.Count > 1 && hidden.Count <= network.Threads)
        {
            _hidden = hidden;
            WorkerPool.Run(hidden.Count, network.Threads, _backwardBlock ??= BackwardBlock);
            _hidden = null;
            return;
        }

        for (int l = 0; l < hidden.Count; l++)
        {
            hidden[l].Backward(signals[l], needInputGradient: false);
        }
    }

    private void BackwardBlock(int l) => _hidden![l].Backward(_signals[l]!, needInputGradient: false);
}
