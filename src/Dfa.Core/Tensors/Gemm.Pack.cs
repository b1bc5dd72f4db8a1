using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
            if (trans == Transpose.No && cols == nr && nr % Vector256<float>.Count == 0 && Vector256.IsHardwareAccelerated)
            {
                // Whole panels (all but the last): NR floats per k-row as vector loads and stores. A span copy here
                // is a memmove call per k-row (128 bytes with the 6×32 kernel), and those calls were a tenth of a CNN step.
                for (int p = 0; p < kc; p++)
                {
                    float* src = b + ((nint)(p0 + p) * ldb) + j0 + jr;
                    float* d = dst + (p * nr);
                    for (int v = 0; v < nr; v += Vector256<float>.Count)
                    {
                        Vector256.Store(Vector256.Load(src + v), d + v);
                    }
                }
            }
            else if (trans == Transpose.No)
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
                int j = 0;
                if (Avx.IsSupported)
                {
                    // Bᵀ stored: each packed k-row gathers one value from each of NR stored rows. Scalar, that is
                    // kc·NR strided stores per panel and costs about a third of an MLP-sized product; transposing
                    // 8×8 tiles in registers turns it into vector loads and stores.
                    for (; j + 8 <= cols; j += 8)
                    {
                        TransposeTiles8(b + ((nint)(j0 + jr + j) * ldb) + p0, ldb, kc, dst + j, nr);
                    }
                }

                for (; j < cols; j++)
                {
                    float* src = b + ((nint)(j0 + jr + j) * ldb) + p0;
                    float* d = dst + j;
                    for (int p = 0; p < kc; p++)
                    {
                        d[p * nr] = src[p];
                    }
                }

                for (int pad = cols; pad < nr; pad++)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        dst[(p * nr) + pad] = 0f;
                    }
                }
            }

            dst += nr * kc;
        }
    }

    /// <summary>
    /// Writes <c>dst[p·ldd + j] = src[j·lds + p]</c> for j in [0, 8) and p in [0, kc): eight stored rows become eight
    /// adjacent columns of k-major output. Whole 8×8 tiles go through registers; the k tail is scalar.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeTiles8(float* src, int lds, int kc, float* dst, int ldd)
    {
        int p = 0;
        for (; p + 8 <= kc; p += 8)
        {
            Vector256<float> r0 = Avx.LoadVector256(src + p);
            Vector256<float> r1 = Avx.LoadVector256(src + lds + p);
            Vector256<float> r2 = Avx.LoadVector256(src + (2 * lds) + p);
            Vector256<float> r3 = Avx.LoadVector256(src + (3 * lds) + p);
            Vector256<float> r4 = Avx.LoadVector256(src + (4 * lds) + p);
            Vector256<float> r5 = Avx.LoadVector256(src + (5 * lds) + p);
            Vector256<float> r6 = Avx.LoadVector256(src + (6 * lds) + p);
            Vector256<float> r7 = Avx.LoadVector256(src + (7 * lds) + p);

            Vector256<float> t0 = Avx.UnpackLow(r0, r1);
            Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3);
            Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
            Vector256<float> t4 = Avx.UnpackLow(r4, r5);
            Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
            Vector256<float> t6 = Avx.UnpackLow(r6, r7);
            Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

            Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44);
            Vector256<float> u1 = Avx.Shuffle(t0, t2, 0xEE);
            Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44);
            Vector256<float> u3 = Avx.Shuffle(t1, t3, 0xEE);
            Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44);
            Vector256<float> u5 = Avx.Shuffle(t4, t6, 0xEE);
            Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44);
            Vector256<float> u7 = Avx.Shuffle(t5, t7, 0xEE);

            float* d = dst + ((nint)p * ldd);
            Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
            Avx.Store(d + ldd, Avx.Permute2x128(u1, u5, 0x20));
            Avx.Store(d + (2 * ldd), Avx.Permute2x128(u2, u6, 0x20));
            Avx.Store(d + (3 * ldd), Avx.Permute2x128(u3, u7, 0x20));
            Avx.Store(d + (4 * ldd), Avx.Permute2x128(u0, u4, 0x31));
            Avx.Store(d + (5 * ldd), Avx.Permute2x128(u1, u5, 0x31));
            Avx.Store(d + (6 * ldd), Avx.Permute2x128(u2, u6, 0x31));
            Avx.Store(d + (7 * ldd), Avx.Permute2x128(u3, u7, 0x31));
        }

        for (; p < kc; p++)
        {
            float* d = dst + ((nint)p * ldd);
            for (int j = 0; j < 8; j++)
            {
                d[j] = src[(j * lds) + p];
            }
        }
    }
}
