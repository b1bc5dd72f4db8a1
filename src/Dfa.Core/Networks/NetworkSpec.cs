using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;

namespace Dfa.Core.Networks;

/// <summary>
/// A network's description without weights: its blocks and layers in forward order, shapes, parameter counts and
/// feedback points. The one description of a network: <see cref="Training.NetworkBuilder"/> allocates from it, the
/// simulator prices it (a shape too large to allocate is priced all the same), and training checks its memory
/// before allocating. Every block but the last is a hidden block (a feedback point at its output); the last block
/// gives the logits. Counts are per sample.
/// </summary>
/// <remarks>
/// <see cref="ActivationsPerSample"/> = <c>n_input + Σ</c> the outputs of every priced layer: every tensor between
/// layers, kept once by the forward for the backward (element-wise layers are fused into the layer before them).
/// </remarks>
public sealed record NetworkSpec
{
    /// <exception cref="ArgumentException">No blocks, a block whose input is not the previous block's output, or an output block without weights.</exception>
    public NetworkSpec(string name, IReadOnlyList<BlockSpec> blocks, bool feedbackAtInput = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
        {
            throw new ArgumentException($"Network '{name}' has no blocks.", nameof(blocks));
        }

        for (int i = 1; i < blocks.Count; i++)
        {
            if (blocks[i].InputSize != blocks[i - 1].OutputSize)
            {
                throw new ArgumentException(
                    $"Network '{name}': block '{blocks[i].Name}' takes {blocks[i].InputSize} inputs but '{blocks[i - 1].Name}' gives {blocks[i - 1].OutputSize}.",
                    nameof(blocks));
            }
        }

        if (!blocks[^1].Layers.Any(l => l.HasWeights))
        {
            throw new ArgumentException($"Network '{name}': the output block '{blocks[^1].Name}' has no weights.", nameof(blocks));
        }

        if (!feedbackAtInput && blocks.Count < 2)
        {
            throw new ArgumentException($"Network '{name}' has no hidden block (no feedback point).", nameof(blocks));
        }

        Name = name;
        Blocks = [.. blocks];
        FeedbackAtInput = feedbackAtInput;
    }

    public string Name { get; }

    public IReadOnlyList<BlockSpec> Blocks { get; }

    /// <summary>True when DFA also projects the error onto the input (Launay et al. 2019's 54.8 GB VGG-16 variant).</summary>
    public bool FeedbackAtInput { get; }

    /// <summary>Input elements per sample.</summary>
    public int Inputs => Blocks[0].InputSize;

    /// <summary>Output units, the error size <c>e</c>.</summary>
    public int Outputs => Blocks[^1].OutputSize;

    /// <summary>Every block but the output block: the feedback points.</summary>
    public IReadOnlyList<BlockSpec> HiddenBlocks => [.. Blocks.Take(Blocks.Count - 1)];

    /// <summary>Trainable parameters, every block's.</summary>
    public long Parameters => Blocks.Sum(b => b.Parameters);

    /// <summary>Forward MACs per sample.</summary>
    public long ForwardMacs => Blocks.Sum(b => b.ForwardMacs);

    /// <summary>Weight-gradient MACs per sample.</summary>
    public long WeightGradientMacs => Blocks.Sum(b => b.WeightGradientMacs);

    /// <summary>Activation elements the forward keeps per sample (see the remarks).</summary>
    public long ActivationsPerSample => Inputs + Blocks.Sum(b => b.Activations);

    /// <summary>
    /// DFA's projection from the error onto every hidden block's output (<c>e → n_1, …</c>), the input first when
    /// <see cref="FeedbackAtInput"/>.
    /// </summary>
    public FeedbackShape FeedbackShape
    {
        get
        {
            IEnumerable<int> sizes = HiddenBlocks.Select(b => b.FeedbackSize);
            return new FeedbackShape(Outputs, [.. FeedbackAtInput ? sizes.Prepend(Inputs) : sizes]);
        }
    }

    /// <summary>The index of the block named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name) => Blocks.ToList().FindIndex(b => b.Name == name);

    /// <summary>This network with a feedback point at the input as well.</summary>
    public NetworkSpec WithFeedbackAtInput() => new(Name, Blocks, feedbackAtInput: true);

    /// <summary>The same blocks under another name.</summary>
    public NetworkSpec Named(string name) => new(name, Blocks, FeedbackAtInput);

