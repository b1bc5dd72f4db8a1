using System.Globalization;
using Dfa.Core.Tensors;
using Dfa.Runs.Bench;
using Dfa.Sim.Profiles;

namespace Dfa.Runs.Calibration;

/// <summary>How long and how large <see cref="Calibrator"/> measures.</summary>
/// <param name="Threads">Threads for every measurement (the run's thread count).</param>
/// <param name="Seconds">Minimum seconds of timed repetitions per measurement.</param>
/// <param name="Square">Size n of the square GEMM n×n×n whose rate is the peak.</param>
/// <param name="DramArrayBytes">Size of each of the triad's three arrays for the off-chip level.</param>
/// <param name="Median">Keep each measurement's median repetition instead of its fastest one.</param>
public sealed record CalibrationOptions(int Threads, double Seconds, int Square = 2048, long DramArrayBytes = 256L << 20, bool Median = false)
{
    /// <summary>Refuses (one line naming the option) a square GEMM size outside [16, 8192] or a triad array outside [1, 4096] MiB.</summary>
    /// <exception cref="Dfa.Core.DfaInputException">A size is out of range.</exception>
    public static void CheckSizes(int square, int dramArrayMb)
    {
        if (square is < 16 or > 8192)
        {
            throw new Dfa.Core.DfaInputException($"--square must be in [16, 8192], got {square}");
        }

        if (dramArrayMb is < 1 or > 4096)
        {
            throw new Dfa.Core.DfaInputException($"--dram-array-mb must be in [1, 4096], got {dramArrayMb}");
        }
    }
}

/// <summary>One value <c>dfa calibrate</c> puts into the profile.</summary>
/// <param name="Path">The profile field, e.g. <c>compute.fp32_flops_per_s</c> or <c>memory[dram].bandwidth_bytes_per_s</c>.</param>
/// <param name="Value">The value in the field's unit.</param>
/// <param name="What">What was measured (for the table and the source).</param>
/// <param name="Source">The source written beside the value.</param>
public sealed record Measurement(string Path, double Value, string What, string Source);

/// <summary>
/// Measures this machine for the CPU profile: peak FP32 rate (our GEMM on a large square problem), the efficiency
/// curve over rows fitted on a grid of GEMM shapes (<see cref="GemmCurve"/>) and a batch-1 product's efficiency, and triad bandwidth of the off-chip level and
/// of every on-chip level of the template (arrays a quarter of the level's capacity). Also reads the logical CPU
/// count, the clock /proc/cpuinfo reports and the memory /proc/meminfo reports.
/// </summary>
public static class Calibrator
{
    /// <summary>A batch-1 forward product of a 1200→600 layer (m = 1), as Linear runs it (profiles without <c>gemm_half_rows</c> use it below batch 16).</summary>
    public static GemmShape GemvShape { get; } = new("gemv.1x600x1200.tB", 1, 600, 1200, TransB: Transpose.Yes);

