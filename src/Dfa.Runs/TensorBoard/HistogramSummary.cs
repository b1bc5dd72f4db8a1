namespace Dfa.Runs.TensorBoard;

/// <summary>
/// The content of a TensorBoard <c>HistogramProto</c> for a set of values, bucketed the way TensorFlow's own
/// histogram summaries are, so a histogram written by <c>dfa</c> looks in TensorBoard like one written by TensorFlow.
/// </summary>
/// <remarks>
/// <para>Buckets: TensorFlow's default exponential limits, <c>±1e-12·1.1^k</c> for every <c>k</c> with
/// <c>1e-12·1.1^k &lt; 1e20</c>, plus <c>0</c> and <c>±DBL_MAX</c>, ascending. Bucket <c>i</c> counts the values
/// <c>v</c> with <c>limit[i-1] &lt;= v &lt; limit[i]</c> (bucket 0 starts at <c>-DBL_MAX</c>). Like TensorFlow's
/// <c>Histogram::EncodeToProto</c> with <c>preserve_zero_buckets = false</c>, each run of consecutive empty buckets
/// is written as one empty bucket ending at the run's last limit, so a histogram costs a few entries per occupied
/// bucket rather than ~1 550. The result always has at least one bucket.</para>
/// <para>Non-finite values (NaN, ±∞) are left out of every field: TensorFlow's summary op rejects them outright,
/// and a NaN <c>min</c>/<c>max</c>/<c>sum</c> breaks TensorBoard's chart. They are counted in
/// <see cref="NonFiniteCount"/> so the caller can report them. With no finite value, <c>min = max = 0</c>.</para>
/// </remarks>
public sealed class HistogramSummary
{
    /// <summary>TensorFlow's default bucket limits (tsl/lib/histogram: <c>InitDefaultBuckets</c>), ascending.</summary>
    internal static readonly double[] DefaultLimits = BuildDefaultLimits();

    private HistogramSummary(double min, double max, double count, double sum, double sumSquares,
        double[] bucketLimits, double[] bucketCounts, int nonFiniteCount)
    {
        Min = min;
        Max = max;
        Count = count;
        Sum = sum;
        SumSquares = sumSquares;
        BucketLimits = bucketLimits;
        BucketCounts = bucketCounts;
        NonFiniteCount = nonFiniteCount;
    }

    public double Min { get; }

    public double Max { get; }

    /// <summary>The number of finite values (<c>HistogramProto.num</c>).</summary>
    public double Count { get; }

    public double Sum { get; }

    public double SumSquares { get; }

    /// <summary>Right edge of each written bucket (<c>HistogramProto.bucket_limit</c>), ascending.</summary>
    public IReadOnlyList<double> BucketLimits { get; }

    /// <summary>Values in each written bucket (<c>HistogramProto.bucket</c>); they sum to <see cref="Count"/>.</summary>
    public IReadOnlyList<double> BucketCounts { get; }

    /// <summary>NaN and infinite values, which are in no other field.</summary>
    public int NonFiniteCount { get; }

    public static HistogramSummary Of(ReadOnlySpan<float> values)
    {
        double[] limits = DefaultLimits;
        var counts = new double[limits.Length];
        double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sumSquares = 0;
        int finite = 0, nonFinite = 0;
        foreach (float value in values)
        {
            if (!float.IsFinite(value))
            {
                nonFinite++;
                continue;
            }

            double v = value;
            counts[BucketOf(limits, v)]++;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
            sumSquares += v * v;
            finite++;
        }

        if (finite == 0)
        {
            min = max = 0;
        }

        var writtenLimits = new List<double>();
        var writtenCounts = new List<double>();
        for (int i = 0; i < counts.Length;)
        {
            double end = limits[i];
            double count = counts[i];
            i++;
            if (count <= 0)
            {
                while (i < counts.Length && counts[i] <= 0)
                {
                    end = limits[i];
                    i++;
                }
            }

            writtenLimits.Add(end);
            writtenCounts.Add(count);
        }

        return new HistogramSummary(min, max, finite, sum, sumSquares, [.. writtenLimits], [.. writtenCounts], nonFinite);
    }

    /// <summary>The first bucket whose limit exceeds <paramref name="value"/> (C++ <c>upper_bound</c>), clamped to the last.</summary>
    private static int BucketOf(double[] limits, double value)
    {
        int low = 0, high = limits.Length;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (value < limits[middle])
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        // Only value == DBL_MAX lands past the end; floats never reach it.
        return Math.Min(low, limits.Length - 1);
    }

    private static double[] BuildDefaultLimits()
    {
        var positive = new List<double>();
        for (double v = 1e-12; v < 1e20; v *= 1.1)
        {
            positive.Add(v);
        }

        positive.Add(double.MaxValue);
        var limits = new List<double>(2 * positive.Count + 1);
        for (int i = positive.Count - 1; i >= 0; i--)
        {
            limits.Add(-positive[i]);
        }

        limits.Add(0.0);
        limits.AddRange(positive);
        return [.. limits];
    }
}
