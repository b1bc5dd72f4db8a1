using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Backpropagation: <c>δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ f'(a_l)</c>, block by block from the output down to the first block
/// that trains (frozen blocks get nothing).
/// </summary>
public sealed class Backpropagation : ITrainingAlgorithm
{
    public string Name => "BP";

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        Matrix? g = outputGradient;
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int first = network.FrozenBlocks;
        for (int i = blocks.Count - 1; i >= first; i--)
        {
            // The input gradient of the first trained block would be dLoss/dx or a frozen block's: nobody needs it.
            g = blocks[i].Backward(g!, needInputGradient: i > first);
        }
    }
}
