using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dfa.Backends.Binary;

/// <summary>
/// <c>S[b, j] = s · Σ_i σ_ij·E[b, i]</c> straight from row-packed sign bits (bit j mod 64 of word
/// <c>i·stride + j/64</c>; 1 ⇒ σ = +1, 0 ⇒ σ = −1). Every output element is accumulated from 0 in ascending i by
/// <c>acc = acc + (±E[b, i])</c>, rounded once per step, then multiplied by <c>s</c> once: the SIMD kernels compute
/// that as <c>fma(E, ±1, acc)</c> (the product is exact), so SIMD, scalar and any column partition give the same bits.
/// The SIMD kernels decode 8 sign bits at a time through a 256-entry table of ±1 vectors (8 KB, stays in L1):
/// one load per 8 columns per error component, shared by every row of a 6 × 16 register block (12 accumulators,
/// 12 FMAs per component against 2 table loads, 6 broadcasts and one 16-bit load: the same port mix as a packed
/// GEMM micro-kernel). Batches below 6 rows use a 1 × 64 kernel that reads a whole ulong per component. For batches
/// of 6 or more, each 16-column strip of bits is gathered into a stack panel and E's 6-row blocks are read
/// interleaved (<see cref="Interleave"/>), so the block streams two contiguous arrays. Neither copy changes a bit of
/// the result: only where the operands come from, not the operations.
/// </summary>
internal static unsafe class SignBitKernel
{
    /// <summary>Rows of the main register block.</summary>
    private const int BlockRows = 6;

    /// <summary>Largest e whose 16-column sign strip is packed into a stack panel (32 KB).</summary>
    private const int MaxPanel = 16384;

    /// <summary>The ±1 vector for every byte: lane m is +1 when bit m is set, −1 otherwise.</summary>
    private static readonly float* SignTable = CreateSignTable();

    public static bool IsSimdSupported => Fma.IsSupported && Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Computes columns [<paramref name="colStart"/>, <paramref name="colEnd"/>) of <c>S</c> (colStart a multiple of 16).
    /// <paramref name="interleaved"/> holds the first <c>6·⌊batch/6⌋</c> rows of E as produced by <see cref="Interleave"/>
    /// (only read by the SIMD path).
    /// </summary>
    public static void Run(
        float* error, float* interleaved, int batch, int e, ulong* bits, int wordsPerRow, int n, float scale, float* signal, int colStart, int colEnd, bool simd)
    {
        if (!simd)
        {
            RunScalar(error, batch, e, bits, wordsPerRow, n, scale, signal, colStart, colEnd);
            return;
        }

        ushort* chunks = (ushort*)bits;
        int chunkStride = wordsPerRow * 4;
        int fullRows = batch / BlockRows * BlockRows;
        float* tail = stackalloc float[BlockRows * 16];
        if (fullRows == 0)
        {
            for (int r = 0; r < batch; r++)
            {
                float* eRow = error + ((long)r * e);
                float* sRow = signal + ((long)r * n);
                int j = colStart;
                for (; j + 64 <= colEnd; j += 64)
                {
                    Row1x64(eRow, e, bits + (j / 64), wordsPerRow, scale, sRow + j);
                }

                for (; j < colEnd; j += 16)
                {
                    int valid = Math.Min(16, colEnd - j);
                    Row1x16(eRow, e, chunks + (j / 16), chunkStride, scale, valid == 16 ? sRow + j : tail);
                    if (valid < 16)
                    {
                        // The last block of a row: its padding columns were computed too (the bits exist) but are not written.
                        CopyTail(tail, 1, valid, sRow + j, n);
                    }
                }
            }

            return;
        }

        // A 16-column strip of bits touches e cache lines, one per error row; gathered into a contiguous panel it is
        // 2·e bytes and stays in L1 while every row block passes over it (E rows stream from L2).
        bool pack = e <= MaxPanel;
        ushort* panel = stackalloc ushort[pack ? e : 1];
        for (int j = colStart; j < colEnd; j += 16)
        {
            ushort* strip = chunks + (j / 16);
            int stride = chunkStride;
            if (pack)
            {
                for (int i = 0; i < e; i++)
                {
                    panel[i] = strip[(long)i * chunkStride];
                }

                strip = panel;
                stride = 1;
            }

            int valid = Math.Min(16, colEnd - j);
            int r = 0;
            for (; r < fullRows; r += BlockRows)
            {
                float* dst = signal + ((long)r * n) + j;
                if (valid == 16)
                {
                    Block6x16(interleaved + ((long)r * e), e, strip, stride, scale, dst, n);
                }
                else
                {
                    Block6x16(interleaved + ((long)r * e), e, strip, stride, scale, tail, 16);
                    CopyTail(tail, BlockRows, valid, dst, n);
                }
            }

            for (; r < batch; r++)
            {
                float* dst = signal + ((long)r * n) + j;
                Row1x16(error + ((long)r * e), e, strip, stride, scale, valid == 16 ? dst : tail);
                if (valid < 16)
                {
                    CopyTail(tail, 1, valid, dst, n);
                }
            }
        }
    }

