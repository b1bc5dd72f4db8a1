using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Workloads;

namespace Dfa.Runs.Costing;

/// <summary>One varied profile field: <c>PATH=START:STOP[:log|lin][:POINTS]</c>.</summary>
public sealed record SweepAxis(string Path, double Start, double Stop, bool Log, int Points)
{
    public double At(double t) => Between(Start, Stop, t);

    /// <summary>The point a fraction <paramref name="t"/> of the way from <paramref name="from"/> to <paramref name="to"/>, on this axis's scale (exact at the ends).</summary>
    public double Between(double from, double to, double t) => t <= 0 ? from : t >= 1 ? to
        : Log ? Math.Exp(Math.Log(from) + (t * (Math.Log(to) - Math.Log(from)))) : from + (t * (to - from));

    public double[] Values() => Enumerable.Range(0, Points).Select(i => At(Points == 1 ? 0 : (double)i / (Points - 1))).ToArray();

    /// <exception cref="DfaInputException">Malformed text, a non-positive log range or a point count outside 1..10000.</exception>
    public static SweepAxis Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        string[] parts = eq > 0 ? text[(eq + 1)..].Split(':') : [];
        if (eq <= 0 || parts.Length is < 2 or > 4)
        {
            throw new DfaInputException($"--vary takes PATH=START:STOP[:log|lin][:POINTS], e.g. optical.frame_time_s=1e-6:1e-2:log:41; got '{text}'");
        }

        double start = Number(parts[0], text), stop = Number(parts[1], text);
        bool log = true;
        int points = 41;
        foreach (string extra in parts.Skip(2))
        {
            if (extra is "log" or "lin")
            {
                log = extra == "log";
            }
            else if (!double.TryParse(extra, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                throw new DfaInputException($"--vary: the scale must be log or lin, got '{extra}' in '{text}'");
            }
            else if (!int.TryParse(extra, NumberStyles.None, CultureInfo.InvariantCulture, out points) || points is < 1 or > 10_000)
            {
                throw new DfaInputException($"--vary: the point count must be 1..10000, got '{extra}' in '{text}'");
            }
        }

        if (log && !(start > 0 && stop > 0))
        {
            throw new DfaInputException($"--vary: a log range needs positive bounds, got '{text}' (add :lin for a linear range)");
        }

        return new SweepAxis(text[..eq].Trim(), start, stop, log, points);
    }

    private static double Number(string s, string text) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new DfaInputException($"--vary: '{s}' is not a number in '{text}'");
}

/// <summary>Where the cheapest backend changes along an axis: between two backends, at a refined parameter value.</summary>
public sealed record Crossover(double? Other, double Value, string From, string To);

/// <summary>One grid point: the varied values, every backend's metric, and the cheapest backend.</summary>
public sealed record SweepPoint(double X, double? Y, IReadOnlyDictionary<string, double> Metric, string Cheapest);

/// <summary>
/// A what-if sweep: one or two fields of one profile varied over a range, every backend priced at each point with
/// <see cref="CostModel"/>, the cheapest backend by time or energy per step, and the crossovers, refined by bisection
/// between grid points to where the two backends cost the same.
/// </summary>
public sealed class Sweep(FeedbackBackendRegistry registry, NetworkSpec workload, int batch, IReadOnlyList<string> backends, Prices prices, bool energy)
{
    public IReadOnlyList<string> Backends { get; } = backends.Where(b => CostPlans.Runs(b, prices, registry)).ToArray();

    public string MetricName => energy ? "energy_j" : "time_s";

    public int Batch => batch;

    public double Metric(string backend, Prices p)
    {
        MethodCost cost = CostPlans.Price(backend, workload, batch, p, registry);
        return energy ? cost.EnergyJ : cost.TimeSeconds;
    }

    public SweepPoint Evaluate(SweepAxis x, double xv, SweepAxis? y, double? yv)
    {
        Prices p = PricesAt(x, xv, y, yv);
        var metric = Backends.ToDictionary(b => b, b => Metric(b, p), StringComparer.Ordinal);

        // A backend whose price is not finite at this point (a rate of zero) cannot win it.
        string cheapest = metric.Where(kv => double.IsFinite(kv.Value)).OrderBy(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => kv.Key).FirstOrDefault() ?? "none";
        return new SweepPoint(xv, yv, metric, cheapest);
    }

    /// <summary>Whether the field of <paramref name="axis"/> changes any backend's price between its two ends.</summary>
    public bool Reads(SweepAxis axis)
    {
        Prices start = prices.With(axis.Path, axis.Start), stop = prices.With(axis.Path, axis.Stop);
        return Backends.Any(b => Metric(b, start) != Metric(b, stop));
    }

    /// <summary>The profile's prices with the varied fields set to <paramref name="xv"/> (and <paramref name="yv"/>).</summary>
    private Prices PricesAt(SweepAxis x, double xv, SweepAxis? y, double? yv)
    {
        Prices p = prices.With(x.Path, xv);
        return y is null ? p : p.With(y.Path, yv!.Value);
    }

    /// <summary>The grid's coordinates in whole-run order, x fastest: item <c>k</c> is x value <c>k mod X</c> of y value <c>k div X</c>.</summary>
    public static IReadOnlyList<(double X, double? Y)> Grid(SweepAxis x, SweepAxis? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        double?[] ys = y is null ? [null] : y.Values().Select(v => (double?)v).ToArray();
        double[] xs = x.Values();
        return ys.SelectMany(yv => xs.Select(xv => (xv, yv))).ToArray();
    }

    /// <summary>The grid, x fastest; one row of points per y value (a single row without a second axis).</summary>
    public IReadOnlyList<SweepPoint> Run(SweepAxis x, SweepAxis? y) => Grid(x, y).Select(g => Evaluate(x, g.X, y, g.Y)).ToArray();

    /// <summary>Whether segment <c>k → k + 1</c> of the grid stays in one row (a crossover can only lie along x).</summary>
    public static bool HasSegment(SweepAxis x, int gridItems, int k) => k + 1 < gridItems && (k + 1) % x.Points != 0;

    /// <summary>The crossovers along x for every y: consecutive points with different winners, refined by bisection.</summary>
    public IReadOnlyList<Crossover> Crossovers(SweepAxis x, SweepAxis? y, IReadOnlyList<SweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var result = new List<Crossover>();
        for (int k = 0; k < points.Count; k++)
        {
            if (HasSegment(x, points.Count, k) && Crossing(x, y, points[k], points[k + 1]) is { } c)
            {
                result.Add(c);
            }
        }

        return result;
    }

    /// <summary>
    /// The crossover between two neighbouring points of a row, or null when they have the same winner (or one has none):
    /// 40 bisection steps on the axis's scale to where the left winner stops being cheaper. A shard computes its own
    /// segments with this, so merged crossovers are the whole run's bit for bit.
    /// </summary>
    public Crossover? Crossing(SweepAxis x, SweepAxis? y, SweepPoint left, SweepPoint right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Cheapest == right.Cheapest || left.Cheapest == "none" || right.Cheapest == "none")
        {
            return null;
        }

        string a = left.Cheapest, b = right.Cheapest;
        double lo = 0, hi = 1;
        double Between(double t) => x.Between(left.X, right.X, t);
        for (int step = 0; step < 40; step++)
        {
            double mid = (lo + hi) / 2;
            Prices p = PricesAt(x, Between(mid), y, left.Y);
            if (Metric(a, p) <= Metric(b, p))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return new Crossover(left.Y, Between((lo + hi) / 2), a, b);
    }
}
