using Dfa.Core.Tensors;

namespace Dfa.Backends.Encoding;

/// <summary>
/// Ternary error encoding shared by the binary backend's popcount path and the optical backend. Per sample (row)
/// <c>e</c> with <c>m = max_i |e_i|</c>: component i is kept when <c>|e_i| &gt; (float)(threshold·m)</c> and becomes
/// <c>t_i = sign(e_i)</c>, otherwise <c>t_i = 0</c>; the sample's scale is <c>α = mean of |e_i| over kept i</c>, which
/// minimises <c>‖e − α·t‖²</c> for that support. The encoded error is <c>α·t</c>. A row of zeros (or one whose
/// largest magnitude is not a finite number) encodes to zeros with <c>α = 0</c>.
/// <para><b>Per-sign scales</b> (<see cref="TernarizePerSign"/>): the same support and signs, but the kept positive and
/// negative components get their own least-squares scales, <c>α⁺ = mean of e_i over i with t_i = +1</c> and
/// <c>α⁻ = mean of |e_i| over t_i = −1</c> (0 for an empty side), and the encoded error is
/// <c>α⁺·[t = +1] − α⁻·[t = −1]</c>. A softmax error <c>p − onehot(y)</c> early in training (p near uniform) keeps
/// every component under a shared α, which turns it into <c>α·(1 − 2·onehot)</c>: mostly the common vector 1, the same
/// for every sample. Per-sign scales give back <c>p_i</c> on the positive side and <c>1 − p_y</c> on the negative one,
/// which is the error itself when every component is kept. Hardware that shows the two signs as separate binary
/// frames (the optical unit) applies the two scales digitally at no extra frames.</para>
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

    /// <summary>
    /// Ternarises one sample with per-sign scales: writes <c>t_i ∈ {−1, 0, +1}</c> into <paramref name="signs"/> (the
    /// support and signs of <see cref="Ternarize"/>) and returns <c>(α⁺, α⁻)</c>.
    /// </summary>
    public static (float Plus, float Minus) TernarizePerSign(ReadOnlySpan<float> error, double threshold, Span<sbyte> signs)
    {
        if (Ternarize(error, threshold, signs) == 0)
        {
            return (0, 0);
        }

        double plus = 0, minus = 0;
        int nPlus = 0, nMinus = 0;
        for (int i = 0; i < error.Length; i++)
        {
            if (signs[i] > 0)
            {
                plus += error[i];
                nPlus++;
            }
            else if (signs[i] < 0)
            {
                minus -= error[i];
                nMinus++;
            }
        }

        return (nPlus > 0 ? (float)(plus / nPlus) : 0, nMinus > 0 ? (float)(minus / nMinus) : 0);
    }

    /// <summary>Writes <c>α⁺·[t = +1] − α⁻·[t = −1]</c> for every row of <paramref name="error"/> into <paramref name="encoded"/>.</summary>
    public static void EncodePerSign(Matrix error, double threshold, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        encoded.ThrowIfShapeDiffers(error, nameof(encoded));
        var signs = new sbyte[error.Cols];
        for (int r = 0; r < error.Rows; r++)
        {
            (float plus, float minus) = TernarizePerSign(error.Row(r), threshold, signs);
            Span<float> dst = encoded.Row(r);
            for (int i = 0; i < signs.Length; i++)
            {
                dst[i] = signs[i] > 0 ? plus : signs[i] < 0 ? -minus : 0;
            }
        }
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