    /// <summary>Rows of E the SIMD path reads interleaved: <c>6·⌊batch/6⌋</c>.</summary>
    public static int InterleavedRows(int batch) => batch / BlockRows * BlockRows;

    /// <summary>
    /// Copies the full 6-row blocks of E so that block k's components i sit together:
    /// <c>dst[(k·e + i)·6 + r] = E[6k + r, i]</c>. One stream per block instead of six.
    /// </summary>
    public static void Interleave(float* error, int batch, int e, float* dst)
    {
        int fullRows = InterleavedRows(batch);
        for (int r0 = 0; r0 < fullRows; r0 += BlockRows)
        {
            float* block = dst + ((long)r0 * e);
            for (int r = 0; r < BlockRows; r++)
            {
                float* src = error + ((long)(r0 + r) * e);
                for (int i = 0; i < e; i++)
                {
                    block[(i * BlockRows) + r] = src[i];
                }
            }
        }
    }

    /// <summary>The scalar fallback: the same additions in the same order as the SIMD kernels.</summary>
    public static void RunScalar(
        float* error, int batch, int e, ulong* bits, int wordsPerRow, int n, float scale, float* signal, int colStart, int colEnd)
    {
        for (int r = 0; r < batch; r++)
        {
            float* eRow = error + ((long)r * e);
            for (int j = colStart; j < colEnd; j++)
            {
                ulong* word = bits + (j >> 6);
                int shift = j & 63;
                float acc = 0;
                for (int i = 0; i < e; i++)
                {
                    float x = eRow[i];
                    acc += ((word[(long)i * wordsPerRow] >> shift) & 1) != 0 ? x : -x;
                }

                signal[((long)r * n) + j] = acc * scale;
            }
        }
    }

