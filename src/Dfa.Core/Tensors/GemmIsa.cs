namespace Dfa.Core.Tensors;

/// <summary>The instruction-set path a GEMM call runs on; tests force each one through <see cref="Gemm.ForcedIsa"/>.</summary>
internal enum GemmIsa
{
    Scalar,
    Vector256,
    Vector512,
}
