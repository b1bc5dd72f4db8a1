using Dfa.Core.Layers;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// A run of layers that a training algorithm treats as one unit: in DFA a hidden block receives its feedback signal
/// at its output and back-propagates it only through its own layers (Linear → norm → activation → dropout), which
/// gives <c>δ_l = (B_l e) ⊙ f'(a_l)</c> at the Linear layer.
/// </summary>
public sealed class NetworkBlock
{
    private readonly ILayer[] _layers;

    public NetworkBlock(string name, IReadOnlyList<ILayer> layers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException("A block needs at least one layer.", nameof(layers));
        }

        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputSize != layers[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Layer {i} ({layers[i].Kind}) takes {layers[i].InputSize} inputs but layer {i - 1} ({layers[i - 1].Kind}) gives {layers[i - 1].OutputSize}.",
                    nameof(layers));
            }
        }

        Name = name;
        _layers = layers.ToArray();
    }

    public string Name { get; }

    public IReadOnlyList<ILayer> Layers => _layers;

    public int InputSize => _layers[0].InputSize;

    public int OutputSize => _layers[^1].OutputSize;

    public Matrix Forward(Matrix input, bool training)
    {
        Matrix x = input;
        foreach (ILayer layer in _layers)
        {
            x = layer.Forward(x, training);
        }

        return x;
    }

    /// <summary>
    /// Back-propagates <paramref name="outputGradient"/> through the block's layers, filling their parameter gradients;
    /// returns dLoss/dInput of the block, or null when <paramref name="needInputGradient"/> is false.
    /// </summary>
    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        Matrix? g = outputGradient;
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            g = _layers[i].Backward(g!, needInputGradient: i > 0 || needInputGradient);
        }

        return g;
    }
}
