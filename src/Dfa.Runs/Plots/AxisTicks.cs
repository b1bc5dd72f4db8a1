using System.Globalization;

namespace Dfa.Runs.Plots;

/// <summary>A tick of a plot axis at <paramref name="Position"/> (axis units); <paramref name="Label"/> is null for a minor tick.</summary>
public sealed record AxisTick(double Position, string? Label);

/// <summary>
/// Where a log axis puts its ticks. The axis plots <c>log10</c> of the values; its labels show the values. Major ticks
/// are the sparsest of the ladders 1·10ᵏ, {1, 2, 5}·10ᵏ, {1…9}·10ᵏ that gives at least three labels in the range (a loss
/// from 2.3 to 0.6 gets 0.6, 0.7, … 2, not a lone 1), with every k-th decade over a wide range; minor ticks fill
/// the next ladder down.
/// </summary>
public static class AxisTicks
{
    private static readonly double[][] Ladders = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];

    /// <summary>Ticks for the log10 range [<paramref name="low"/>, <paramref name="high"/>], at most about 10 labelled.</summary>
    public static IReadOnlyList<AxisTick> Log(double low, double high)
    {
        if (!(double.IsFinite(low) && double.IsFinite(high) && high >= low))
        {
            throw new ArgumentOutOfRangeException(nameof(high), $"A log axis range is finite with high ≥ low, got [{low}, {high}].");
        }

        int first = (int)Math.Floor(low), last = (int)Math.Ceiling(high);
        for (int ladder = 0; ladder < Ladders.Length; ladder++)
        {
            int every = Math.Max(1, (int)Math.Ceiling((last - first) / 10.0));
            double[] major = [.. Positions(Ladders[ladder], first, last, every).Where(p => p >= low && p <= high)];
            if (major.Length >= 3 || ladder == Ladders.Length - 1)
            {
                IEnumerable<double> minor = ladder + 1 < Ladders.Length && every == 1
                    ? Positions(Ladders[ladder + 1], first, last, 1).Where(p => p >= low && p <= high && !major.Contains(p))
                    : every > 1 ? Positions([1], first, last, 1).Where(p => p >= low && p <= high && !major.Contains(p)) : [];
                return [.. major.Select(p => new AxisTick(p, Label(p))), .. minor.Select(p => new AxisTick(p, null))];
            }
        }

        throw new InvalidOperationException("unreachable: the last ladder always returns");
    }

    /// <summary>A value written for a log-axis label: <c>0.001</c> … <c>1000</c> plain, <c>1e-6</c>, <c>2e5</c> beyond.</summary>
    public static string Label(double position)
    {
        int k = (int)Math.Floor(position + 1e-9);
        double mantissa = Math.Round(Math.Pow(10, position - k), 6);
        if (mantissa >= 10)
        {
            mantissa /= 10;
            k++;
        }

        string m = mantissa.ToString("0.#####", CultureInfo.InvariantCulture);
        return k is >= -3 and <= 3
            ? (mantissa * Math.Pow(10, k)).ToString("0.######", CultureInfo.InvariantCulture)
            : $"{m}e{k.ToString(CultureInfo.InvariantCulture)}";
    }

    private static IEnumerable<double> Positions(double[] mantissas, int first, int last, int every)
    {
        for (int k = first; k <= last; k++)
        {
            if ((k - first) % every != 0)
            {
                continue;
            }

            foreach (double m in mantissas)
            {
                yield return k + Math.Log10(m);
            }
        }
    }
}
