namespace Dfa.Core.Tensors;

/// <summary>
/// General matrix multiply on row-major float32 data: <c>C = α·op(A)·op(B) + β·C</c>, where <c>op(X)</c> is
/// <c>X</c> or <c>Xᵀ</c>. <c>op(A)</c> is m×k, <c>op(B)</c> is k×n, C is m×n.
/// </summary>
/// <remarks>
/// GotoBLAS/BLIS structure: C is cut into NC-column and MC-row blocks, k into KC slices; each slice of op(B) is
/// packed into NR-column panels and each block of op(A) into MR-row panels (packing absorbs both transposes, so a
/// single register-blocked micro-kernel serves all four cases). The micro-kernel is Vector512 (6×32), Vector256
/// with FMA (6×16) or scalar (4×4), chosen once per call. Partial tiles run the same kernel on a zero-padded
/// scratch tile, so every element of C sees the same arithmetic wherever tile and thread boundaries fall.
/// </remarks>
public static partial class Gemm
{
    /// <summary>Matrix form (leading dimension = column count) of <see cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>.</summary>
    public static void Multiply(Matrix a, Transpose transA, Matrix b, Transpose transB, Matrix c, float alpha = 1f, float beta = 0f, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        int m = transA == Transpose.No ? a.Rows : a.Cols;
        int k = transA == Transpose.No ? a.Cols : a.Rows;
        int kb = transB == Transpose.No ? b.Rows : b.Cols;
        int n = transB == Transpose.No ? b.Cols : b.Rows;
        if (k != kb)
        {
            throw new ArgumentException($"Inner dimensions differ: op(A) is {m}×{k}, op(B) is {kb}×{n}.", nameof(b));
        }

        if (c.Rows != m || c.Cols != n)
        {
            throw new ArgumentException($"C must be {m}×{n}, got {c.Rows}×{c.Cols}.", nameof(c));
        }

        Multiply(transA, transB, m, n, k, alpha, a.Data, a.Cols, b.Data, b.Cols, beta, c.Data, c.Cols, threads);
    }

    /// <summary>
    /// <c>C = α·op(A)·op(B) + β·C</c> with leading dimensions (row strides) <paramref name="lda"/>,
    /// <paramref name="ldb"/>, <paramref name="ldc"/>. When <paramref name="beta"/> is 0, C is not read (NaNs in C
    /// do not propagate). The result does not depend on <paramref name="threads"/>: work is split over C only, never
    /// over k, so every element is summed in the same order whatever the thread count.
    /// </summary>
    /// <remarks>
    /// <paramref name="threads"/> is the maximum degree of parallelism: 1 runs on the calling thread only, and
    /// products under ~512 K multiply-adds stay there whatever the value. When k = 0 or α = 0 the call reduces to
    /// <c>C = β·C</c> and A, B are not read.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">m, n or k is negative, or <paramref name="threads"/> is below 1.</exception>
    /// <exception cref="ArgumentException">
    /// A leading dimension is smaller than its operand's stored row width, or a span is too short for its operand.
    /// </exception>
    public static void Multiply(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        int aRows = transA == Transpose.No ? m : k;
        int aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n;
        int bCols = transB == Transpose.No ? n : k;
        ThrowIfTooSmall(a.Length, aRows, aCols, lda, nameof(a));
        ThrowIfTooSmall(b.Length, bRows, bCols, ldb, nameof(b));
        ThrowIfTooSmall(c.Length, m, n, ldc, nameof(c));

        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        unsafe
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                Run(new Problem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc), threads);
            }
        }
    }

    /// <summary>
    /// The deepest product computed as one k slice: for k up to this, every element of <c>op(A)·op(B)</c> is one
    /// fused multiply-add chain over k ascending from 0, so a caller may rely on that rounding (e.g. a sum of 0/1-weighted
    /// rows equals the plain sum of the selected rows in order).
    /// </summary>
    public static int SingleSliceDepth => MaxSliceWidth;

    /// <summary>
    /// <see cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
    /// with k cut into slices of <paramref name="sliceWidth"/> (the last may be shorter) instead of the width k alone
    /// picks: C is written from the first slice with β, and each later slice is added onto it, so the result is bit for
    /// bit that of one call per slice, in order, with β then 1. It lets a caller batch products it used to accumulate one
    /// by one (e.g. a convolution's per-sample weight gradients) without changing their rounding.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="sliceWidth"/> is not in [1, <see cref="MaxSliceWidth"/>] (a deeper slice would itself be cut in a
    /// one-slice call), or as for the general overload.
    /// </exception>
    internal static void MultiplySliced(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int sliceWidth, int threads = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceWidth, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sliceWidth, MaxSliceWidth);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ThrowIfTooSmall(a.Length, transA == Transpose.No ? m : k, transA == Transpose.No ? k : m, lda, nameof(a));
        ThrowIfTooSmall(b.Length, transB == Transpose.No ? k : n, transB == Transpose.No ? n : k, ldb, nameof(b));
        ThrowIfTooSmall(c.Length, m, n, ldc, nameof(c));
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        unsafe
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pc = c)
            {
                Run(new Problem(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, Math.Min(sliceWidth, k)), threads);
            }
        }
    }

    private static void ThrowIfTooSmall(int length, int rows, int cols, int ld, string name)
    {
        if (rows == 0 || cols == 0)
        {
            return;
        }

        if (ld < cols)
        {
            throw new ArgumentException($"Leading dimension {ld} is smaller than the {cols} columns.", name);
        }

        long needed = ((long)(rows - 1) * ld) + cols;
        if (length < needed)
        {
            throw new ArgumentException($"A {rows}×{cols} operand with leading dimension {ld} needs {needed} elements, got {length}.", name);
        }
    }
}
