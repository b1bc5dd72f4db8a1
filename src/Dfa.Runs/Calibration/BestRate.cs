using System.Diagnostics;

namespace Dfa.Runs.Calibration;

/// <summary>The best rate of a repeated body and how many timed repetitions it came from.</summary>
/// <param name="Rate">Units per second of the fastest repetition.</param>
/// <param name="Repetitions">Timed repetitions (warm-up runs not counted).</param>
/// <param name="MedianRate">Units per second of the median repetition (what a typical call gets on a shared machine).</param>
public sealed record BestRate(double Rate, int Repetitions, double MedianRate)
{
    /// <summary>
    /// Runs <paramref name="body"/> at least three times and for min(0.3 s, <paramref name="minSeconds"/>) to warm up (tiered JIT reaches its optimised code only after some calls) (page faults, packing buffers too), then repeats it until
    /// <paramref name="minSeconds"/> have passed and at least <paramref name="minReps"/> ran; keeps the fastest
    /// repetition, since on a shared machine noise only ever slows a run down (the statistic
    /// <see cref="Bench.GflopsTimer"/> uses too).
    /// </summary>
    public static BestRate Measure(Action body, double units, double minSeconds, int minReps = 3, int maxReps = 100_000)
    {
        var warm = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 3 || warm.Elapsed.TotalSeconds < Math.Min(0.3, minSeconds); i++)
        {
            body();
        }

        var times = new List<double>();
        int reps = 0;
        var total = Stopwatch.StartNew();
        while (reps < maxReps && (reps < minReps || total.Elapsed.TotalSeconds < minSeconds))
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            reps++;
        }

        times.Sort();
        return new BestRate(units / times[0], reps, units / times[times.Count / 2]);
    }
}
