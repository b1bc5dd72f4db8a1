using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Direct Random Target Projection (Frenkel, Lefebvre &amp; Bol, "Learning Without Feedback: Fixed Random Learning Signals
/// Allow for Feedforward Training of Deep Neural Networks", Frontiers in Neuroscience 15:629892, 2021). The output block
/// gets its true error <c>e</c> = dLoss/dlogits; every trained hidden block gets a fixed random projection of the batch's
/// one-hot targets <c>y*</c> in place of an error, <c>δ_l = (y*·B_l) ⊙ f'(a_l)</c>, through its own layers. The
/// signal needs only the labels, never the output: no hidden block waits for the forward pass above it or for another
/// block's backward. As in the reference code (<c>ChFrenkel/DirectRandomTargetProjection</c>, <c>function.py</c>:
/// <c>grad_output_est = labels.mm(B)</c>), the projection is the target's, with no sign change and no division by the
/// batch size (the loss's mean over the batch scales only the output block's error).
/// </summary>
/// <remarks>
/// The projection goes through a feedback backend (<see cref="IFeedbackProjector"/>) of shape <c>classes → n_l</c> for
/// each feedback block, as DFA's does, so every backend (dense, binary, sparse, optical, …) can carry it; the projector
/// sees a one-hot matrix where DFA's sees the error. A block's feedback point is its output, as for DFA (for a
/// convolutional block, the pooled map; Frenkel et al.'s code feeds the map before pooling).
/// </remarks>
public sealed class DirectRandomTargetProjection : ITrainingAlgorithm, IResumable
{
    private readonly IFeedbackProjector _projector;
    private readonly ProjectedBackward _direct;
    private Matrix? _targets;

    public DirectRandomTargetProjection(IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        _projector = projector;
        _direct = new ProjectedBackward(projector, "classes");
    }

    public string Name => "DRTP";

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

    /// <summary>DRTP learns from the targets: use the overload with labels.</summary>
    /// <exception cref="InvalidOperationException">Always.</exception>
    public void ComputeGradients(Network network, Matrix outputGradient) =>
        throw new InvalidOperationException("DRTP projects the batch's targets: call ComputeGradients with the labels.");

    /// <exception cref="ArgumentException">
    /// The projector's shape does not match the network, the labels do not match the batch, or a label is not a class.
    /// </exception>
    public void ComputeGradients(Network network, Matrix outputGradient, ReadOnlySpan<int> labels)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        IReadOnlyList<NetworkBlock> hidden = _direct.FeedbackBlocks(network);

        int batch = outputGradient.Rows;
        if (labels.Length != batch)
        {
            throw new ArgumentException($"A batch of {batch} rows needs as many labels, got {labels.Length}.", nameof(labels));
        }

        network.OutputBlock.Backward(outputGradient, needInputGradient: false);
        if (hidden.Count == 0)
        {
            return;
        }

        Matrix targets = Matrix.Ensure(ref _targets, batch, network.OutputSize);
        targets.Clear();
        for (int i = 0; i < batch; i++)
        {
            int c = labels[i];
            if ((uint)c >= (uint)network.OutputSize)
            {
                throw new ArgumentException($"Label {c} of row {i} is not one of the {network.OutputSize} classes.", nameof(labels));
            }

            targets[i, c] = 1f;
        }

        _direct.Run(network, hidden, targets);
    }
}
