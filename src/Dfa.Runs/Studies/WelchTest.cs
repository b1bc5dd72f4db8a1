using MathNet.Numerics.Distributions;

namespace Dfa.Runs.Studies;

/// <summary>
/// Welch's unequal-variance t-test of the difference of two means, <c>d = mean(a) − mean(b)</c>:
/// <c>SE = √(s_a²/n_a + s_b²/n_b)</c>, <c>t = d / SE</c>, Welch–Satterthwaite degrees of freedom
/// <c>ν = SE⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))</c>, a two-sided p-value
/// <c>2·(1 − F_ν(|t|))</c> and the confidence interval <c>d ± t_ν(1 − α/2)·SE</c>, with Math.NET's Student t
/// distribution. When neither sample varies (<c>SE = 0</c>, e.g. seeds that give the same bits) the interval is the
/// point <c>d</c>, <c>t</c> and <c>ν</c> are NaN, and <c>p</c> is 1 for <c>d = 0</c>, else 0.
/// </summary>
/// <param name="Difference">mean(a) − mean(b).</param>
/// <param name="StandardError">SE of the difference.</param>
/// <param name="DegreesOfFreedom">ν (NaN when SE = 0).</param>
/// <param name="T">d / SE (NaN when SE = 0).</param>
/// <param name="P">The two-sided p-value of "the means are equal".</param>
/// <param name="Low">Lower end of the confidence interval of the difference.</param>
/// <param name="High">Upper end of the confidence interval of the difference.</param>
/// <param name="Confidence">The interval's confidence level, e.g. 0.95.</param>
public sealed record WelchTest(double Difference, double StandardError, double DegreesOfFreedom, double T, double P, double Low, double High, double Confidence)
{
    public const string Method = "Welch's t-test";

    /// <summary>The test of <c>mean(a) − mean(b)</c>, or null when either sample has fewer than two values (no variance to test with).</summary>
    public static WelchTest? Of(IReadOnlyList<double> a, IReadOnlyList<double> b, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!(confidence is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must be in (0, 1).");
        }

        if (a.Count < 2 || b.Count < 2)
        {
            return null;
        }

        Spread sa = Spread.Of(a), sb = Spread.Of(b);
        double d = sa.Mean - sb.Mean;
        double va = sa.Sd * sa.Sd / a.Count, vb = sb.Sd * sb.Sd / b.Count;
        double se = Math.Sqrt(va + vb);
        if (se == 0)
        {
            return new WelchTest(d, 0, double.NaN, double.NaN, d == 0 ? 1 : 0, d, d, confidence);
        }

        double df = (va + vb) * (va + vb) / ((va * va / (a.Count - 1)) + (vb * vb / (b.Count - 1)));
        double t = d / se;
        double p = 2 * StudentT.CDF(0, 1, df, -Math.Abs(t));
        double q = StudentT.InvCDF(0, 1, df, 1 - ((1 - confidence) / 2));
        return new WelchTest(d, se, df, t, p, d - (q * se), d + (q * se), confidence);
    }
}
