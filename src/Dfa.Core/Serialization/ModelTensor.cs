namespace Dfa.Core.Serialization;

/// <summary>
/// One tensor as read from a model file, before it is applied to a network. <see cref="Data"/> is the tensor's
/// little-endian bytes (a slice of the file, not decoded). <see cref="Block"/> is null in format v1, which did not
/// record blocks. <see cref="Kind"/> may hold a value this build does not name (a later kind such as optimizer
/// state); model loading ignores such tensors.
/// </summary>
public sealed record ModelTensor(string? Block, string Name, TensorKind Kind, TensorDType DType, int Rows, int Cols, ReadOnlyMemory<byte> Data)
{
    public string Shape => $"{Rows}×{Cols} {(DType == TensorDType.Float32 ? "float32" : "int64")}";
}
