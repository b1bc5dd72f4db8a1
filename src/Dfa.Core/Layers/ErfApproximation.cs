using System.Numerics;

namespace Dfa.Core.Layers;

/// <summary>
/// float32 error function for the exact GELU. .NET has no <c>Math.Erf</c>, so this uses the Abramowitz–Stegun
/// rational approximation 7.1.26, <c>erf(x) ≈ 1 − (a₁t + a₂t² + a₃t³ + a₄t⁴ + a₅t⁵)·e^(−x²)</c>, <c>t = 1/(1 + p·|x|)</c>,
/// odd-extended for <c>x &lt; 0</c>. Its absolute error is at most 1.5e-7, about one float32 ulp of values near 1,
/// so a costlier series would not show in float32 outputs.
/// </summary>
internal static class ErfApproximation
{
    private const float P = 0.3275911f;
    private const float A1 = 0.254829592f;
    private const float A2 = -0.284496736f;
    private const float A3 = 1.421413741f;
    private const float A4 = -1.453152027f;
    private const float A5 = 1.061405429f;

    public static float Erf(float x)
    {
        float ax = MathF.Abs(x);
        float t = 1f / (1f + (P * ax));
        float poly = t * (A1 + (t * (A2 + (t * (A3 + (t * (A4 + (t * A5))))))));
        float r = 1f - (poly * MathF.Exp(-ax * ax));
        return MathF.CopySign(r, x);
    }

    public static Vector<float> Erf(Vector<float> x)
    {
        Vector<float> ax = Vector.Abs(x);
        Vector<float> t = Vector<float>.One / (Vector<float>.One + (new Vector<float>(P) * ax));
        Vector<float> poly = new Vector<float>(A5);
        poly = (poly * t) + new Vector<float>(A4);
        poly = (poly * t) + new Vector<float>(A3);
        poly = (poly * t) + new Vector<float>(A2);
        poly = (poly * t) + new Vector<float>(A1);
        poly *= t;
        Vector<float> r = Vector<float>.One - (poly * Vector.Exp(-(ax * ax)));
        return Vector.CopySign(r, x);
    }

    /// <summary><c>destination[i] = erf(source[i])</c>; the spans may be the same span.</summary>
    public static void Erf(ReadOnlySpan<float> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} elements, source has {source.Length}.", nameof(destination));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= source.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Erf(new Vector<float>(source[i..])).CopyTo(destination[i..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = Erf(source[i]);
        }
    }
}
