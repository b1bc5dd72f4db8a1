using Dfa.Core.Tensors;

namespace Dfa.Runs.Bench;

/// <summary>A GEMM problem <c>C[m×n] = op(A)·op(B)</c> with <c>op(A)</c> m×k, as the bench times it.</summary>
public sealed record GemmShape(string Name, int M, int N, int K, Transpose TransA = Transpose.No, Transpose TransB = Transpose.No)
{
    /// <summary>Floating-point operations of one product: <c>2·m·n·k</c>.</summary>
    public double Flops => 2.0 * M * N * K;

    public int RowsA => TransA == Transpose.No ? M : K;

    public int ColsA => TransA == Transpose.No ? K : M;

    public int RowsB => TransB == Transpose.No ? K : N;

    public int ColsB => TransB == Transpose.No ? N : K;
}
