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
    /// For every frame r &lt; <paramref name="frames"/>, adds rows <c>litIndex[first[r]..last[r]) − firstRow</c> of the
    /// row-major block <paramref name="matrixRe"/>/<paramref name="matrixIm"/> (row stride <paramref name="stride"/>)
    /// into row r of <paramref name="fieldRe"/>/<paramref name="fieldIm"/> (frames × width). Columns are the outer
    /// loop so that a 32-column slice of the block stays in L1 while every frame reads it.
    /// </summary>
    public static void AccumulateFrames(
        Span<float> fieldRe, Span<float> fieldIm, ReadOnlySpan<float> matrixRe, ReadOnlySpan<float> matrixIm,
        ReadOnlySpan<int> litIndex, ReadOnlySpan<int> first, ReadOnlySpan<int> last, int frames, int firstRow, int width, int stride)
    {
        fieldRe = fieldRe[..(frames * width)];
        fieldIm = fieldIm[..(frames * width)];
        int j = 0;
        if (UseVector256)
        {
            ref float re0 = ref Unsafe.AsRef(in matrixRe[0]);
            ref float im0 = ref Unsafe.AsRef(in matrixIm[0]);
            for (; j + 32 <= width; j += 32)
            {
                for (int r = 0; r < frames; r++)
                {
                    ReadOnlySpan<int> lit = litIndex[first[r]..last[r]];
                    if (lit.IsEmpty)
                    {
                        continue;
                    }

                    int f = (r * width) + j;
                    var a0 = Vector256.LoadUnsafe(ref fieldRe[f]);
                    var a1 = Vector256.LoadUnsafe(ref fieldRe[f + 8]);
                    var a2 = Vector256.LoadUnsafe(ref fieldRe[f + 16]);
                    var a3 = Vector256.LoadUnsafe(ref fieldRe[f + 24]);
                    var b0 = Vector256.LoadUnsafe(ref fieldIm[f]);
                    var b1 = Vector256.LoadUnsafe(ref fieldIm[f + 8]);
                    var b2 = Vector256.LoadUnsafe(ref fieldIm[f + 16]);
                    var b3 = Vector256.LoadUnsafe(ref fieldIm[f + 24]);
                    foreach (int i in lit)
                    {
                        nuint o = (nuint)(((i - firstRow) * stride) + j);
                        a0 += Vector256.LoadUnsafe(ref re0, o);
                        a1 += Vector256.LoadUnsafe(ref re0, o + 8);
                        a2 += Vector256.LoadUnsafe(ref re0, o + 16);
                        a3 += Vector256.LoadUnsafe(ref re0, o + 24);
                        b0 += Vector256.LoadUnsafe(ref im0, o);
                        b1 += Vector256.LoadUnsafe(ref im0, o + 8);
                        b2 += Vector256.LoadUnsafe(ref im0, o + 16);
                        b3 += Vector256.LoadUnsafe(ref im0, o + 24);
                    }

                    a0.StoreUnsafe(ref fieldRe[f]);
                    a1.StoreUnsafe(ref fieldRe[f + 8]);
                    a2.StoreUnsafe(ref fieldRe[f + 16]);
                    a3.StoreUnsafe(ref fieldRe[f + 24]);
                    b0.StoreUnsafe(ref fieldIm[f]);
                    b1.StoreUnsafe(ref fieldIm[f + 8]);
                    b2.StoreUnsafe(ref fieldIm[f + 16]);
                    b3.StoreUnsafe(ref fieldIm[f + 24]);
                }
            }

            for (; j + 8 <= width; j += 8)
            {
                for (int r = 0; r < frames; r++)
                {
                    int f = (r * width) + j;
                    var a = Vector256.LoadUnsafe(ref fieldRe[f]);
                    var b = Vector256.LoadUnsafe(ref fieldIm[f]);
                    foreach (int i in litIndex[first[r]..last[r]])
                    {
                        nuint o = (nuint)(((i - firstRow) * stride) + j);
                        a += Vector256.LoadUnsafe(ref re0, o);
                        b += Vector256.LoadUnsafe(ref im0, o);
                    }

                    a.StoreUnsafe(ref fieldRe[f]);
                    b.StoreUnsafe(ref fieldIm[f]);
                }
            }
        }

        for (; j < width; j++)
        {
            for (int r = 0; r < frames; r++)
            {
                int f = (r * width) + j;
                float a = fieldRe[f];
                float b = fieldIm[f];
                foreach (int i in litIndex[first[r]..last[r]])
                {
                    int o = ((i - firstRow) * stride) + j;
                    a += matrixRe[o];
                    b += matrixIm[o];
                }

                fieldRe[f] = a;
                fieldIm[f] = b;
            }
        }
    }
}
