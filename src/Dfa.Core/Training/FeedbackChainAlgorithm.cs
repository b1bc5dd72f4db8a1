using Dfa.Core.Layers;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// The learning rules that keep backpropagation's order but replace <c>W</c> in the input gradient of every Linear and
/// Conv2d layer with a backward matrix <c>B</c> of <c>W</c>'s shape: feedback alignment (fixed random <c>B</c>), sign
/// symmetry (<c>B</c> from <c>W</c>'s signs) and Kolen–Pollack (<c>B</c> learned alongside <c>W</c>). A Linear layer
/// passes <c>δ_in = δ_out·B</c>; a convolution passes the transposed convolution of <c>δ</c> with the kernel <c>B</c>
/// (<see cref="Conv2d.Backward(Matrix, bool, Matrix)"/>). Parameter gradients and every other layer's backward
/// (activations, pooling, norms, dropout) are exactly BP's, so the output layer gets its true gradient.
/// </summary>
/// <remarks>
/// A backward matrix exists for each Linear or Conv2d layer whose input gradient someone needs: every such layer of the
/// trained blocks but the lowest one's first. The layers do not know about the matrices: the algorithm asks a Linear
/// layer for its parameter gradients only and forms <c>δ·B</c> itself, so every rule shares one unchanged Linear.
/// </remarks>
public abstract class FeedbackChainAlgorithm : ITrainingAlgorithm
{
    private readonly Network _network;
    private readonly List<ILayer> _layers = [];
    private readonly Dictionary<ILayer, Parameter> _weights = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<ILayer, Matrix?> _inputGradients = new(ReferenceEqualityComparer.Instance);

    /// <param name="network">The network this instance trains; <see cref="ComputeGradients(Network, Matrix)"/> accepts no other.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> &lt; 1.</exception>
    protected FeedbackChainAlgorithm(Network network, int threads)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _network = network;
        Threads = threads;
        foreach ((ILayer layer, bool needInput) in BackwardOrder(network))
        {
            if (needInput && WeightOf(layer) is { } weight)
            {
                _layers.Insert(0, layer);
                _weights.Add(layer, weight);
                _inputGradients.Add(layer, null);
            }
        }

        FeedbackWeights = [.. _layers.Select(l => _weights[l])];
    }

    public abstract string Name { get; }

    /// <summary>The network this instance trains.</summary>
    public Network Network => _network;

    /// <summary>The weights that have a backward matrix, in forward order (e.g. <c>fc2.weight</c>, <c>fc3.weight</c>).</summary>
    public IReadOnlyList<Parameter> FeedbackWeights { get; }

    protected int Threads { get; }

    /// <summary>
    /// A copy of the backward matrix of each weight in <see cref="FeedbackWeights"/>, keyed by its name, as the next
    /// step would use it (for sign symmetry: built from the current weights, for brSF with the next step's draws).
    /// </summary>
    public IReadOnlyDictionary<string, Matrix> FeedbackMatrices
    {
        get
        {
            PrepareBackward();
            return FeedbackWeights.ToDictionary(w => w.Name, w => BackwardMatrix(w).Clone(), StringComparer.Ordinal);
        }
    }

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!ReferenceEquals(network, _network))
        {
            throw new ArgumentException($"This {Name} instance was built for another network; its backward matrices belong to that one.", nameof(network));
        }

        PrepareBackward();
        Matrix? g = outputGradient;
        foreach ((ILayer layer, bool needInput) in BackwardOrder(network))
        {
            if (!_weights.TryGetValue(layer, out Parameter? weight))
            {
                // The input gradient of the first trained layer would be dLoss/dx or a frozen block's: nobody needs it.
                g = layer.Backward(g!, needInputGradient: needInput);
                continue;
            }

            Matrix b = BackwardMatrix(weight);
            if (layer is Conv2d conv)
            {
                g = conv.Backward(g!, needInputGradient: true, b);
                continue;
            }

            layer.Backward(g!, needInputGradient: false);
            Matrix? buffer = _inputGradients[layer];
            Matrix dx = Matrix.Ensure(ref buffer, g!.Rows, layer.InputSize);
            _inputGradients[layer] = buffer;
            Gemm.Multiply(g, Transpose.No, b, Transpose.No, dx, 1f, 0f, Threads);
            g = dx;
        }
    }

    /// <summary>After each optimizer step: rules whose <c>B</c> follows the weights' changes update it here.</summary>
    public virtual void AfterStep()
    {
    }

    /// <summary>The matrix that replaces <paramref name="weight"/> (one of <see cref="FeedbackWeights"/>) in its layer's input gradient this step.</summary>
    protected abstract Matrix BackwardMatrix(Parameter weight);

    /// <summary>Called before every backward pass (and before <see cref="FeedbackMatrices"/> reads the matrices): rules that derive <c>B</c> from <c>W</c> build it here.</summary>
    protected virtual void PrepareBackward()
    {
    }

    /// <summary>The weight of a Linear or Conv2d layer; null for every other layer.</summary>
    protected static Parameter? WeightOf(ILayer layer) => layer switch
    {
        Linear linear => linear.Weight,
        Conv2d conv => conv.Weight,
        _ => null,
    };

    /// <summary>Fan-in and fan-out of a weight as PyTorch counts them: <c>in</c>, <c>out</c> for Linear; <c>C_in·k²</c>, <c>C_out·k²</c> for Conv2d.</summary>
    protected (int FanIn, int FanOut) Fans(Parameter weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ILayer layer = _layers.First(l => ReferenceEquals(_weights[l], weight));
        int area = layer is Conv2d conv ? conv.Kernel * conv.Kernel : 1;
        return (weight.Value.Cols, weight.Value.Rows * area);
    }

    /// <summary>
    /// Every layer of the trained blocks from the output back, with whether its input gradient is needed (all but the
    /// first trained layer's).
    /// </summary>
    private static IEnumerable<(ILayer Layer, bool NeedInput)> BackwardOrder(Network network)
    {
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int first = network.FrozenBlocks;
        for (int i = blocks.Count - 1; i >= first; i--)
        {
            IReadOnlyList<ILayer> layers = blocks[i].Layers;
            for (int j = layers.Count - 1; j >= 0; j--)
            {
                yield return (layers[j], i > first || j > 0);
            }
        }
    }
}
