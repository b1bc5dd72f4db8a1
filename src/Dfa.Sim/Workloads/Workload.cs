using Dfa.Core.Feedback;

namespace Dfa.Sim.Workloads;

/// <summary>
/// A network the simulator prices: its layers in forward order, the last being the output layer of
/// <see cref="Outputs"/> units (the error size <c>e</c>). Pure numbers; every derived count is per sample.
/// </summary>
/// <remarks>
/// <para>Derived counts, with <c>F_l</c>, <c>G_l</c>, <c>I_l</c> a layer's forward, weight-gradient and input-gradient
/// MACs (see <see cref="WorkloadLayer"/>):</para>
/// <list type="bullet">
/// <item><see cref="ForwardMacs"/> = <c>Σ_l F_l</c>.</item>
/// <item><see cref="WeightGradientMacs"/> = <c>Σ_l G_l</c>; the weight update of BP and of DFA alike
/// (<see cref="DfaWeightUpdateMacs"/>).</item>
/// <item><see cref="BackpropBackwardMacs"/> = <c>Σ_{l&gt;1} I_l + Σ_l G_l</c>: no gradient is needed with respect to
/// the data, so the first layer has no input-gradient pass.</item>
/// <item><see cref="ActivationsPerSample"/> = <c>n_input + Σ_l n_out,l</c>: every tensor between layers, kept once
/// by the forward for the backward (each layer's input for its weight gradient, each output for <c>f'</c>).</item>
/// <item><see cref="FeedbackShape"/>: <c>e</c> → the output sizes of the hidden feedback points in order, preceded
/// by the input size when <see cref="FeedbackAtInput"/> is set. DFA's projection itself is a backend's work, not
/// counted here. A feedback point at the input adds storage and projection work only: there are no weights before
/// it to update.</item>
/// </list>
/// </remarks>
public sealed record Workload
{
    public Workload(string name, IReadOnlyList<WorkloadLayer> layers, int outputs, bool feedbackAtInput = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (layers.Count == 0)
        {
            throw new ArgumentException($"Workload '{name}' has no layers.", nameof(layers));
        }

        WorkloadLayer[] copy = layers.ToArray();
        for (int i = 0; i < copy.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(copy[i], nameof(layers));
            if (i > 0 && copy[i - 1].OutputSize != copy[i].InputSize)
            {
                throw new ArgumentException(
                    $"Workload '{name}': layer '{copy[i - 1].Name}' outputs {copy[i - 1].OutputSize} elements but " +
                    $"layer '{copy[i].Name}' expects {copy[i].InputSize}.",
                    nameof(layers));
            }
        }

        WorkloadLayer output = copy[^1];
        if (output.OutputSize != outputs)
        {
            throw new ArgumentException(
                $"Workload '{name}': the output layer '{output.Name}' has {output.OutputSize} units, expected {outputs}.",
                nameof(outputs));
        }

        if (!output.HasWeights || output.IsFeedbackPoint)
        {
            throw new ArgumentException(
                $"Workload '{name}': the output layer '{output.Name}' must have weights and must not be a feedback " +
                "point (it takes the true error).",
                nameof(layers));
        }

        if (!feedbackAtInput && !copy.Any(l => l.IsFeedbackPoint))
        {
            throw new ArgumentException($"Workload '{name}' has no hidden feedback point.", nameof(layers));
        }

        Name = name;
        Layers = copy;
        Outputs = outputs;
        FeedbackAtInput = feedbackAtInput;
    }

    public string Name { get; }

    /// <summary>The layers in forward order; the last is the output layer.</summary>
    public IReadOnlyList<WorkloadLayer> Layers { get; }

    /// <summary>Output units, the DFA error size <c>e</c>.</summary>
    public int Outputs { get; }

    /// <summary>True when DFA also projects the error onto the input (Launay et al. 2019's 54.8 GB VGG-16 variant).</summary>
    public bool FeedbackAtInput { get; }

    /// <summary>Input elements per sample.</summary>
    public int InputSize => Layers[0].InputSize;

    /// <summary>Trainable parameters, weights and biases.</summary>
    public long Parameters => Layers.Sum(l => l.Parameters);

    /// <summary>Forward MACs per sample, <c>Σ_l F_l</c>.</summary>
    public long ForwardMacs => Layers.Sum(l => l.ForwardMacs);

    /// <summary>Weight-gradient MACs per sample, <c>Σ_l G_l</c>.</summary>
    public long WeightGradientMacs => Layers.Sum(l => l.WeightGradientMacs);

    /// <summary>BP's backward MACs per sample: <c>Σ_{l&gt;1} I_l + Σ_l G_l</c>.</summary>
    public long BackpropBackwardMacs => Layers.Skip(1).Sum(l => l.InputGradientMacs) + WeightGradientMacs;

    /// <summary>
    /// DFA's weight-update MACs per sample: the same <c>Σ_l G_l</c> as BP; DFA replaces only the input-gradient
    /// chain, by one projection of the error.
    /// </summary>
    public long DfaWeightUpdateMacs => WeightGradientMacs;

    /// <summary>Activation elements the forward keeps per sample: <c>n_input + Σ_l n_out,l</c>.</summary>
    public long ActivationsPerSample => InputSize + Layers.Sum(l => (long)l.OutputSize);

    /// <summary>The hidden layers DFA projects onto, in forward order (the input point is not a layer).</summary>
    public IReadOnlyList<WorkloadLayer> FeedbackPoints => Layers.Where(l => l.IsFeedbackPoint).ToArray();

    /// <summary>
    /// What DFA's feedback projection maps: <c>e = </c><see cref="Outputs"/> → the sizes <c>n_l</c> of the
    /// feedback points (the input size first when <see cref="FeedbackAtInput"/>).
    /// </summary>
    public FeedbackShape FeedbackShape
    {
        get
        {
            IEnumerable<int> sizes = FeedbackPoints.Select(l => l.OutputSize);
            return new FeedbackShape(Outputs, (FeedbackAtInput ? sizes.Prepend(InputSize) : sizes).ToArray());
        }
    }

    /// <summary>This workload with a feedback point at the input as well.</summary>
    public Workload WithFeedbackAtInput() => new(Name, Layers, Outputs, feedbackAtInput: true);

    public bool Equals(Workload? other) =>
        other is not null && other.Name == Name && other.Outputs == Outputs &&
        other.FeedbackAtInput == FeedbackAtInput && other.Layers.SequenceEqual(Layers);

    public override int GetHashCode() => HashCode.Combine(Name, Outputs, FeedbackAtInput, Layers.Count);

    public override string ToString() =>
        $"{Name} (e={Outputs}, {Layers.Count} layers, {FeedbackShape.LayerSizes.Count} feedback points" +
        (FeedbackAtInput ? " incl. input" : string.Empty) + ")";
}
