using Dfa.Core.Layers;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// A feed-forward classifier as a chain of <see cref="NetworkBlock"/>s: every block but the last is a hidden block
/// (a DFA feedback point at its output), the last produces the logits. Parameter names are the layers' names
/// prefixed by their block-local layer names (e.g. <c>fc1.weight</c>, <c>bn1.bias</c>). The first
/// <see cref="FrozenBlocks"/> blocks may be frozen (a pretrained backbone): they run forward only, no training
/// algorithm sends them an error and the optimizer holds only <see cref="TrainableParameters"/>.
/// </summary>
public sealed class Network
{
    private readonly NetworkBlock[] _blocks;
    private readonly Parameter[] _parameters;

    /// <param name="blocks">The blocks in forward order; the last gives the logits.</param>
    /// <param name="frozenBlocks">How many of the first blocks never train; the output block must train.</param>
    public Network(IReadOnlyList<NetworkBlock> blocks, int frozenBlocks = 0)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count < 1)
        {
            throw new ArgumentException("A network needs at least an output block.", nameof(blocks));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(frozenBlocks);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frozenBlocks, blocks.Count);

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
        FrozenBlocks = frozenBlocks;
        FeedbackBlocks = _blocks[frozenBlocks..^1];
        _parameters = _blocks.SelectMany(b => b.Layers).SelectMany(l => l.Parameters).ToArray();
        TrainableParameters = _blocks[frozenBlocks..].SelectMany(b => b.Layers).SelectMany(l => l.Parameters).ToArray();
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

    /// <summary>How many of the first blocks are frozen: forward only, never trained.</summary>
    public int FrozenBlocks { get; }

    /// <summary>The hidden blocks that train: the DFA feedback points (all hidden blocks when none is frozen).</summary>
    public IReadOnlyList<NetworkBlock> FeedbackBlocks { get; }

    /// <summary>Every parameter, frozen ones included (what a weights file holds).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The parameters of the blocks that train: what the optimizer and the regularisers see.</summary>
    public IReadOnlyList<Parameter> TrainableParameters { get; }

    /// <summary>The same blocks with the first <paramref name="frozenBlocks"/> frozen (the blocks are shared, not copied).</summary>
    public Network WithFrozenBlocks(int frozenBlocks) => new(_blocks, frozenBlocks) { Threads = Threads };

    /// <summary>The index of the block named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name) => Array.FindIndex(_blocks, b => b.Name == name);

    public int InputSize => _blocks[0].InputSize;

    public int OutputSize => _blocks[^1].OutputSize;

    public long ParameterCount => _parameters.Sum(p => (long)p.Value.Length);

    /// <summary>
    /// Threads the network's layers were built with (1 unless <see cref="NetworkBuilder"/> set it); training algorithms
    /// may run independent blocks side by side on that many. Results do not depend on it.
    /// </summary>
    internal int Threads { get; set; } = 1;

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
