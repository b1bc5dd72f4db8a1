namespace Dfa.Sim.Profiles;

/// <summary>
/// The <c>neuromorphic:</c> section (kind neuromorphic only): work is counted in synaptic operations (one per
/// MAC-equivalent) and synaptic updates (one per weight change).
/// </summary>
public sealed record NeuromorphicSpec
{
    /// <summary><c>synaptic_op_j</c>: energy of one synaptic operation, J.</summary>
    public required SourcedValue SynapticOpJ { get; init; }

    /// <summary><c>synaptic_update_j</c>: energy of one synaptic (weight) update, J.</summary>
    public required SourcedValue SynapticUpdateJ { get; init; }

    /// <summary><c>synaptic_ops_per_s</c>: sustained synaptic operations per second, chip-wide.</summary>
    public required SourcedValue SynapticOpsPerS { get; init; }

    /// <summary><c>synaptic_updates_per_s</c>: sustained synaptic updates per second, chip-wide.</summary>
    public SourcedValue? SynapticUpdatesPerS { get; init; }

    /// <summary><c>neurons</c>: neurons on the chip.</summary>
    public required SourcedValue Neurons { get; init; }

    /// <summary><c>synapses</c>: synapses on the chip (bounds the weights plus feedback weights that fit).</summary>
    public required SourcedValue Synapses { get; init; }

    /// <summary><c>neuron_cores</c>: neuromorphic cores.</summary>
    public SourcedValue? NeuronCores { get; init; }
}
