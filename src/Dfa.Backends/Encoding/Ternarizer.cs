using Dfa.Core.Tensors;

namespace Dfa.Backends.Encoding;

/// <summary>
/// Ternary error encoding shared by the binary backend's popcount path and the optical backend. Per sample (row)
/// <c>e</c> with <c>m = max_i |e_i|</c>: component i is kept when <c>|e_i| &gt; (float)(threshold·m)</c> and becomes
/// <c>t_i = sign(e_i)</c>, otherwise <c>t_i = 0</c>; the sample's scale is <c>α = mean of |e_i| over kept i</c>, which
/// minimises <c>‖e − α·t‖²</c> for that support. The encoded error is <c>α·t</c>. A row of zeros (or one whose
/// largest magnitude is not a finite number) encodes to zeros with <c>α = 0</c>.
/// </summary>
public static class Ternarizer
{
    /// <summary>Ternarises one sample: writes <c>t_i ∈ {−1, 0, +1}</c> into <paramref name="signs"/> and returns <c>α</c>.</summary>
    public static float Ternarize(ReadOnlySpan<float> error, double threshold, Span<sbyte> signs)
    {
        if (signs.Length != error.Length)
        {
            throw new ArgumentException($"Expected {error.Length} signs, got {signs.Length}.", nameof(signs));
        }

        ThrowIfBadThreshold(threshold);
        float max = 0;
        foreach (float v in error)
        {
            max = MathF.Max(max, MathF.Abs(v));
        }

        if (!(max > 0) || !float.IsFinite(max))
        {
            signs.Clear();
            return 0;
        }

        float cut = (float)(threshold * max);
        double sum = 0;
        int kept = 0;
        for (int i = 0; i < error.Length; i++)
        {
            float v = error[i];
            float a = MathF.Abs(v);
            if (a > cut)
            {
                signs[i] = v > 0 ? (sbyte)1 : (sbyte)-1;
                sum += a;
                kept++;
            }
            else
            {
                signs[i] = 0;
            }
        }

        return (float)(sum / kept);
    }

    /// <summary>Writes <c>α·t</c> for every row of <paramref name="error"/> into <paramref name="encoded"/> (same shape).</summary>
    public static void Encode(Matrix error, double threshold, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        encoded.ThrowIfShapeDiffers(error, nameof(encoded));
        var signs = new sbyte[error.Cols];
        for (int r = 0; r < error.Rows; r++)
        {
            float alpha = Ternarize(error.Row(r), threshold, signs);
            Span<float> dst = encoded.Row(r);
            for (int i = 0; i < signs.Length; i++)
            {
                dst[i] = signs[i] * alpha;
            }
        }
    }

    public static void ThrowIfBadThreshold(double threshold)
    {
        if (!(threshold >= 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "A ternarisation threshold is a fraction in [0, 1).");
        }
    }
}
