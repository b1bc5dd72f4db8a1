namespace Dfa.Core.Analysis;

/// <summary>Angles between flattened tensors, accumulated in double precision.</summary>
public static class Angles
{
    /// <summary>
    /// <c>arccos(⟨a, b⟩ / (|a|·|b|))</c> in degrees over the flattened spans, the cosine clamped to [−1, 1];
    /// NaN when either vector is all zeros (the angle is undefined).
    /// </summary>
    public static double Degrees(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The vectors have {a.Length} and {b.Length} elements.", nameof(b));
        }

        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return FromSums(dot, aa, bb);
    }

    /// <inheritdoc cref="Degrees(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static double Degrees(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"The vectors have {a.Length} and {b.Length} elements.", nameof(b));
        }

        double dot = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += b[i] * b[i];
        }

        return FromSums(dot, aa, bb);
    }

    private static double FromSums(double dot, double aa, double bb)
    {
        if (aa == 0 || bb == 0)
        {
            return double.NaN;
        }

        double cos = Math.Clamp(dot / (Math.Sqrt(aa) * Math.Sqrt(bb)), -1.0, 1.0);
        return Math.Acos(cos) * (180.0 / Math.PI);
    }
}
