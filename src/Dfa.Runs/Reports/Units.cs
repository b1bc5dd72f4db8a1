using System.Globalization;

namespace Dfa.Runs.Reports;

/// <summary>
/// The one way numbers are written for people (console tables, reports, plot labels): four significant digits,
/// thousands grouped, and <c>2.12e6</c> / <c>7.079e-5</c> outside 0.001 ≤ |v| &lt; 10⁶, never .NET's <c>2.12E+06</c>.
/// Machine-readable files (CSV, JSON) keep round-trip numbers instead.
/// </summary>
public static class Units
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// <paramref name="value"/> to four significant digits: <c>0.8667</c>, <c>147.3</c>, <c>12,004</c> (whole from 1000
    /// on), <c>2.12e6</c>, <c>7.079e-5</c>; <c>0</c>, <c>∞</c>, <c>−∞</c>, <c>n/a</c> (NaN).
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        double a = Math.Abs(value);
        if (a == 0)
        {
            return "0";
        }

        if (a >= 1e6 || a < 1e-3)
        {
            // Round the mantissa first, so 9.99995e5 does not print as 10e5.
            string e = value.ToString("0.000e0", Inv);
            return e.Replace(".000e", "e", StringComparison.Ordinal).Replace("00e", "e", StringComparison.Ordinal).Replace("0e", "e", StringComparison.Ordinal);
        }

        if (a >= 1000)
        {
            return Math.Round(value).ToString("#,0", Inv);
        }

        // G4 writes no exponent for 0.001 ≤ |v| < 1000.
        return value.ToString("G4", Inv);
    }

    /// <summary>Seconds in s, ms, µs or ns, e.g. <c>3.414 ms</c>.</summary>
    public static string Seconds(double s) => Scaled(s, ["s", "ms", "µs", "ns"]);

    /// <summary>Joules in J, mJ, µJ or nJ, e.g. <c>35.25 mJ</c>.</summary>
    public static string Joules(double j) => Scaled(j, ["J", "mJ", "µJ", "nJ"]);

    /// <summary><c>1 epoch</c>, <c>2 epochs</c>; <paramref name="plural"/> when adding an s is wrong.</summary>
    public static string Count(long n, string noun, string? plural = null) =>
        $"{n.ToString("#,0", Inv)} {(n == 1 ? noun : plural ?? noun + "s")}";

    private static string Scaled(double v, string[] units)
    {
        int step = Math.Abs(v) switch
        {
            >= 1 => 0,
            >= 1e-3 => 1,
            >= 1e-6 => 2,
            _ => 3,
        };
        return $"{Number(v * Math.Pow(1e3, step))} {units[step]}";
    }
}
