using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Dfa.Core.Layers;

/// <summary>
/// Branching element-wise loops that TensorPrimitives has no single operation for. Callers validate lengths; the
/// loops assume every span is at least as long as <c>x</c>. Branches are selects, so the cost does not depend on the
/// sign pattern of the data.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary><c>d = x &gt; 0 ? positive : other</c>.</summary>
    public static void Step(ReadOnlySpan<float> x, float positive, float other, Span<float> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vp = new Vector<float>(positive);
            var vo = new Vector<float>(other);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), vp, vo).CopyTo(d[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            d[i] = x[i] > 0f ? positive : other;
        }
    }

    /// <summary><c>y = x &gt; 0 ? x : slope·x</c>, for any sign of <c>slope</c> (so not <c>max(x, slope·x)</c>).</summary>
    public static void Leaky(ReadOnlySpan<float> x, float slope, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vs = new Vector<float>(slope);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * vs).CopyTo(y[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > 0f ? v : slope * v;
        }
    }

    /// <summary><c>y = x &gt; 0 ? positiveScale·x : negativeScale·y</c>, where <c>y</c> already holds the negative branch's core.</summary>
    public static void PositiveOrScaled(ReadOnlySpan<float> x, float positiveScale, float negativeScale, Span<float> y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vp = new Vector<float>(positiveScale);
            var vn = new Vector<float>(negativeScale);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                var e = new Vector<float>(y[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v * vp, e * vn).CopyTo(y[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > 0f ? positiveScale * v : negativeScale * y[i];
        }
    }

    /// <summary><c>d = x &gt; 0 ? positive : slope·y + offset</c>.</summary>
    public static void PositiveOrAffine(ReadOnlySpan<float> x, ReadOnlySpan<float> y, float positive, float slope, float offset, Span<float> d)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vp = new Vector<float>(positive);
            var vs = new Vector<float>(slope);
            var vo = new Vector<float>(offset);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(x[i..]);
                var w = new Vector<float>(y[i..]);
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), vp, (w * vs) + vo).CopyTo(d[i..]);
            }
        }

        for (; i < x.Length; i++)
        {
            d[i] = x[i] > 0f ? positive : (slope * y[i]) + offset;
        }
    }

    /// <summary><c>dx = (1 − y·y)·dy</c>: the product, the difference and the product rounded one after the other.</summary>
    public static void OneMinusSquareTimes(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref yr, (nuint)i);
                ((Vector512<float>.One - (v * v)) * Vector512.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref yr, (nuint)i);
                ((Vector256<float>.One - (v * v)) * Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < y.Length; i++)
        {
            dx[i] = (1f - (y[i] * y[i])) * dy[i];
        }
    }

    /// <summary><c>dx = (y &gt; 0 ? 1 : 0)·dy</c>.</summary>
    public static void StepTimes(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> step = Vector512.ConditionalSelect(
                    Vector512.GreaterThan(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512<float>.Zero), Vector512<float>.One, Vector512<float>.Zero);
                (step * Vector512.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= y.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> step = Vector256.ConditionalSelect(
                    Vector256.GreaterThan(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256<float>.Zero), Vector256<float>.One, Vector256<float>.Zero);
                (step * Vector256.LoadUnsafe(ref gr, (nuint)i)).StoreUnsafe(ref dr, (nuint)i);
            }
        }

        for (; i < y.Length; i++)
        {
            dx[i] = (y[i] > 0f ? 1f : 0f) * dy[i];
        }
    }
}
