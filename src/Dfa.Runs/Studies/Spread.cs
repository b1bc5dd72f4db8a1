using System.Globalization;

namespace Dfa.Runs.Studies;

/// <summary>
/// A number measured over several seeds: mean, sample standard deviation (<c>n − 1</c> in the denominator; 0 for one
/// value), minimum, maximum and count. Every accuracy Dfa reports over seeds is one of these.
/// </summary>
public sealed record Spread(double Mean, double Sd, double Min, double Max, int N)
{
    /// <summary>The spread of <paramref name="values"/>; NaN fields and <c>N = 0</c> when there are none.</summary>
    public static Spread Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] v = values.ToArray();
        if (v.Length == 0)
        {
            return new Spread(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        // Two passes: the mean, then squared deviations from it (no catastrophic cancellation for close values).
        double mean = v.Sum() / v.Length;
        double sd = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new Spread(mean, sd, v.Min(), v.Max(), v.Length);
    }

    /// <summary>
    /// <c>mean ± sd</c> with <paramref name="scale"/> applied (100 for a fraction shown in percent), <paramref name="decimals"/>
    /// places; one value is shown alone, none as a dash.
    /// </summary>
    public string Text(double scale = 1, int decimals = 2, string unit = "")
    {
        string format = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        if (N == 0)
        {
            return "—";
        }

        string mean = (Mean * scale).ToString(format, CultureInfo.InvariantCulture);
        return N == 1 ? mean + unit : $"{mean} ± {(Sd * scale).ToString(format, CultureInfo.InvariantCulture)}{unit}";
    }

    /// <summary>The JSON object <c>{mean, sd, min, max, n}</c> (null fields when there are no values).</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Json() =>
    [
        new("mean", Files.JsonFile.FiniteOrNull(Mean)),
        new("sd", Files.JsonFile.FiniteOrNull(Sd)),
        new("min", Files.JsonFile.FiniteOrNull(Min)),
        new("max", Files.JsonFile.FiniteOrNull(Max)),
        new("n", N),
    ];
}
