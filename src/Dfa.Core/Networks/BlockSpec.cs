namespace Dfa.Core.Networks;

/// <summary>
/// A run of layers that training methods treat as one unit (<c>conv1</c> = its convolution, activation and pooling;
/// <c>hidden1</c> = Linear, normalisation, activation, dropout): under DFA a hidden block takes its feedback signal at
/// its output. All counts are per sample.
/// </summary>
public sealed record BlockSpec
{
    /// <exception cref="ArgumentException">No layers, or a layer whose input is not the previous layer's output.</exception>
    public BlockSpec(string name, IReadOnlyList<LayerSpec> layers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0)
        {
            throw new ArgumentException($"Block '{name}' has no layers.", nameof(layers));
        }

        for (int i = 1; i < layers.Count; i++)
        {
            if (layers[i].InputSize != layers[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Block '{name}': layer '{layers[i].Name}' takes {layers[i].InputSize} inputs but '{layers[i - 1].Name}' gives {layers[i - 1].OutputSize}.",
                    nameof(layers));
            }
        }

        Name = name;
        Layers = [.. layers];
    }

    public string Name { get; }

    public IReadOnlyList<LayerSpec> Layers { get; }

    public int InputSize => Layers[0].InputSize;

    /// <summary>Output elements per sample; for a hidden block, the size <c>n_l</c> of its feedback point.</summary>
    public int OutputSize => Layers[^1].OutputSize;

    /// <summary>The layers that are tensors between layers for pricing: not <see cref="LayerSpec.Fused"/>.</summary>
    public IEnumerable<LayerSpec> PricedLayers => Layers.Where(l => !l.Fused);

    public long Parameters => Layers.Sum(l => l.Parameters);

    public long ForwardMacs => Layers.Sum(l => l.ForwardMacs);

    public long WeightGradientMacs => Layers.Sum(l => l.WeightGradientMacs);

    /// <summary>Input-gradient MACs of the block's first priced layer: what passing an error into the block below costs.</summary>
    public long InputGradientMacs => PricedLayers.First().InputGradientMacs;

    /// <summary>Input-gradient MACs inside the block, past its first priced layer (0 when the rest is pooling).</summary>
    public long InnerInputGradientMacs => PricedLayers.Skip(1).Sum(l => l.InputGradientMacs);

    /// <summary>Activation elements the block's forward keeps: the outputs of its priced layers.</summary>
    public long Activations => PricedLayers.Sum(l => (long)l.OutputSize);

    public bool HasConvolution => Layers.Any(l => l.Kind == LayerKind.Conv2d);

    public bool HasLinear => Layers.Any(l => l.Kind == LayerKind.Linear);

    public bool Equals(BlockSpec? other) => other is not null && other.Name == Name && other.Layers.SequenceEqual(Layers);

    public override int GetHashCode() => HashCode.Combine(Name, Layers.Count);
}
