namespace Dfa.Core.Networks;

/// <summary>
/// A run of layers that training methods treat as one unit (<c>conv1</c> = its convolution, activation and pooling;
/// <c>hidden1</c> = Linear, normalisation, activation, dropout): under DFA a hidden block takes its feedback signal at
/// its output. All counts are per sample.
/// </summary>
public sealed record BlockSpec
{
    /// <exception cref="ArgumentException">No layers, or a layer whose input is not the previous layer's output.</exception>
    /// <param name="name">The block's name, e.g. <c>hidden1</c>.</param>
    /// <param name="layers">Its layers in forward order.</param>
    /// <param name="feedbackLayer">
    /// The layer whose output is the block's feedback point, null for the last. The networks a config builds take
    /// DFA's signal at their output; the simulator's VGG-16 and AlexNet take it at each convolution's output before
    /// the pooling that closes a stage, as Launay et al. (2019) count those networks' feedback matrices.
    /// </param>
    public BlockSpec(string name, IReadOnlyList<LayerSpec> layers, int? feedbackLayer = null)
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

        int point = feedbackLayer ?? layers.Count - 1;
        ArgumentOutOfRangeException.ThrowIfNegative(point, nameof(feedbackLayer));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(point, layers.Count, nameof(feedbackLayer));
        Name = name;
        Layers = [.. layers];
        FeedbackLayer = point;
    }

    public string Name { get; }

    public IReadOnlyList<LayerSpec> Layers { get; }

    public int InputSize => Layers[0].InputSize;

    /// <summary>Output elements per sample.</summary>
    public int OutputSize => Layers[^1].OutputSize;

    /// <summary>The index of the layer whose output is the block's feedback point (the last, unless the block says otherwise).</summary>
    public int FeedbackLayer { get; }

    /// <summary>
    /// The layer whose output a projected signal stands for: the feedback layer, or the last of the element-wise layers
    /// right after it (a signal at a convolution's output is the gradient at its activation, before any pooling).
    /// </summary>
    public int SignalLayer
    {
        get
        {
            int k = FeedbackLayer;
            while (k + 1 < Layers.Count && Layers[k + 1].Fused)
            {
                k++;
            }

            return k;
        }
    }

    /// <summary>
    /// Elements per sample whose activation derivative a backward pass multiplies in: the outputs of the block's
    /// activation layers (a pooled convolution's before the pooling).
    /// </summary>
    public long DerivativeElements => Layers.Where(l => l.Kind == LayerKind.Activation).Sum(l => (long)l.OutputSize);

    /// <summary>For a hidden block, the size <c>n_l</c> of its feedback point: the signal DFA gives it.</summary>
    public int FeedbackSize => Layers[FeedbackLayer].OutputSize;

    /// <summary>The layers that are tensors between layers for pricing: not <see cref="LayerSpec.Fused"/>.</summary>
    public IEnumerable<LayerSpec> PricedLayers => Layers.Where(l => !l.Fused);

    public long Parameters => Layers.Sum(l => l.Parameters);

    public long ForwardMacs => Layers.Sum(l => l.ForwardMacs);

    public long WeightGradientMacs => Layers.Sum(l => l.WeightGradientMacs);

    /// <summary>
    /// The index of the block's first layer with weights or embeddings (the layer whose input gradient leaves the
    /// block), or the last layer when there is none.
    /// </summary>
    public int EntryLayer
    {
        get
        {
            int i = Layers.ToList().FindIndex(l => l.HasWeights || l.Kind == LayerKind.Embedding);
            return i < 0 ? Layers.Count - 1 : i;
        }
    }

    /// <summary>
    /// Input-gradient MACs of what passing an error into the block below costs: the layers up to the first with
    /// weights (<see cref="EntryLayer"/>) and every residual sum's shortcut convolution (which reads the block's input).
    /// </summary>
    public long InputGradientMacs =>
        Layers.Take(EntryLayer + 1).Sum(l => l.InputGradientMacs) + Layers.Skip(EntryLayer + 1).Sum(l => l.ShortcutMacs);

    /// <summary>Input-gradient MACs inside the block, past <see cref="EntryLayer"/> and besides the shortcuts (0 when the rest is pooling).</summary>
    public long InnerInputGradientMacs => Layers.Skip(EntryLayer + 1).Sum(l => l.InputGradientMacs - l.ShortcutMacs);

    /// <summary>Activation elements the block's forward keeps: the outputs of its priced layers.</summary>
    public long Activations => PricedLayers.Sum(l => (long)l.OutputSize);

    public bool HasConvolution => Layers.Any(l => l.Kind == LayerKind.Conv2d);

    public bool HasLinear => Layers.Any(l => l.Kind == LayerKind.Linear);

    public bool Equals(BlockSpec? other) =>
        other is not null && other.Name == Name && other.FeedbackLayer == FeedbackLayer && other.Layers.SequenceEqual(Layers);

    public override int GetHashCode() => HashCode.Combine(Name, Layers.Count);
}