    /// <summary>
    /// Rows r..r+5 × 16 columns into <paramref name="dst"/> (row stride <paramref name="dstStride"/>). No calls inside:
    /// a call would make the JIT spill the 12 accumulators every iteration (all ymm registers are caller-saved).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block6x16(float* x6, int e, ushort* chunk, int chunkStride, float scale, float* dst, int dstStride)
    {
        Vector256<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector256<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        float* table = SignTable;
        ushort* p = chunk;
        for (int i = 0; i < e; i++, p += chunkStride, x6 += BlockRows)
        {
            uint c = *p;
            Vector256<float> lo = Vector256.Load(table + ((c & 0xFF) * 8));
            Vector256<float> hi = Vector256.Load(table + ((c >> 8) * 8));
            Vector256<float> x = Vector256.Create(x6[0]);
            a00 = Fma.MultiplyAdd(x, lo, a00);
            a01 = Fma.MultiplyAdd(x, hi, a01);
            x = Vector256.Create(x6[1]);
            a10 = Fma.MultiplyAdd(x, lo, a10);
            a11 = Fma.MultiplyAdd(x, hi, a11);
            x = Vector256.Create(x6[2]);
            a20 = Fma.MultiplyAdd(x, lo, a20);
            a21 = Fma.MultiplyAdd(x, hi, a21);
            x = Vector256.Create(x6[3]);
            a30 = Fma.MultiplyAdd(x, lo, a30);
            a31 = Fma.MultiplyAdd(x, hi, a31);
            x = Vector256.Create(x6[4]);
            a40 = Fma.MultiplyAdd(x, lo, a40);
            a41 = Fma.MultiplyAdd(x, hi, a41);
            x = Vector256.Create(x6[5]);
            a50 = Fma.MultiplyAdd(x, lo, a50);
            a51 = Fma.MultiplyAdd(x, hi, a51);
        }

        Vector256<float> s = Vector256.Create(scale);
        (a00 * s).Store(dst);
        (a01 * s).Store(dst + 8);
        dst += dstStride;
        (a10 * s).Store(dst);
        (a11 * s).Store(dst + 8);
        dst += dstStride;
        (a20 * s).Store(dst);
        (a21 * s).Store(dst + 8);
        dst += dstStride;
        (a30 * s).Store(dst);
        (a31 * s).Store(dst + 8);
        dst += dstStride;
        (a40 * s).Store(dst);
        (a41 * s).Store(dst + 8);
        dst += dstStride;
        (a50 * s).Store(dst);
        (a51 * s).Store(dst + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1x64(float* err, int e, ulong* word, int wordsPerRow, float scale, float* dst)
    {
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default, a6 = default, a7 = default;
        float* table = SignTable;
        ulong* q = word;
        for (int i = 0; i < e; i++, q += wordsPerRow)
        {
            ulong w = *q;
            Vector256<float> x = Vector256.Create(err[i]);
            a0 = Fma.MultiplyAdd(x, Vector256.Load(table + ((w & 0xFF) * 8)), a0);
            a1 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 8) & 0xFF) * 8)), a1);
            a2 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 16) & 0xFF) * 8)), a2);
            a3 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 24) & 0xFF) * 8)), a3);
            a4 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 32) & 0xFF) * 8)), a4);
            a5 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 40) & 0xFF) * 8)), a5);
            a6 = Fma.MultiplyAdd(x, Vector256.Load(table + (((w >> 48) & 0xFF) * 8)), a6);
            a7 = Fma.MultiplyAdd(x, Vector256.Load(table + ((w >> 56) * 8)), a7);
        }

        Vector256<float> s = Vector256.Create(scale);
        (a0 * s).Store(dst);
        (a1 * s).Store(dst + 8);
        (a2 * s).Store(dst + 16);
        (a3 * s).Store(dst + 24);
        (a4 * s).Store(dst + 32);
        (a5 * s).Store(dst + 40);
        (a6 * s).Store(dst + 48);
        (a7 * s).Store(dst + 56);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Row1x16(float* err, int e, ushort* chunk, int chunkStride, float scale, float* dst)
    {
        Vector256<float> a0 = default, a1 = default;
        float* table = SignTable;
        ushort* p = chunk;
        for (int i = 0; i < e; i++, p += chunkStride)
        {
            uint c = *p;
            Vector256<float> x = Vector256.Create(err[i]);
            a0 = Fma.MultiplyAdd(x, Vector256.Load(table + ((c & 0xFF) * 8)), a0);
            a1 = Fma.MultiplyAdd(x, Vector256.Load(table + ((c >> 8) * 8)), a1);
        }

        Vector256<float> s = Vector256.Create(scale);
        (a0 * s).Store(dst);
        (a1 * s).Store(dst + 8);
    }

    /// <summary>Copies the first <paramref name="valid"/> columns of <paramref name="rows"/> 16-wide rows of a tail block.</summary>
    private static void CopyTail(float* tmp, int rows, int valid, float* dst, int dstStride)
    {
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < valid; k++)
            {
                dst[((long)r * dstStride) + k] = tmp[(r * 16) + k];
            }
        }
    }

    private static float* CreateSignTable()
    {
        // Never freed: one 8 KB table for the process, 64-byte aligned so no entry straddles a cache line.
        var table = (float*)NativeMemory.AlignedAlloc(256 * 8 * sizeof(float), 64);
        for (int k = 0; k < 256; k++)
        {
            for (int m = 0; m < 8; m++)
            {
                table[(k * 8) + m] = ((k >> m) & 1) != 0 ? 1f : -1f;
            }
        }

        return table;
    }
}
