using Dfa.Core.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Dfa.Core.Tests.Tensors;

/// <summary>
/// One GEMM case: operands with padded leading dimensions (padding is NaN, so reading it would show), our result,
/// and the double-precision Math.NET reference with its error bound.
/// </summary>
/// <remarks>
/// Tolerance: a float32 dot product of length k, however it is blocked or fused, is within γ(k) = k·u/(1 − k·u) of
/// the exact value relative to <c>Σ|a_ip|·|b_pj|</c> (Higham, Accuracy and Stability, §3.1), with u = 2⁻²⁴; scaling
/// by α and adding β·c cost two more roundings. We allow <c>(k + 2)·2⁻²³·(|α|·(|A|·|B|)_ij + |β|·|c_ij|)</c>,
/// twice the first-order bound, plus 1e-30 for exact zeros. The reference itself is exact to ~1e-16 relative
/// (float inputs are exact in double), far inside that.
/// </remarks>
internal sealed class GemmReference
{
    private GemmReference(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha, float beta,
        float[] a, int lda, float[] b, int ldb, float[] c0, int ldc)
    {
        TransA = transA;
        TransB = transB;
        M = m;
        N = n;
        K = k;
        Alpha = alpha;
        Beta = beta;
        A = a;
        Lda = lda;
        B = b;
        Ldb = ldb;
        C0 = c0;
        Ldc = ldc;
    }

    public Transpose TransA { get; }

    public Transpose TransB { get; }

    public int M { get; }

    public int N { get; }

    public int K { get; }

    public float Alpha { get; }

    public float Beta { get; }

    public float[] A { get; }

    public int Lda { get; }

    public float[] B { get; }

    public int Ldb { get; }

    /// <summary>C before the call.</summary>
    public float[] C0 { get; }

    public int Ldc { get; }

    public static GemmReference Create(
        Transpose transA, Transpose transB, int m, int n, int k,
        float alpha = 1f, float beta = 0f, int padA = 0, int padB = 0, int padC = 0, int seed = 1)
    {
        var rng = new Random(seed);
        int aRows = transA == Transpose.No ? m : k;
        int aCols = transA == Transpose.No ? k : m;
        int bRows = transB == Transpose.No ? k : n;
        int bCols = transB == Transpose.No ? n : k;
        float[] a = Fill(rng, aRows, aCols, aCols + padA, float.NaN);
        float[] b = Fill(rng, bRows, bCols, bCols + padB, float.NaN);

        // β = 0 promises C is not read: start from NaN so any read would poison the result.
        float[] c = beta == 0f
            ? Enumerable.Repeat(float.NaN, Math.Max(0, (m * (n + padC)) - padC)).ToArray()
            : Fill(rng, m, n, n + padC, -7f);
        return new GemmReference(transA, transB, m, n, k, alpha, beta, a, aCols + padA, b, bCols + padB, c, n + padC);
    }

    /// <summary>Runs our GEMM on a copy of C and returns it.</summary>
    public float[] Run(int threads = 1)
    {
        float[] c = (float[])C0.Clone();
        Gemm.Multiply(TransA, TransB, M, N, K, Alpha, A, Lda, B, Ldb, Beta, c, Ldc, threads);
        return c;
    }

    /// <summary>Asserts <paramref name="c"/> matches the reference within the bound and padding is untouched.</summary>
    public void AssertMatches(float[] c, string label = "")
    {
        Matrix<double> opA = Matrix<double>.Build.Dense(M, K, (i, p) => TransA == Transpose.No ? A[(i * Lda) + p] : A[(p * Lda) + i]);
        Matrix<double> opB = Matrix<double>.Build.Dense(K, N, (p, j) => TransB == Transpose.No ? B[(p * Ldb) + j] : B[(j * Ldb) + p]);
        Matrix<double> exact = opA * opB * Alpha;
        Matrix<double> bound = opA.PointwiseAbs() * opB.PointwiseAbs() * Math.Abs(Alpha);
        double factor = (K + 2) * Math.Pow(2, -23);
        for (int i = 0; i < M; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double expected = exact[i, j];
                double scale = bound[i, j];
                if (Beta != 0f)
                {
                    expected += Beta * (double)C0[(i * Ldc) + j];
                    scale += Math.Abs(Beta * (double)C0[(i * Ldc) + j]);
                }

                double actual = c[(i * Ldc) + j];
                double tolerance = (factor * scale) + 1e-30;
                if (!(Math.Abs(actual - expected) <= tolerance))
                {
                    Assert.Fail($"{label} {this}: C[{i},{j}] = {actual}, expected {expected} ± {tolerance}");
                }
            }

            for (int j = N; j < Ldc && (i * Ldc) + j < c.Length; j++)
            {
                Assert.That(BitConverter.SingleToInt32Bits(c[(i * Ldc) + j]), Is.EqualTo(BitConverter.SingleToInt32Bits(C0[(i * Ldc) + j])), $"{label} {this}: padding C[{i},{j}] was written");
            }
        }
    }

    public override string ToString() =>
        $"{TransA}/{TransB} m={M} n={N} k={K} α={Alpha} β={Beta} ld=({Lda},{Ldb},{Ldc})";

    /// <summary>Row-major <paramref name="rows"/>×<paramref name="cols"/> in [-1, 1), stride <paramref name="ld"/>, padding set to <paramref name="pad"/>.</summary>
    private static float[] Fill(Random rng, int rows, int cols, int ld, float pad)
    {
        float[] data = new float[Math.Max(0, ((rows - 1) * ld) + cols)];
        Array.Fill(data, pad);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                data[(i * ld) + j] = (rng.NextSingle() * 2f) - 1f;
            }
        }

        return data;
    }
}
