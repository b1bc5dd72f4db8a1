namespace Dfa.Core.Tensors;

/// <summary>
/// General matrix multiply on row-major float32 data: <c>C = α·op(A)·op(B) + β·C</c>, where <c>op(X)</c> is
/// <c>X</c> or <c>Xᵀ</c>. <c>op(A)</c> is m×k, <c>op(B)</c> is k×n, C is m×n.
/// </summary>
public static partial class Gemm
{
    /// <summary>Matrix form of <see cref="Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>.</summary>
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

        // Placeholder reference kernel; replaced by the blocked, packed SIMD kernel.
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float sum = 0f;
                for (int p = 0; p < k; p++)
                {
                    float av = transA == Transpose.No ? a[(i * lda) + p] : a[(p * lda) + i];
                    float bv = transB == Transpose.No ? b[(p * ldb) + j] : b[(j * ldb) + p];
                    sum += av * bv;
                }

                ref float cij = ref c[(i * ldc) + j];
                cij = beta == 0f ? alpha * sum : (alpha * sum) + (beta * cij);
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
