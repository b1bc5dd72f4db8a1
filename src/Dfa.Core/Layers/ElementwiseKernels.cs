using System.Numerics;

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
}
