namespace Dfa.Core.Serialization;

/// <summary>What a tensor in a model file is; stored as one byte, so later kinds (optimizer state) fit without a new format version.</summary>
public enum TensorKind : byte
{
    /// <summary>A trainable parameter (<see cref="Layers.Parameter"/>).</summary>
    Parameter = 0,

    /// <summary>A non-trainable layer buffer (<see cref="Layers.LayerBuffer"/>), e.g. BatchNorm running statistics.</summary>
    Buffer = 1,

    /// <summary>An optimizer buffer in a checkpoint (Adam's moments, SGD's momentum), one record per parameter.</summary>
    OptimizerState = 2,

    /// <summary>Any other checkpoint record: random generator states, counters, the data order (float32 or int64).</summary>
    TrainingState = 3,

    /// <summary>
    /// A checkpoint's text (the resolved config): int64 <c>1 × n</c>, the first element the UTF-8 byte length, then the
    /// bytes packed eight per element, little-endian, zero-padded; int64 so that readers of the two element types read it.
    /// </summary>
    TrainingText = 4,
}
