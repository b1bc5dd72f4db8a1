using Dfa.Core.Tensors;

namespace Dfa.Runs.Bench;

/// <summary>
/// Times <see cref="Gemm.Multiply(Transpose, Transpose, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int, int)"/>
/// in GFLOP/s (<c>2·m·n·k / seconds / 1e9</c>, best repetition) and sets it against OpenBLAS
/// <c>cblas_sgemm</c> measured the same way in a clean child process.
/// </summary>
public static class GemmBench
{
    /// <summary>The MLP shapes (784-800-800 network, batch 128) and a large square reference.</summary>
    public static IReadOnlyList<GemmShape> StandardShapes { get; } =
    [
        new("gemm.fwd1.128x784x800", 128, 800, 784),
        new("gemm.fwd2.128x800x800", 128, 800, 800),

        // As Linear runs them: weights are stored out×in (PyTorch's layout), so the forward product is X·Wᵀ.
        new("gemm.fwd1.128x784x800.tB", 128, 800, 784, TransB: Transpose.Yes),
        new("gemm.fwd2.128x800x800.tB", 128, 800, 800, TransB: Transpose.Yes),
        new("gemm.dw.800x128x800.tA", 800, 800, 128, Transpose.Yes),
        new("gemm.square.2048", 2048, 2048, 2048),
    ];

    public static IReadOnlyList<int> StandardThreads { get; } = [1, 2];

    /// <summary>GFLOP/s of our GEMM on <paramref name="shape"/> with <paramref name="threads"/> threads.</summary>
    public static double Measure(GemmShape shape, int threads, double minSeconds = 0.3)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        (float[] a, float[] b, float[] c) = Operands(shape);
        return GflopsTimer.BestGflops(
            () => Gemm.Multiply(shape.TransA, shape.TransB, shape.M, shape.N, shape.K, 1f, a, shape.ColsA, b, shape.ColsB, 0f, c, shape.N, threads),
            shape.Flops,
            minSeconds);
    }

    /// <summary>
    /// Measures every shape at every thread count, ours in this process and OpenBLAS in a worker process
    /// (see <see cref="OpenBlasWorker"/>). The two sides alternate shape by shape for <paramref name="rounds"/>
    /// rounds and each keeps its best, so a burst of load from elsewhere on the machine hits both rather than one.
    /// When OpenBLAS is unavailable the results carry no baseline and <paramref name="log"/> says why.
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(
        IReadOnlyList<GemmShape>? shapes = null,
        IReadOnlyList<int>? threads = null,
        bool withOpenBlas = true,
        double minSeconds = 0.3,
        int rounds = 2,
        TextWriter? log = null)
    {
        shapes ??= StandardShapes;
        threads ??= StandardThreads;
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        var ours = new Dictionary<(string, int), double>();
        var theirs = new Dictionary<(string, int), double>();
        string? corename = null;
        for (int round = 0; round < rounds; round++)
        {
            foreach (GemmShape shape in shapes)
            {
                if (withOpenBlas)
                {
                    OpenBlasWorkerOutput baseline = OpenBlasWorker.Launch(new OpenBlasWorkerInput([shape], [.. threads], minSeconds));
                    if (baseline.Error is not null)
                    {
                        log?.WriteLine($"OpenBLAS baseline skipped: {baseline.Error}");
                        withOpenBlas = false;
                    }
                    else
                    {
                        if (corename is null)
                        {
                            corename = baseline.Corename;
                            log?.WriteLine($"OpenBLAS core: {corename}");
                        }

                        foreach (OpenBlasWorkerResult r in baseline.Results)
                        {
                            theirs[(r.Name, r.Threads)] = Math.Max(r.Gflops, theirs.GetValueOrDefault((r.Name, r.Threads)));
                        }
                    }
                }

                foreach (int t in threads)
                {
                    ours[(shape.Name, t)] = Math.Max(Measure(shape, t, minSeconds), ours.GetValueOrDefault((shape.Name, t)));
                }
            }
        }

        var results = new List<BenchResult>();
        foreach (GemmShape shape in shapes)
        {
            foreach (int t in threads)
            {
                double value = ours[(shape.Name, t)];
                double? baseline = theirs.TryGetValue((shape.Name, t), out double b) ? b : null;
                var result = new BenchResult(shape.Name, t, value, "GFLOP/s", baseline, baseline is > 0 ? value / baseline : null);
                log?.WriteLine(Format(result));
                results.Add(result);
            }
        }

        return results;
    }

    public static string Format(BenchResult r) =>
        FormattableString.Invariant(
            $"{r.Name,-28} threads={r.Threads}  {r.Value,8:F1} {r.Unit}") +
        (r.Baseline is { } b ? FormattableString.Invariant($"  openblas {b,8:F1}  ratio {r.Ratio:F2}") : string.Empty);

    /// <summary>Deterministic operands in [-1, 1) so every run times the same data.</summary>
    internal static (float[] A, float[] B, float[] C) Operands(GemmShape shape)
    {
        var rng = new Random(12345);
        float[] a = new float[shape.RowsA * shape.ColsA];
        float[] b = new float[shape.RowsB * shape.ColsB];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (rng.NextSingle() * 2f) - 1f;
        }

        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (rng.NextSingle() * 2f) - 1f;
        }

        return (a, b, new float[shape.M * shape.N]);
    }
}