    public static IReadOnlyList<Measurement> Run(HardwareProfile template, CalibrationOptions options, DateTime utcNow, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        int threads = options.Threads;
        double s = options.Seconds;
        string date = utcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string cpu = CpuModel();
        string statistic = options.Median ? "median" : "best";
        string Source(string what, int reps) => $"measured by dfa calibrate {date}: {what} ({cpu}, {Reports.Units.Count(threads, "thread")}, {statistic} of {reps})";
        double Rate(BestRate r) => options.Median ? r.MedianRate : r.Rate;
        var results = new List<Measurement>();

        // Peak: a large square GEMM.
        var square = new GemmShape($"gemm.square.{options.Square}", options.Square, options.Square, options.Square);
        BestRate peak = TimeGemm(square, threads, s);
        string peakWhat = $"our GEMM {options.Square}x{options.Square}x{options.Square} fp32, 2mnk FLOP per product";
        log?.WriteLine(Inv($"peak: {Rate(peak) / 1e9:F1} GFLOP/s ({peakWhat})"));
        results.Add(new Measurement("compute.fp32_flops_per_s", Rate(peak), peakWhat, Source(peakWhat, peak.Repetitions)));

        // GEMM efficiency as a curve over rows, fitted on a grid of shapes none of which dfa validate predicts.
        IReadOnlyList<GemmCurvePoint> grid = GemmCurve.Measure(Rate(peak), threads, s / 4, options.Median);
        GemmCurveFit fit = GemmCurve.Fit(grid);
        string layers = string.Join(", ", GemmCurve.Layers.Select(l => $"{l.Inputs}->{l.Outputs}"));
        string gridWhat = Inv($"e(m) = E·m/(m + m½) fitted by least squares to our GEMM's fraction of peak on a grid of {grid.Count} points: rows m = {string.Join(", ", GemmCurve.Rows)} × layers {layers}, each point a Linear's three products (X·Wᵀ, δᵀ·X, δ·W) back to back, FLOP-weighted; E = {fit.Efficiency:F3}, m½ = {fit.HalfRows:G4} rows, rms relative residual {fit.RmsRelativeResidual:P1}; measured from {grid.Min(p => p.Efficiency):F3} at m = {GemmCurve.Rows[0]} to {grid.Max(p => p.Efficiency):F3}");
        results.Add(Efficiency("compute.gemm_efficiency", fit.Efficiency, gridWhat, Source(gridWhat + " (this field is E)", grid.Min(p => p.Repetitions))));
        results.Add(new Measurement("compute.gemm_half_rows", fit.HalfRows, gridWhat, Source(gridWhat + " (this field is m½)", grid.Min(p => p.Repetitions))));
        log?.WriteLine(Inv($"GEMM grid: E = {fit.Efficiency:F3}, m½ = {fit.HalfRows:G4} rows (rms residual {fit.RmsRelativeResidual:P1})"));
        foreach (IGrouping<(int, int), GemmCurvePoint> layer in grid.GroupBy(p => (p.Inputs, p.Outputs)))
        {
            log?.WriteLine(Inv($"  {layer.Key.Item1}->{layer.Key.Item2}: ") + string.Join(", ", layer.Select(p => Inv($"m={p.Rows} {p.Efficiency:F3} (fit {fit.At(p.Rows):F3})"))));
        }

        BestRate gemv = TimeGemm(GemvShape, threads, s / 2);
        string gemvWhat = Inv($"our GEMM at m = 1 (1x1200 times 600x1200ᵀ, memory-bound: it reads the whole 2.88 MB weight matrix for 1.44 MFLOP) {Rate(gemv) / 1e9:F2} GFLOP/s ÷ peak {Rate(peak) / 1e9:F1}");
        results.Add(Efficiency("compute.gemv_efficiency", Rate(gemv) / Rate(peak), gemvWhat, Source(gemvWhat, gemv.Repetitions)));
        log?.WriteLine(Inv($"GEMV: {Rate(gemv) / 1e9:F2} GFLOP/s"));

        // Bandwidth per memory level.
        foreach (MemoryLevel level in template.Memory)
        {
            string path = $"memory[{level.Name}].bandwidth_bytes_per_s";
            double capacity = template.Fields.Single(f => f.Path == $"memory[{level.Name}].capacity_bytes").Value;
            long perArray = level.OffChip
                ? Math.Max(options.DramArrayBytes, 0)
                : (long)(capacity / 4 / 3);
            var triad = new Triad(perArray, threads);
            BestRate bw = BestRate.Measure(triad.Run, triad.BytesPerCall, s / 2);
            string what = Inv($"triad c = a + 1.5·b over 3 × {Size(triad.FootprintBytes / 3)} float arrays ({(level.OffChip ? "far larger than the caches" : $"a quarter of the {Size((long)capacity)} {level.Name}")}), 12 B counted per element");
            results.Add(new Measurement(path, Rate(bw), what, Source(what, bw.Repetitions)));
            log?.WriteLine(Inv($"{level.Name}: {Rate(bw) / 1e9:F1} GB/s"));
        }

        // Facts the OS reports.
        results.Add(new Measurement("cores", Environment.ProcessorCount, "logical CPUs", $"measured by dfa calibrate {date} (read from the OS): logical CPUs ({cpu})"));
        if (CpuMhz() is { } mhz)
        {
            results.Add(new Measurement("clock_hz", mhz * 1e6, "clock", Inv($"measured by dfa calibrate {date} (read from the OS): /proc/cpuinfo 'cpu MHz' {mhz} ({cpu}); the clock the VM reports, not a timed one")));
        }

        if (template.Memory.FirstOrDefault(m => m.OffChip) is { } dram && MemTotalBytes() is { } mem)
        {
            results.Add(new Measurement($"memory[{dram.Name}].capacity_bytes", mem, "memory", Inv($"measured by dfa calibrate {date} (read from the OS): /proc/meminfo MemTotal {mem / 1024} kB ({cpu})")));
        }

        return results;
    }

    /// <summary>The CPU model name from /proc/cpuinfo (with the vector ISA it advertises), or the OS description.</summary>
    public static string CpuModel()
    {
        string[] lines = ReadProc("/proc/cpuinfo");
        string? model = lines.FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        string? flags = lines.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1];
        string isa = flags is null ? "" : flags.Split(' ').Contains("avx512f") ? ", AVX-512" : flags.Split(' ').Contains("avx2") ? ", AVX2, no AVX-512" : "";
        return (model ?? System.Runtime.InteropServices.RuntimeInformation.OSDescription) + isa;
    }

    private static Measurement Efficiency(string path, double ratio, string what, string source)
    {
        // The schema wants a fraction in (0, 1]; a noisy peak can make a small shape look faster than it.
        double clamped = Math.Clamp(ratio, 1e-6, 1);
        return new Measurement(path, clamped, what, clamped == ratio ? source : source + Inv($"; ratio {ratio:F3} clamped to {clamped}"));
    }

    private static BestRate TimeGemm(GemmShape shape, int threads, double seconds)
    {
        (float[] a, float[] b, float[] c) = GemmBench.Operands(shape);
        return BestRate.Measure(
            () => Gemm.Multiply(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, 1f, a, shape.ColsA, b, shape.ColsB, 0f, c, shape.N, threads),
            shape.Flops,
            seconds);
    }

    private static double? CpuMhz()
    {
        string? line = ReadProc("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
        return line is not null && double.TryParse(line.Split(':', 2)[1].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double mhz) && mhz > 0 ? mhz : null;
    }

    private static double? MemTotalBytes()
    {
        string? line = ReadProc("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        string[]? parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long kb) && kb > 0 ? kb * 1024.0 : null;
    }

    private static string[] ReadProc(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllLines(path) : [];
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string Size(long bytes) => bytes >= 1 << 20 ? Inv($"{bytes / (double)(1 << 20):0.#} MiB") : Inv($"{bytes / 1024.0:0.#} KiB");

    private static string Inv(FormattableString s) => FormattableString.Invariant(s);
}
