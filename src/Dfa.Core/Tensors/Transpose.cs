namespace Dfa.Core.Tensors;

/// <summary>Whether a GEMM operand is used as stored or transposed.</summary>
public enum Transpose
{
    No,
    Yes,
}
