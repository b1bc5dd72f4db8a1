using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>Backpropagation: <c>δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ f'(a_l)</c>, block by block from the output.</summary>
public sealed class Backpropagation : ITrainingAlgorithm
{
    public string Name => "BP";

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        Matrix? g = outputGradient;
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        for (int i = blocks.Count - 1; i >= 0; i--)
        {
            // The input gradient of the first block would be dLoss/dx: nobody needs it.
            g = blocks[i].Backward(g!, needInputGradient: i > 0);
        }
    }
}
