using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dfa.Core.Optim;

/// <summary>Whether a tensor holds only finite values, in one vectorised read.</summary>
internal static class FiniteCheck
{
    /// <summary>
    /// True when no element is NaN or ±∞: <c>x·0</c> is 0 for finite x and NaN otherwise, so the sum of those products
    /// is 0 exactly when all are finite (cheaper than a max-magnitude, which must also order the values).
    /// </summary>
    public static bool AllFinite(ReadOnlySpan<float> x)
    {
        ref float r = ref MemoryMarshal.GetReference(x);
        int n = x.Length;
        int i = 0;
        float watch = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512<float>.Zero, b = Vector512<float>.Zero;
            for (; i <= n - (2 * Vector512<float>.Count); i += 2 * Vector512<float>.Count)
            {
                a += Vector512.LoadUnsafe(ref r, (nuint)i) * Vector512<float>.Zero;
                b += Vector512.LoadUnsafe(ref r, (nuint)(i + Vector512<float>.Count)) * Vector512<float>.Zero;
            }

            watch = Vector512.Sum(a + b);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero;
            for (; i <= n - (2 * Vector256<float>.Count); i += 2 * Vector256<float>.Count)
            {
                a += Vector256.LoadUnsafe(ref r, (nuint)i) * Vector256<float>.Zero;
                b += Vector256.LoadUnsafe(ref r, (nuint)(i + Vector256<float>.Count)) * Vector256<float>.Zero;
            }

            watch = Vector256.Sum(a + b);
        }

        for (; i < n; i++)
        {
            watch += x[i] * 0f;
        }

        return watch == 0f;
    }
}
