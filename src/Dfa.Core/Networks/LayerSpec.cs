using Dfa.Core.Config;

namespace Dfa.Core.Networks;

/// <summary>
/// One layer of a <see cref="NetworkSpec"/>, as numbers only: sizes in elements per sample, its trainable parameters
/// and its forward multiply-accumulates per sample, with what <see cref="Training.NetworkBuilder"/> needs to allocate it.
/// </summary>
/// <remarks>
/// MACs per sample (bias additions and activation functions are not MACs and are not counted): Linear
/// <c>n_in → n_out</c>: forward <c>n_in·n_out</c>; Conv2d: <c>H_out·W_out·C_out·C_in·K·K</c>; every forward MAC of a
/// layer with weights has one weight-gradient MAC and one input-gradient MAC, so both gradients cost the forward's
/// count (padding zeros included). Pooling, normalisation, activations and dropout: 0 MACs in every phase.
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

    /// <summary>Whether the layer has trainable weights that take a weight gradient (Linear, Conv2d).</summary>
    public bool HasWeights => Kind is LayerKind.Linear or LayerKind.Conv2d;

    /// <summary>
    /// Whether pricing fuses it into the layer before it: an element-wise layer whose output replaces its input in
    /// place of a new tensor between layers (activations, normalisation, dropout).
    /// </summary>
    public bool Fused => Kind is LayerKind.Activation or LayerKind.BatchNorm or LayerKind.LayerNorm or LayerKind.Dropout;

    /// <summary>Weight-gradient MACs per sample: <see cref="ForwardMacs"/> for a layer with weights, else 0.</summary>
    public long WeightGradientMacs => HasWeights ? ForwardMacs : 0;

    /// <summary>Input-gradient MACs per sample (<c>Wᵀ·δ</c> or its convolutional transpose): <see cref="ForwardMacs"/>.</summary>
    public long InputGradientMacs => ForwardMacs;

    /// <summary>A fully connected layer with bias.</summary>
    public static LayerSpec Linear(string name, int inputs, int outputs, string? stream = null) =>
        new(name, LayerKind.Linear, inputs, outputs)
        {
            Parameters = ((long)inputs * outputs) + outputs,
            ForwardMacs = (long)inputs * outputs,
            Stream = stream,
        };

    /// <summary>A square-kernel convolution with bias.</summary>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public static LayerSpec Convolution(string name, ConvShape shape, string? stream = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Layers.ImageShape output = shape.Output;
        long weights = (long)shape.OutChannels * shape.Input.Channels * shape.Kernel * shape.Kernel;
        return new(name, LayerKind.Conv2d, shape.Input.Size, output.Size)
        {
            Parameters = weights + shape.OutChannels,
            ForwardMacs = (long)output.Height * output.Width * weights,
            Conv = shape,
            Stream = stream,
        };
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
