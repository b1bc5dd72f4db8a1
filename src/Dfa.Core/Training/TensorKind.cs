namespace Dfa.Core.Training;

/// <summary>What a tensor in a model file is; stored as one byte, so later kinds (optimizer state) fit without a new format version.</summary>
public enum TensorKind : byte
{
    /// <summary>A trainable parameter (<see cref="Layers.Parameter"/>).</summary>
    Parameter = 0,

    /// <summary>A non-trainable layer buffer (<see cref="Layers.LayerBuffer"/>), e.g. BatchNorm running statistics.</summary>
    Buffer = 1,
}
