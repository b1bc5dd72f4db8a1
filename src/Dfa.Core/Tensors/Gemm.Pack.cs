using System.Runtime.CompilerServices;

namespace Dfa.Core.Tensors;

public static unsafe partial class Gemm
{
    /// <summary>
    /// Packs rows [i0, i0+mc) × k-columns [p0, p0+kc) of op(A) into MR-row panels, each stored k-major
    /// (<c>dst[p·MR + r]</c>) so the micro-kernel reads one contiguous column of MR values per step. Rows past the
    /// block are zero so edge panels run the full-size kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA(Transpose trans, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            if (trans == Transpose.No && rows == 6)
            {
                // Six sequential read streams and one sequential write stream: cheaper than scattering row by row.
                float* r0 = a + ((nint)(i0 + ir) * lda) + p0;
                float* r1 = r0 + lda;
                float* r2 = r1 + lda;
                float* r3 = r2 + lda;
                float* r4 = r3 + lda;
                float* r5 = r4 + lda;
                float* d = dst;
                for (int p = 0; p < kc; p++)
                {
                    d[0] = r0[p];
                    d[1] = r1[p];
                    d[2] = r2[p];
                    d[3] = r3[p];
                    d[4] = r4[p];
                    d[5] = r5[p];
                    d += 6;
                }
            }
            else if (trans == Transpose.No)
            {
                // Each stored row is contiguous in k: walk the rows and scatter with stride MR.
                for (int r = 0; r < rows; r++)
                {
                    float* src = a + ((nint)(i0 + ir + r) * lda) + p0;
                    float* d = dst + r;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * mr] = src[p];
                    }
                }

                for (int r = rows; r < mr; r++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[(p * mr) + r] = 0f;
                    }
                }
            }
            else
            {
                // Aᵀ stored: the MR values of one k-step are already adjacent.
                for (int p = 0; p < kc; p++)
                {
                    float* src = a + ((nint)(p0 + p) * lda) + i0 + ir;
                    float* d = dst + (p * mr);
                    for (int r = 0; r < rows; r++)
                    {
                        d[r] = src[r];
                    }

                    for (int r = rows; r < mr; r++)
                    {
                        d[r] = 0f;
                    }
                }
            }

            dst += mr * kc;
        }
    }

    /// <summary>
    /// Packs k-rows [p0, p0+kc) × columns [j0, j0+nc) of op(B) into NR-column panels stored k-major
    /// (<c>dst[p·NR + j]</c>), zero-padding the last panel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB(Transpose trans, float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            if (trans == Transpose.No)
            {
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + ((nint)(p0 + p) * ldb) + j0 + jr;
                    float* d = dst + (p * nr);
                    new ReadOnlySpan<float>(src, cols).CopyTo(new Span<float>(d, cols));
                    if (cols < nr)
                    {
                        new Span<float>(d + cols, nr - cols).Clear();
                    }
                }
            }
            else
            {
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + ((nint)(j0 + jr + j) * ldb) + p0;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = src[p];
                    }
                }

                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[(p * nr) + j] = 0f;
                    }
                }
            }

            dst += nr * kc;
        }
    }
}