    /// <summary>
    /// The network a <see cref="TrainConfig"/> trains on <paramref name="inputs"/> features and <paramref name="classes"/>
    /// classes: <c>conv1..convK</c> (one per <c>model.conv</c> entry: a convolution, its activation and, when
    /// <c>model.pool &gt; 1</c>, max or average pooling), then <c>hidden1..hiddenH</c> (one per <c>model.hidden</c> width:
    /// Linear, BatchNorm or LayerNorm when enabled, the activation, dropout when <c>p_drop &gt; 0</c>), then <c>output</c>,
    /// a Linear onto the classes. Parameters are named after their layer (<c>fc1.weight</c>, <c>bn1.bias</c>,
    /// <c>conv1.weight</c>), and each layer's initial weights or dropout masks come from its own stream of the seed.
    /// </summary>
    /// <exception cref="DfaInputException">The input shape does not match <paramref name="inputs"/>, or a kernel or pool does not fit.</exception>
    public static NetworkSpec From(TrainConfig config, int inputs, int classes, string name = "config")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ModelConfig model = config.Model;
        var blocks = new List<BlockSpec>();
        int width = inputs;
        if (model.Conv.Count > 0)
        {
            var shape = new ImageShape(model.InputShape[0], model.InputShape[1], model.InputShape[2]);
            if (shape.Size != inputs)
            {
                throw new DfaInputException(
                    $"model.input_shape [{shape.Channels}, {shape.Height}, {shape.Width}] has {shape.Size} values per sample, but the data has {inputs} features");
            }

            for (int i = 0; i < model.Conv.Count; i++)
            {
                int index = i + 1;
                try
                {
                    LayerSpec conv = LayerSpec.Convolution(
                        $"conv{index}", new ConvShape(shape, model.Conv[i], model.ConvKernel, model.ConvStride, model.ConvPadding), $"init/conv{index}");
                    ImageShape o = conv.Conv!.Output;
                    var layers = new List<LayerSpec> { conv, LayerSpec.ActivationOf($"cact{index}", model.Activation, o.Size, model) };
                    if (model.Pool > 1)
                    {
                        LayerSpec pool = LayerSpec.Pooling(
                            $"pool{index}", model.PoolKind == PoolKind.Max ? LayerKind.MaxPool : LayerKind.AvgPool, new PoolShape(o, model.Pool, model.Pool));
                        layers.Add(pool);
                        o = pool.Pool!.Output(pool.Kind == LayerKind.MaxPool ? "maxpool2d" : "avgpool2d");
                    }

                    blocks.Add(new BlockSpec($"conv{index}", layers));
                    shape = o;
                }
                catch (ArgumentException ex)
                {
                    throw new DfaInputException($"model.conv[{i}]: {ex.Message}");
                }
            }

            width = shape.Size;
        }

        IReadOnlyList<int> hidden = model.Hidden;
        for (int i = 0; i < hidden.Count; i++)
        {
            int index = i + 1;
            int n = hidden[i];
            var layers = new List<LayerSpec> { LayerSpec.Linear($"fc{index}", width, n, $"init/fc{index}") };
            if (config.UseBatchNorm)
            {
                layers.Add(new LayerSpec($"bn{index}", LayerKind.BatchNorm, n, n) { Parameters = 2L * n });
            }

            if (config.UseLayerNorm)
            {
                layers.Add(new LayerSpec($"ln{index}", LayerKind.LayerNorm, n, n) { Parameters = 2L * n });
            }

            layers.Add(LayerSpec.ActivationOf($"act{index}", model.Activation, n, model));
            if (config.DropoutP > 0)
            {
                layers.Add(new LayerSpec($"dropout{index}", LayerKind.Dropout, n, n) { DropoutP = config.DropoutP, Stream = $"dropout/{index}" });
            }

            blocks.Add(new BlockSpec($"hidden{index}", layers));
            width = n;
        }

        int output = hidden.Count + 1;
        blocks.Add(new BlockSpec("output", [LayerSpec.Linear($"fc{output}", width, classes, $"init/fc{output}")]));
        return new NetworkSpec(name, blocks);
    }

    public bool Equals(NetworkSpec? other) =>
        other is not null && other.Name == Name && other.FeedbackAtInput == FeedbackAtInput && other.Blocks.SequenceEqual(Blocks);

    public override int GetHashCode() => HashCode.Combine(Name, Blocks.Count, FeedbackAtInput);

    public override string ToString() =>
        $"{Name} (e={Outputs}, {Blocks.Count} blocks, {FeedbackShape.LayerSizes.Count} feedback points" + (FeedbackAtInput ? " incl. input" : string.Empty) + ")";
}
