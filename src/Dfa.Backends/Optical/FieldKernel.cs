using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Dfa.Backends.Optical;

/// <summary>
/// The optical field of one binary frame over a block of camera pixels: <c>f_j += Σ_{i lit} R_ij</c>, real and
/// imaginary parts. A binary input makes the product a sum of the lit rows, so only lit mirrors cost work (a ternary
/// error's two frames together light at most e mirrors, against the 2·e rows a dense product of both frames reads).
/// Every element is summed over the lit rows in ascending order, in the Vector256 kernel and in the scalar fallback
/// alike, so both give the same bits.
/// </summary>
internal static class FieldKernel
{
    /// <summary>Test hook: false forces the scalar loop.</summary>
    internal static bool UseVector256 { get; set; } = Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Adds rows <c>lit[k] − firstRow</c> of the row-major block <paramref name="matrixRe"/>/<paramref name="matrixIm"/>
    /// (row stride <paramref name="width"/>) into <paramref name="fieldRe"/>/<paramref name="fieldIm"/>[0..width).
    /// </summary>
    public static void AccumulateRows(
        Span<float> fieldRe, Span<float> fieldIm, ReadOnlySpan<float> matrixRe, ReadOnlySpan<float> matrixIm,
        ReadOnlySpan<int> lit, int firstRow, int width)
    {
        if (lit.IsEmpty)
        {
            return;
        }

        fieldRe = fieldRe[..width];
        fieldIm = fieldIm[..width];
        int j = 0;
        if (UseVector256)
        {
            ref float re0 = ref Unsafe.AsRef(in matrixRe[0]);
            ref float im0 = ref Unsafe.AsRef(in matrixIm[0]);
            for (; j + 32 <= width; j += 32)
            {
                var a0 = Vector256.LoadUnsafe(ref fieldRe[j]);
                var a1 = Vector256.LoadUnsafe(ref fieldRe[j + 8]);
                var a2 = Vector256.LoadUnsafe(ref fieldRe[j + 16]);
                var a3 = Vector256.LoadUnsafe(ref fieldRe[j + 24]);
                var b0 = Vector256.LoadUnsafe(ref fieldIm[j]);
                var b1 = Vector256.LoadUnsafe(ref fieldIm[j + 8]);
                var b2 = Vector256.LoadUnsafe(ref fieldIm[j + 16]);
                var b3 = Vector256.LoadUnsafe(ref fieldIm[j + 24]);
                foreach (int i in lit)
                {
                    nuint o = (nuint)(((i - firstRow) * width) + j);
                    a0 += Vector256.LoadUnsafe(ref re0, o);
                    a1 += Vector256.LoadUnsafe(ref re0, o + 8);
                    a2 += Vector256.LoadUnsafe(ref re0, o + 16);
                    a3 += Vector256.LoadUnsafe(ref re0, o + 24);
                    b0 += Vector256.LoadUnsafe(ref im0, o);
                    b1 += Vector256.LoadUnsafe(ref im0, o + 8);
                    b2 += Vector256.LoadUnsafe(ref im0, o + 16);
                    b3 += Vector256.LoadUnsafe(ref im0, o + 24);
                }

                a0.StoreUnsafe(ref fieldRe[j]);
                a1.StoreUnsafe(ref fieldRe[j + 8]);
                a2.StoreUnsafe(ref fieldRe[j + 16]);
                a3.StoreUnsafe(ref fieldRe[j + 24]);
                b0.StoreUnsafe(ref fieldIm[j]);
                b1.StoreUnsafe(ref fieldIm[j + 8]);
                b2.StoreUnsafe(ref fieldIm[j + 16]);
                b3.StoreUnsafe(ref fieldIm[j + 24]);
            }

            for (; j + 8 <= width; j += 8)
            {
                var a = Vector256.LoadUnsafe(ref fieldRe[j]);
                var b = Vector256.LoadUnsafe(ref fieldIm[j]);
                foreach (int i in lit)
                {
                    nuint o = (nuint)(((i - firstRow) * width) + j);
                    a += Vector256.LoadUnsafe(ref re0, o);
                    b += Vector256.LoadUnsafe(ref im0, o);
                }

                a.StoreUnsafe(ref fieldRe[j]);
                b.StoreUnsafe(ref fieldIm[j]);
            }
        }

        for (; j < width; j++)
        {
            float a = fieldRe[j];
            float b = fieldIm[j];
            foreach (int i in lit)
            {
                int o = ((i - firstRow) * width) + j;
                a += matrixRe[o];
                b += matrixIm[o];
            }

            fieldRe[j] = a;
            fieldIm[j] = b;
        }
    }
}
