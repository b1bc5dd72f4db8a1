namespace Dfa.Core.Serialization;

/// <summary>Element type of a tensor in a model file (one byte; values are little-endian on disk).</summary>
public enum TensorDType : byte
{
    /// <summary>IEEE 754 binary32, 4 bytes.</summary>
    Float32 = 1,

    /// <summary>Two's-complement signed 64-bit integer, 8 bytes.</summary>
    Int64 = 2,
}
