using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// The direct half of DFA and DRTP: one call to the feedback projector gives every feedback block of a network its
/// signal at once (<c>B_l·e</c> for DFA, <c>y*·B_l</c> for DRTP), then each block runs its backward from that signal.
/// The projector's shape is checked once per network, the signal buffers are kept between steps.
/// </summary>
/// <param name="projector">The projector, of shape <c>outputs → feedback block widths</c>.</param>
/// <param name="outputsName">What the network's outputs are called in the shape error (<c>outputs</c>, <c>classes</c>).</param>
internal sealed class ProjectedBackward(IFeedbackProjector projector, string outputsName)
{
    private Matrix?[] _signals = [];
    private Network? _checkedNetwork;
    private IReadOnlyList<NetworkBlock>? _hidden;
    private Action<int>? _backwardBlock;

    /// <summary>The network's feedback blocks, after checking (once per network) that the projector maps onto them.</summary>
    /// <exception cref="ArgumentException">The projector's shape does not match the network.</exception>
    public IReadOnlyList<NetworkBlock> FeedbackBlocks(Network network)
    {
        IReadOnlyList<NetworkBlock> hidden = network.FeedbackBlocks;
        if (!ReferenceEquals(network, _checkedNetwork))
        {
            // A network's blocks never change, so the shape check (and its LINQ) runs once per network, not per step.
            FeedbackShape shape = projector.Shape;
            if (shape.ErrorSize != network.OutputSize || shape.LayerSizes.Count != hidden.Count
                || !hidden.Select(b => b.OutputSize).SequenceEqual(shape.LayerSizes))
            {
                throw new ArgumentException(
                    $"The projector maps {shape}, but the network has {network.OutputSize} {outputsName} and hidden widths [{string.Join(", ", hidden.Select(b => b.OutputSize))}].",
                    nameof(network));
            }

            _signals = new Matrix?[hidden.Count];
            _checkedNetwork = network;
        }

        return hidden;
    }

    /// <summary>Projects <paramref name="source"/> (a row per sample) onto <paramref name="hidden"/> and runs each block's backward from its signal.</summary>
    public void Run(Network network, IReadOnlyList<NetworkBlock> hidden, Matrix source)
    {
        for (int l = 0; l < hidden.Count; l++)
        {
            Matrix.Ensure(ref _signals[l], source.Rows, hidden[l].OutputSize);
        }

        Matrix[] signals = _signals!;
        projector.Project(source, signals);

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
