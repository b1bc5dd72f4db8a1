namespace Dfa.Sim.Profiles;

/// <summary>What a published end-to-end figure measures, as a profile's <c>validation:</c> entry names it.</summary>
public enum ValidationQuantity
{
    /// <summary><c>samples_per_s</c>: training throughput, samples (images, sequences) per second: <c>batch / step time</c>.</summary>
    SamplesPerS,

    /// <summary><c>inferences_per_s</c>: inference throughput, <c>batch / forward time</c>.</summary>
    InferencesPerS,

    /// <summary><c>energy_per_inference_j</c>: dynamic energy of one inference (compute and memory, no static power), J.</summary>
    EnergyPerInferenceJ,

    /// <summary><c>projection_ops_per_s</c>: a feedback projection <c>e → n</c> at <c>2·e·n</c> operations per sample, per second.</summary>
    ProjectionOpsPerS,

    /// <summary><c>projection_ops_per_j</c>: the same operations per joule of the projection's energy (its compute, its traffic, its frames).</summary>
    ProjectionOpsPerJ,
}

/// <summary>
/// One published end-to-end figure a profile must predict (its <c>validation:</c> list): what was measured, on which
/// workload and settings, the published value and its source. At most one entry of a profile <see cref="Calibrates"/>
/// a free parameter (the profile stores the value that makes the model reproduce that figure); every other entry is
/// held out, and <see cref="Bound"/>, when given, is the relative error a test holds its prediction under.
/// </summary>
public sealed record ValidationEntry
{
    /// <summary>Unique within the profile: lower-case letters, digits and '-'.</summary>
    public required string Name { get; init; }

    public required ValidationQuantity Quantity { get; init; }

    /// <summary>The published value, in the quantity's unit.</summary>
    public required double Value { get; init; }

    /// <summary>Where the value was published (a tag of <c>hardware-profiles/SOURCES.md</c> and the table or page).</summary>
    public required string Source { get; init; }

    /// <summary>The workload (a <c>WorkloadCatalog</c> name) for training and inference quantities; null for projections.</summary>
    public string? Workload { get; init; }

    /// <summary>The workload's output size <c>e</c> (the vocabulary for a pre-training workload).</summary>
    public int Outputs { get; init; }

    /// <summary>Samples per step (or per inference call).</summary>
    public required int Batch { get; init; }

    /// <summary>The run's arithmetic (<c>fp32</c> unless given).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary><c>bp</c> or <c>dfa</c> for training throughput.</summary>
    public string Method { get; init; } = "bp";

    /// <summary>The feedback backend of a DFA step or a projection.</summary>
    public string? Backend { get; init; }

    /// <summary><c>sgd</c> (with momentum) or <c>adam</c> (Adam-class: Adam, LAMB).</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>A projection's error size <c>e</c>.</summary>
    public int ErrorSize { get; init; }

    /// <summary>A projection's layer size <c>n</c>.</summary>
    public int LayerSize { get; init; }

    /// <summary>The profile field this entry calibrates (<c>compute.tensor_gemm_efficiency</c>), or null when held out.</summary>
    public string? Calibrates { get; init; }

    /// <summary>The relative error a held-out prediction must stay under (0.25: within 25 %), or null when the entry is reported only.</summary>
    public double? Bound { get; init; }

    /// <summary>What differs between the published measurement and what is priced.</summary>
    public string? Note { get; init; }

    /// <summary>Where the entry is written (<c>file:line:col</c>), for messages.</summary>
    public required string Location { get; init; }

    /// <summary>Whether the entry calibrates a field (else it is held out).</summary>
    public bool IsCalibration => Calibrates is not null;
}
