namespace Dfa.Sim.Profiles;

/// <summary>What a hardware profile describes; it decides which kind-specific section is required.</summary>
public enum ProfileKind
{
    /// <summary>CPU, GPU or digital ASIC: priced by FLOP/s, bytes/s and J per operation or byte.</summary>
    Digital,

    /// <summary>An optical co-processor (LightOn OPU class) beside a digital host: the <c>optical</c> section.</summary>
    Optical,

    /// <summary>A spiking chip (Loihi class): priced in synaptic operations, the <c>neuromorphic</c> section.</summary>
    Neuromorphic,

    /// <summary>A compute-in-memory crossbar (RRAM, NeuroSim class): the <c>cim</c> section.</summary>
    Cim,
}
