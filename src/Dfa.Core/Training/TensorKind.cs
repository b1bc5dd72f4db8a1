namespace Dfa.Core.Training;

/// <summary>What a tensor in a model file is; stored as one byte, so later kinds (optimizer state) fit without a new format version.</summary>
public enum TensorKind : byte
{
    /// <summary>A trainable parameter (<see cref="Layers.Parameter"/>).</summary>
    Parameter = 0,

    /// <summary>A non-trainable layer buffer (<see cref="Layers.LayerBuffer"/>), e.g. BatchNorm running statistics.</summary>
    Buffer = 1,

    /// <summary>An optimizer buffer in a checkpoint (Adam's moments, SGD's momentum), one record per parameter.</summary>
    OptimizerState = 2,

    /// <summary>Any other checkpoint record: random generator states, counters, the data order, the config text.</summary>
    TrainingState = 3,
}
