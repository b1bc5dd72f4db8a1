using Dfa.Core.Config;

namespace Dfa.Core.Networks;

/// <summary>
/// One layer of a <see cref="NetworkSpec"/>, as numbers only: sizes in elements per sample, its trainable parameters
/// and its forward multiply-accumulates per sample, with what <see cref="Training.NetworkBuilder"/> needs to allocate it.
/// </summary>
/// <remarks>
/// MACs per sample (bias additions and activation functions are not MACs and are not counted): Linear
/// <c>n_in → n_out</c>: forward <c>P·n_in·n_out</c> at <c>P</c> <see cref="Positions"/>; Conv2d:
/// <c>H_out·W_out·C_out·C_in·K·K</c>; every forward MAC of a layer with weights has one weight-gradient MAC and one
/// input-gradient MAC, so both gradients cost the forward's count (padding zeros included). A residual sum carries its
/// shortcut convolution's MACs (forward, weight gradient, input gradient into the block's input); attention's
/// <c>2·S²·d</c> forward MACs (<c>QKᵀ</c>, <c>P·V</c>) have <c>4·S²·d</c> input-gradient MACs (<c>dP</c>, <c>dV</c>,
/// <c>dQ</c>, <c>dK</c>) and no weights. Pooling, normalisation, activations, dropout, embeddings and gathers: 0 MACs in
/// every phase (their work is element-wise, priced by the simulator as such).
/// </remarks>
public sealed record LayerSpec
{
    /// <param name="name">Prefixes its parameters' names (<c>fc1</c> → <c>fc1.weight</c>), e.g. <c>fc1</c>, <c>bn1</c>, <c>act1</c>, <c>conv1</c>.</param>
    /// <param name="kind">What it computes.</param>
    /// <param name="inputSize">Input elements per sample.</param>
    /// <param name="outputSize">Output elements per sample.</param>
    public LayerSpec(string name, LayerKind kind, int inputSize, int outputSize)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown layer kind.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        Name = name;
        Kind = kind;
        InputSize = inputSize;
        OutputSize = outputSize;
    }

    public string Name { get; }

    public LayerKind Kind { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary>Trainable parameters (weights and biases; γ and β; PReLU's slope).</summary>
    public long Parameters { get; init; }

    /// <summary>Forward multiply-accumulates per sample.</summary>
    public long ForwardMacs { get; init; }

    /// <summary>The convolution's geometry (Conv2d only).</summary>
    public ConvShape? Conv { get; init; }

    /// <summary>The pooling's geometry (MaxPool and AvgPool only).</summary>
    public PoolShape? Pool { get; init; }

    /// <summary>The activation and its parameters (Activation only).</summary>
    public ActivationKind? Activation { get; init; }

    /// <summary>LeakyReLU's negative slope (Activation only).</summary>
    public double NegativeSlope { get; init; }

    /// <summary>PReLU's initial slope (Activation only).</summary>
    public double PreluInit { get; init; }

    /// <summary>CELU's α (Activation only).</summary>
    public double CeluAlpha { get; init; }

    /// <summary>The drop probability (Dropout only).</summary>
    public double DropoutP { get; init; }

    /// <summary>The name of the random stream the layer draws from (its initial weights, its dropout masks); null for none.</summary>
    public string? Stream { get; init; }

    /// <summary>
    /// Positions (tokens) a Linear, LayerNorm, Dropout or activation is applied at with the same parameters, and the
    /// sequence length of an Attention, Embedding or Gather; 1 for every layer a config builds.
    /// </summary>
    public int Positions { get; init; } = 1;

    /// <summary>Whether a Conv2d has a bias (ResNet's convolutions have none: BatchNorm follows them).</summary>
    public bool HasBias { get; init; } = true;

    /// <summary>Attention heads <c>h</c> (Attention only).</summary>
    public int Heads { get; init; }

    /// <summary>A residual sum's shortcut convolution (1×1, no bias, then BatchNorm2d) on the block's input; null for an identity shortcut.</summary>
    public ConvShape? Shortcut { get; init; }

    /// <summary>A Linear whose weights are another layer's (BERT's decoder shares the token embedding): its parameters are its bias only.</summary>
    public bool TiedWeights { get; init; }

    /// <summary>Whether the layer has trainable weights that take a weight gradient (Linear, Conv2d).</summary>
    public bool HasWeights => Kind is LayerKind.Linear or LayerKind.Conv2d;

    /// <summary>Whether <see cref="Training.NetworkBuilder"/> can allocate it; the other kinds and shapes are priced only.</summary>
    public bool Allocatable => Kind switch
    {
        LayerKind.Linear => Positions == 1 && !TiedWeights,
        LayerKind.Conv2d => HasBias,
        LayerKind.MaxPool or LayerKind.AvgPool => Pool!.Padding == 0,
        LayerKind.BatchNorm or LayerKind.Activation or LayerKind.Dropout or LayerKind.LayerNorm => Positions == 1,
        _ => false,
    };

    /// <summary>
    /// Whether pricing keeps no tensor of its own between layers: an element-wise layer whose output replaces its
    /// input (activations, normalisation, dropout, a residual sum).
    /// </summary>
    public bool Fused => Kind is LayerKind.Activation or LayerKind.BatchNorm or LayerKind.LayerNorm or LayerKind.Dropout
        or LayerKind.BatchNorm2d or LayerKind.ResidualAdd;

    /// <summary>A residual sum's shortcut convolution MACs per sample (0 for an identity shortcut and other kinds).</summary>
    public long ShortcutMacs => Kind == LayerKind.ResidualAdd ? ForwardMacs : 0;

    /// <summary>Weight-gradient MACs per sample: <see cref="ForwardMacs"/> for a layer with weights or a shortcut convolution, else 0.</summary>
    public long WeightGradientMacs => HasWeights || Kind == LayerKind.ResidualAdd ? ForwardMacs : 0;

    /// <summary>
    /// Input-gradient MACs per sample: <c>Wᵀ·δ</c> or its convolutional transpose (<see cref="ForwardMacs"/>);
    /// attention's four products (<c>2·</c><see cref="ForwardMacs"/>); a residual sum's shortcut convolution, into the block's input.
    /// </summary>
    public long InputGradientMacs => Kind == LayerKind.Attention ? 2 * ForwardMacs : ForwardMacs;

    /// <summary>A fully connected layer with bias.</summary>
    public static LayerSpec Linear(string name, int inputs, int outputs, string? stream = null) =>
        new(name, LayerKind.Linear, inputs, outputs)
        {
            Parameters = ((long)inputs * outputs) + outputs,
            ForwardMacs = (long)inputs * outputs,
            Stream = stream,
        };

    /// <summary>A square-kernel convolution, with bias unless <paramref name="bias"/> is false.</summary>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public static LayerSpec Convolution(string name, ConvShape shape, string? stream = null, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Layers.ImageShape output = shape.Output;
        long weights = (long)shape.OutChannels * shape.Input.Channels * shape.Kernel * shape.Kernel;
        return new(name, LayerKind.Conv2d, shape.Input.Size, output.Size)
        {
            Parameters = weights + (bias ? shape.OutChannels : 0),
            ForwardMacs = (long)output.Height * output.Width * weights,
            Conv = shape,
            Stream = stream,
            HasBias = bias,
        };
    }

    /// <summary>
    /// A Linear <paramref name="inputs"/> → <paramref name="outputs"/> with bias applied at each of
    /// <paramref name="positions"/> tokens with the same weights (priced only when <paramref name="positions"/> &gt; 1);
    /// <paramref name="tied"/>: its weights belong to another layer, so only its bias counts as its parameters.
    /// </summary>
    public static LayerSpec TokenLinear(string name, int positions, int inputs, int outputs, bool tied = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(positions, 1);
        return new(name, LayerKind.Linear, checked(positions * inputs), checked(positions * outputs))
        {
            Parameters = (tied ? 0 : (long)inputs * outputs) + outputs,
            ForwardMacs = (long)positions * inputs * outputs,
            Positions = positions,
            TiedWeights = tied,
        };
    }

    /// <summary>Priced only: BatchNorm2d over <paramref name="map"/>, <c>γ</c> and <c>β</c> per channel.</summary>
    public static LayerSpec BatchNorm2d(string name, Layers.ImageShape map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(name, LayerKind.BatchNorm2d, map.Size, map.Size) { Parameters = 2L * map.Channels };
    }

    /// <summary>
    /// Priced only: LayerNorm over <paramref name="features"/> at each of <paramref name="positions"/> tokens
    /// (<c>γ</c> and <c>β</c> per feature); with one position the LayerNorm a config builds.
    /// </summary>
    public static LayerSpec LayerNormOf(string name, int positions, int features) =>
        new(name, LayerKind.LayerNorm, checked(positions * features), checked(positions * features))
        {
            Parameters = 2L * features,
            Positions = positions,
        };

    /// <summary>
    /// Priced only: the residual sum of <paramref name="size"/> elements with the block's input, through
    /// <paramref name="shortcut"/> (a bias-free 1×1 convolution and BatchNorm2d of the block's input) when the shapes differ.
    /// </summary>
    /// <exception cref="ArgumentException">The shortcut's output is not <paramref name="size"/> elements.</exception>
    public static LayerSpec Residual(string name, int size, ConvShape? shortcut = null)
    {
        if (shortcut is null)
        {
            return new(name, LayerKind.ResidualAdd, size, size);
        }

        Layers.ImageShape o = shortcut.Output;
        if (o.Size != size)
        {
            throw new ArgumentException($"Residual '{name}': the shortcut gives {o.Size} elements, the main path {size}.", nameof(shortcut));
        }

        long weights = (long)shortcut.OutChannels * shortcut.Input.Channels * shortcut.Kernel * shortcut.Kernel;
        return new(name, LayerKind.ResidualAdd, size, size)
        {
            Parameters = weights + (2L * shortcut.OutChannels),
            ForwardMacs = (long)o.Height * o.Width * weights,
            Shortcut = shortcut,
        };
    }

    /// <summary>Priced only: <paramref name="heads"/>-head attention over <paramref name="tokens"/> tokens of <paramref name="model"/> features.</summary>
    /// <exception cref="ArgumentException"><paramref name="model"/> is not a multiple of <paramref name="heads"/>.</exception>
    public static LayerSpec AttentionOf(string name, int tokens, int model, int heads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(heads, 1);
        if (model % heads != 0)
        {
            throw new ArgumentException($"Attention '{name}': {model} features do not split into {heads} heads.", nameof(heads));
        }

        return new(name, LayerKind.Attention, checked(3 * tokens * model), checked(tokens * model))
        {
            ForwardMacs = 2L * tokens * tokens * model,
            Positions = tokens,
            Heads = heads,
        };
    }

    /// <summary>Priced only: token, position and segment embeddings (<paramref name="parameters"/> in all) of <paramref name="tokens"/> tokens to <paramref name="model"/> features.</summary>
    public static LayerSpec EmbeddingOf(string name, int tokens, int model, long parameters) =>
        new(name, LayerKind.Embedding, tokens, checked(tokens * model)) { Parameters = parameters, Positions = tokens };

    /// <summary>Priced only: <paramref name="picked"/> of <paramref name="tokens"/> positions of <paramref name="features"/> features each.</summary>
    public static LayerSpec GatherOf(string name, int tokens, int picked, int features)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(picked, tokens);
        return new(name, LayerKind.Gather, checked(tokens * features), checked(picked * features)) { Positions = tokens };
    }

    /// <summary>Max or average pooling with a square window and no padding.</summary>
    /// <exception cref="ArgumentException">The window does not fit the input.</exception>
    public static LayerSpec Pooling(string name, LayerKind kind, PoolShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (kind is not (LayerKind.MaxPool or LayerKind.AvgPool))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "A pooling layer is MaxPool or AvgPool.");
        }

        return new(name, kind, shape.Input.Size, shape.Output(kind == LayerKind.MaxPool ? "maxpool2d" : "avgpool2d").Size) { Pool = shape };
    }

    /// <summary>
    /// An element-wise activation of <paramref name="size"/> units (PReLU: one trainable slope), with the parameters
    /// of <paramref name="model"/> (<c>negative_slope</c>, <c>prelu_init</c>, <c>celu_alpha</c>).
    /// </summary>
    public static LayerSpec ActivationOf(string name, ActivationKind kind, int size, ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new(name, LayerKind.Activation, size, size)
        {
            Activation = kind,
            NegativeSlope = model.NegativeSlope,
            PreluInit = model.PreluInit,
            CeluAlpha = model.CeluAlpha,
            Parameters = kind == ActivationKind.Prelu ? 1 : 0,
        };
    }
}
