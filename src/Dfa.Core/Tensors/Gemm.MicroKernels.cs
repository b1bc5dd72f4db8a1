using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dfa.Core.Tensors;

public static unsafe partial class Gemm
{
    // Software prefetch distance, in floats, for the packed panels: eight k-steps (~50 cycles) ahead, enough to
    // cover an L2 hit. The panels are deeper than L1 at KC = 1024, and the hardware prefetcher, juggling the A and
    // B streams, made throughput swing ±20% with k mod 32.
    private const int PrefetchB256 = 8 * 16;
    private const int PrefetchB512 = 8 * 32;
    private const int PrefetchA = 8 * 6;

    /// <summary>
    /// <c>C[6×16] = α·(Apanel·Bpanel) + β·C</c> (C not read when β = 0). Twelve ymm accumulators hide the FMA
    /// latency (two pipes × four cycles needs at least eight independent chains) and leave registers for two B
    /// vectors and the A broadcast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        PrefetchTile(c, ldc, 16);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(b + PrefetchB256);
                Sse.Prefetch0(a + PrefetchA);
            }

            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }

        Store256(c, c00, c01, alpha, beta);
        Store256(c + ldc, c10, c11, alpha, beta);
        Store256(c + (2 * ldc), c20, c21, alpha, beta);
        Store256(c + (3 * ldc), c30, c31, alpha, beta);
        Store256(c + (4 * ldc), c40, c41, alpha, beta);
        Store256(c + (5 * ldc), c50, c51, alpha, beta);
    }

    /// <summary>
    /// C rows sit a whole leading dimension apart, so the hardware prefetcher never sees them coming; asking for
    /// them before the k-loop hides their miss latency behind it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, nint ldc, int width)
    {
        if (Sse.IsSupported)
        {
            for (int i = 0; i < 6; i++)
            {
                Sse.Prefetch0(c + (i * ldc));
                Sse.Prefetch0(c + (i * ldc) + width - 1);
            }
        }
    }

    private static void Store256(float* c, Vector256<float> lo, Vector256<float> hi, float alpha, float beta)
    {
        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Vector256.Store(lo * va, c);
            Vector256.Store(hi * va, c + 8);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Vector256.Store(Vector256.FusedMultiplyAdd(lo, va, Vector256.Load(c) * vb), c);
            Vector256.Store(Vector256.FusedMultiplyAdd(hi, va, Vector256.Load(c + 8) * vb), c + 8);
        }
    }

    /// <summary><c>C[6×32] = α·(Apanel·Bpanel) + β·C</c>, the zmm counterpart of <see cref="Kernel6x16"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x32(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        PrefetchTile(c, ldc, 32);
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            if (Sse.IsSupported)
            {
                Sse.Prefetch0(b + PrefetchB512);
                Sse.Prefetch0(b + PrefetchB512 + 16);
                Sse.Prefetch0(a + PrefetchA);
            }

            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 32;
        }

        Store512(c, c00, c01, alpha, beta);
        Store512(c + ldc, c10, c11, alpha, beta);
        Store512(c + (2 * ldc), c20, c21, alpha, beta);
        Store512(c + (3 * ldc), c30, c31, alpha, beta);
        Store512(c + (4 * ldc), c40, c41, alpha, beta);
        Store512(c + (5 * ldc), c50, c51, alpha, beta);
    }

    private static void Store512(float* c, Vector512<float> lo, Vector512<float> hi, float alpha, float beta)
    {
        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Vector512.Store(lo * va, c);
            Vector512.Store(hi * va, c + 16);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Vector512.Store(Vector512.FusedMultiplyAdd(lo, va, Vector512.Load(c) * vb), c);
            Vector512.Store(Vector512.FusedMultiplyAdd(hi, va, Vector512.Load(c + 16) * vb), c + 16);
        }
    }

    /// <summary><c>C[4×4] = α·(Apanel·Bpanel) + β·C</c> for hardware without usable vectors.</summary>
    private static void Kernel4x4(int kc, float* a, float* b, float* c, nint ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[16];
        new Span<float>(acc, 16).Clear();
        for (int p = 0; p < kc; p++)
        {
            for (int i = 0; i < 4; i++)
            {
                float ai = a[i];
                float* row = acc + (i * 4);
                row[0] += ai * b[0];
                row[1] += ai * b[1];
                row[2] += ai * b[2];
                row[3] += ai * b[3];
            }

            a += 4;
            b += 4;
        }

        for (int i = 0; i < 4; i++)
        {
            float* ci = c + (i * ldc);
            for (int j = 0; j < 4; j++)
            {
                ci[j] = beta == 0f ? alpha * acc[(i * 4) + j] : (alpha * acc[(i * 4) + j]) + (beta * ci[j]);
            }
        }
    }
}
