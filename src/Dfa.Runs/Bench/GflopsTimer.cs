using System.Diagnostics;

namespace Dfa.Runs.Bench;

/// <summary>
/// The one timing routine both our GEMM and the OpenBLAS worker use, so their numbers are comparable.
/// </summary>
public static class GflopsTimer
{
    /// <summary>
    /// Runs <paramref name="body"/> a few times to warm up (JIT tiers, page faults, packing buffers), then repeats
    /// it until <paramref name="minSeconds"/> have passed and at least <paramref name="minReps"/> ran (at most
    /// <paramref name="maxReps"/>). Returns the <em>best</em> rate: on a shared machine noise only ever slows a run
    /// down, so the fastest repetition is the closest estimate of what the kernel itself can do, and it is the
    /// same statistic for both sides of a ratio.
    /// </summary>
    public static double BestGflops(Action body, double flops, double minSeconds = 0.3, int minReps = 3, int maxReps = 1000) =>
        BestRate(body, flops, minSeconds, minReps, maxReps) / 1e9;

    /// <summary>The same measurement as <see cref="BestGflops"/>, as <paramref name="units"/> per second of the best repetition.</summary>
    public static double BestRate(Action body, double units, double minSeconds = 0.3, int minReps = 3, int maxReps = 1000)
    {
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < Math.Min(0.1, minSeconds / 3); i++)
        {
            body();
        }

        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        for (int rep = 0; rep < maxReps && (rep < minReps || total.Elapsed.TotalSeconds < minSeconds); rep++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Min(best, seconds);
        }

        return units / best;
    }
}
