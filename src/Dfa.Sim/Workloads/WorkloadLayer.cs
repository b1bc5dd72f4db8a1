namespace Dfa.Sim.Workloads;

/// <summary>
/// One layer of a <see cref="Workload"/>, as numbers only: sizes in elements per sample, its parameter count and
/// its forward multiply-accumulates per sample. Activations are fused into the layer that feeds them (they cost no
/// MACs and their derivative is computed from the stored output).
/// </summary>
/// <remarks>
/// MAC formulas, per sample (bias additions and activation functions are not MACs and are not counted):
/// <list type="bullet">
/// <item>Linear <c>n_in → n_out</c>: forward <c>n_in·n_out</c>; weight gradient <c>δ_outᵀ·x</c> the same count;
/// input gradient <c>Wᵀ·δ_out</c> the same count. Parameters <c>n_in·n_out + n_out</c>.</item>
/// <item>Conv2d: forward <c>H_out·W_out·C_out·C_in·K·K</c>; every forward MAC <c>w·x</c> has exactly one
/// weight-gradient MAC <c>δ·x</c> and one input-gradient MAC <c>w·δ</c>, so both gradients cost the same count
/// (padding zeros included, as in the forward). Parameters <c>C_out·C_in·K·K + C_out</c>.</item>
/// <item>MaxPool and AvgPool: 0 MACs in every phase (max pooling's comparisons and gradient routing, average
/// pooling's window adds and its gradient's spreading are not counted), no parameters.</item>
/// </list>
/// </remarks>
public sealed record WorkloadLayer
{
    /// <param name="name">A label, e.g. <c>conv1_1</c>.</param>
    /// <param name="kind">What the layer computes.</param>
    /// <param name="inputSize">Input elements per sample.</param>
    /// <param name="outputSize">Output elements per sample.</param>
    /// <param name="parameters">Trainable parameters (weights and biases).</param>
    /// <param name="forwardMacs">Forward multiply-accumulates per sample.</param>
    /// <param name="isFeedbackPoint">True when DFA projects the output error onto this layer's output.</param>
    public WorkloadLayer(
        string name,
        WorkloadLayerKind kind,
        int inputSize,
        int outputSize,
        long parameters,
        long forwardMacs,
        bool isFeedbackPoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown layer kind.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(forwardMacs);
        if (kind is WorkloadLayerKind.MaxPool or WorkloadLayerKind.AvgPool && (parameters != 0 || forwardMacs != 0))
        {
            throw new ArgumentException(
                $"Pooling layer '{name}' has no parameters and no MACs (got {parameters} parameters, {forwardMacs} MACs).",
                nameof(kind));
        }

        Name = name;
        Kind = kind;
        InputSize = inputSize;
        OutputSize = outputSize;
        Parameters = parameters;
        ForwardMacs = forwardMacs;
        IsFeedbackPoint = isFeedbackPoint;
        Block = name;
    }

    /// <summary>
    /// The block this layer belongs to (its own name unless set): consecutive layers of one block are what a training
    /// method schedules as one unit, e.g. <c>conv1</c> = its convolution and its pooling. A block's output is its last
    /// layer's output; a pooled block's feedback point is its pooling layer.
    /// </summary>
    public string Block
    {
        get;
        init => field = string.IsNullOrWhiteSpace(value) ? throw new ArgumentException("A block name cannot be empty.", nameof(value)) : value;
    }

    public string Name { get; }

    public WorkloadLayerKind Kind { get; }

    /// <summary>Input elements per sample.</summary>
    public int InputSize { get; }

    /// <summary>Output elements per sample; for a feedback point, its <c>n_l</c>.</summary>
    public int OutputSize { get; }

    /// <summary>Trainable parameters, weights and biases.</summary>
    public long Parameters { get; }

    /// <summary>Forward multiply-accumulates per sample.</summary>
    public long ForwardMacs { get; }

    /// <summary>True when DFA projects the output error onto this layer's output (<c>δ_l = (B_l·e) ⊙ f'(a_l)</c>).</summary>
    public bool IsFeedbackPoint { get; }

    /// <summary>True for layers with trainable parameters (Linear, Conv2d).</summary>
    public bool HasWeights => Parameters > 0;

    /// <summary>Weight-gradient MACs per sample: <see cref="ForwardMacs"/> for a layer with weights, else 0.</summary>
    public long WeightGradientMacs => HasWeights ? ForwardMacs : 0;

    /// <summary>Input-gradient MACs per sample (<c>Wᵀ·δ</c> or its convolutional transpose): <see cref="ForwardMacs"/>.</summary>
    public long InputGradientMacs => ForwardMacs;

    /// <summary>A fully connected layer <c>inputs → outputs</c> with bias.</summary>
    public static WorkloadLayer Linear(string name, int inputs, int outputs, bool isFeedbackPoint)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        long macs = (long)inputs * outputs;
        return new WorkloadLayer(name, WorkloadLayerKind.Linear, inputs, outputs, macs + outputs, macs, isFeedbackPoint);
    }

    /// <summary>
    /// A square-kernel 2-D convolution with bias on a <c>C_in × H × W</c> input; output side
    /// <c>⌊(H + 2·padding − K) / stride⌋ + 1</c>.
    /// </summary>
    public static WorkloadLayer Conv2d(
        string name,
        ImageSize input,
        int outChannels,
        int kernel,
        int stride,
        int padding,
        bool isFeedbackPoint)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ImageSize output = input.Window(outChannels, kernel, stride, padding);
        long weights = (long)outChannels * input.Channels * kernel * kernel;
        long macs = (long)output.Height * output.Width * weights;
        return new WorkloadLayer(
            name, WorkloadLayerKind.Conv2d, input.Elements, output.Elements, weights + outChannels, macs, isFeedbackPoint);
    }

    /// <summary>
    /// Max pooling with a square window, no padding; output side <c>⌊(H − K) / stride⌋ + 1</c>. A feedback point when it
    /// closes a block DFA projects onto (the pooled map of a <c>Conv2d → activation → pool</c> block).
    /// </summary>
    public static WorkloadLayer MaxPool(string name, ImageSize input, int kernel, int stride, bool isFeedbackPoint = false) =>
        Pool(name, WorkloadLayerKind.MaxPool, input, kernel, stride, isFeedbackPoint);

    /// <summary>Average pooling, priced like <see cref="MaxPool"/>: its window adds are not counted.</summary>
    public static WorkloadLayer AvgPool(string name, ImageSize input, int kernel, int stride, bool isFeedbackPoint = false) =>
        Pool(name, WorkloadLayerKind.AvgPool, input, kernel, stride, isFeedbackPoint);

    private static WorkloadLayer Pool(string name, WorkloadLayerKind kind, ImageSize input, int kernel, int stride, bool isFeedbackPoint)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernel, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ImageSize output = input.Window(input.Channels, kernel, stride, padding: 0);
        return new WorkloadLayer(name, kind, input.Elements, output.Elements, 0, 0, isFeedbackPoint);
    }
}
