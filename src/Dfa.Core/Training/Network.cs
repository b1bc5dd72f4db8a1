using Dfa.Core.Layers;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// A feed-forward classifier as a chain of <see cref="NetworkBlock"/>s: every block but the last is a hidden block
/// (a DFA feedback point at its output), the last produces the logits. Parameter names are the layers' names
/// prefixed by their block-local layer names (e.g. <c>fc1.weight</c>, <c>bn1.bias</c>).
/// </summary>
public sealed class Network
{
    private readonly NetworkBlock[] _blocks;
    private readonly Parameter[] _parameters;

    public Network(IReadOnlyList<NetworkBlock> blocks)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count < 1)
        {
            throw new ArgumentException("A network needs at least an output block.", nameof(blocks));
        }

        for (int i = 1; i < blocks.Count; i++)
        {
            if (blocks[i].InputSize != blocks[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Block '{blocks[i].Name}' takes {blocks[i].InputSize} inputs but '{blocks[i - 1].Name}' gives {blocks[i - 1].OutputSize}.",
                    nameof(blocks));
            }
        }

        _blocks = blocks.ToArray();
        HiddenBlocks = _blocks[..^1];
        _parameters = _blocks.SelectMany(b => b.Layers).SelectMany(l => l.Parameters).ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Parameter p in _parameters)
        {
            if (!names.Add(p.Name))
            {
                throw new ArgumentException($"Two parameters are named '{p.Name}'.", nameof(blocks));
            }
        }
    }

    public IReadOnlyList<NetworkBlock> Blocks => _blocks;

    /// <summary>Every block but the output block: the DFA feedback points.</summary>
    public IReadOnlyList<NetworkBlock> HiddenBlocks { get; }

    public NetworkBlock OutputBlock => _blocks[^1];

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public int InputSize => _blocks[0].InputSize;

    public int OutputSize => _blocks[^1].OutputSize;

    public long ParameterCount => _parameters.Sum(p => (long)p.Value.Length);

    /// <summary>Logits (batch × <see cref="OutputSize"/>), owned by the output layer.</summary>
    public Matrix Forward(Matrix input, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Cols != InputSize)
        {
            throw new ArgumentException($"The network takes {InputSize} inputs, got {input.Cols}.", nameof(input));
        }

        Matrix x = input;
        foreach (NetworkBlock block in _blocks)
        {
            x = block.Forward(x, training);
        }

        return x;
    }

    /// <summary>One line per block, e.g. <c>fc1 linear 784→800, tanh, dropout</c>.</summary>
    public string Describe() =>
        string.Join(" | ", _blocks.Select(b => $"{b.Name}: {string.Join(", ", b.Layers.Select(l => l.Kind))} {b.InputSize}→{b.OutputSize}"));
}
