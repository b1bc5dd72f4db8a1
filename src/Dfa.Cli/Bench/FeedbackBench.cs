using Dfa.Backends;
using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Cli.Bench;

/// <summary>
/// The feedback step alone, ImageNet-sized: an error of e = 1000 projected onto two hidden layers of 4096, in
/// vectors (samples) per second. The dense backend at the same batch and thread count is every line's baseline,
/// measured in the same run. Goals: binary ≥ 4× dense at batch 1 (issue 3) and ≥ 1.2× at batch 128, single-connection
/// sparse ≥ 50× at batch 128, the optical simulation (default noise) ≥ 5,000 vectors/s on softmax errors (issue 16),
/// and on dense Gaussian errors ≥ 0.5 of the GEMM-bound rate of the products it must compute: the fields of both
/// binary frames, <c>x⁺·R</c> and <c>x⁻·R</c> with R complex e × N, are 2 × 2·e·N real multiply-adds, so
/// <c>8·e·N</c> FLOPs per vector (65.5 M here) at OpenBLAS's 2048³ rate of the same run.
/// </summary>
internal static class FeedbackBench
{
    public const int ErrorSize = 1000;

    public static readonly int[] Layers = [4096, 4096];

    private static readonly (string Label, FeedbackConfig Options, int Batch, BenchGoal? Goal)[] Cases =
    [
        ("binary", new FeedbackConfig { Backend = "binary" }, 1, new BenchGoal(OnRatio: true, 4)),
        ("binary", new FeedbackConfig { Backend = "binary" }, 128, new BenchGoal(OnRatio: true, 1.2)),
        ("binary-ternary", new FeedbackConfig { Backend = "binary", Binary = new() { Error = ErrorEncoding.Ternary } }, 128, null),
        ("sparse-k1", new FeedbackConfig { Backend = "sparse", Sparse = new() { Connections = 1 } }, 128, new BenchGoal(OnRatio: true, 50)),
        ("unified", new FeedbackConfig { Backend = "unified" }, 128, null),
        ("optical", new FeedbackConfig { Backend = "optical", Optical = new() }, 128, new BenchGoal(OnRatio: false, 5000)),
    ];

    /// <summary>FLOPs per vector of the optical fields' products, <c>8·e·N</c> (see the class remarks).</summary>
    public static double OpticalFlopsPerVector => 8.0 * ErrorSize * Layers.Sum();

    /// <summary>One line per case and thread count; cases whose backend is not registered are reported in <paramref name="log"/>.</summary>
    public static IReadOnlyList<BenchResult> Run(FeedbackBackendRegistry registry, IReadOnlyList<int> threads, double minSeconds, TextWriter log) =>
        Run(registry, threads, minSeconds, log, _ => null);

    /// <summary>
    /// As <see cref="Run(FeedbackBackendRegistry, IReadOnlyList{int}, double, TextWriter)"/>, plus the optical backend on
    /// dense Gaussian errors against the GEMM-bound rate of its products, from <paramref name="gemmRate"/> (FLOP/s at a
    /// thread count, measured in the same run; null, as when the gemm suite did not run, leaves that line without a
    /// baseline or goal).
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(
        FeedbackBackendRegistry registry, IReadOnlyList<int> threads, double minSeconds, TextWriter log, Func<int, double?> gemmRate)
    {
        ArgumentNullException.ThrowIfNull(gemmRate);
        var shape = new FeedbackShape(ErrorSize, Layers);
        var results = new List<BenchResult>();
        foreach (int t in threads)
        {
            var dense = new Dictionary<int, double>();
            foreach (int batch in Cases.Select(c => c.Batch).Distinct().Order())
            {
                dense[batch] = VectorsPerSecond(registry.Get("dense"), shape, new FeedbackConfig(), batch, t, minSeconds);
                results.Add(new BenchResult(Name("dense", batch), t, dense[batch], "vectors/s", null, null));
            }

            foreach (var (label, options, batch, goal) in Cases)
            {
                if (!registry.Names.Contains(options.Backend))
                {
                    log.WriteLine($"feedback bench: backend '{options.Backend}' is not registered; {label} skipped");
                    continue;
                }

                double value = VectorsPerSecond(registry.Get(options.Backend), shape, options, batch, t, minSeconds);
                results.Add(new BenchResult(Name(label, batch), t, value, "vectors/s", dense[batch], value / dense[batch], goal));
            }

            if (registry.Names.Contains("optical"))
            {
                var options = new FeedbackConfig { Backend = "optical", Optical = new() };
                double value = VectorsPerSecond(registry.Get("optical"), shape, options, 128, t, minSeconds, GaussianErrors(128, shape.ErrorSize));
                double? bound = gemmRate(t) is { } rate ? rate / OpticalFlopsPerVector : null;
                results.Add(new BenchResult(
                    Name("optical-gaussian", 128), t, value, "vectors/s", bound, bound is > 0 ? value / bound : null,
                    bound is > 0 ? new BenchGoal(OnRatio: true, 0.5) : null));
            }
        }

        return results;
    }

    /// <summary>
    /// What DFA projects: softmax cross-entropy errors <c>p − onehot(y)</c>, here of random logits N(0, 2²) and random
    /// labels (a network early in training), so ternarising backends see the sparsity real errors have.
    /// </summary>
    internal static Matrix SoftmaxErrors(int batch, int classes)
    {
        var error = new Matrix(batch, classes);
        var rng = new Rng(11);
        for (int r = 0; r < batch; r++)
        {
            Span<float> row = error.Row(r);
            double max = double.NegativeInfinity;
            var logits = new double[classes];
            for (int i = 0; i < classes; i++)
            {
                logits[i] = 2 * rng.NextGaussian();
                max = Math.Max(max, logits[i]);
            }

            double sum = logits.Sum(z => Math.Exp(z - max));
            for (int i = 0; i < classes; i++)
            {
                row[i] = (float)(Math.Exp(logits[i] - max) / sum);
            }

            row[rng.NextInt(classes)] -= 1f;
        }

        return error;
    }

    /// <summary>Dense errors, N(0, 1) in every component, seeded: every mirror a ternarising backend lights is worked for.</summary>
    internal static Matrix GaussianErrors(int batch, int classes)
    {
        var error = new Matrix(batch, classes);
        var rng = new Rng(13);
        for (int i = 0; i < error.Length; i++)
        {
            error.Data[i] = (float)rng.NextGaussian();
        }

        return error;
    }

    private static string Name(string label, int batch) => $"feedback.{label}.e{ErrorSize}-{string.Join("x", Layers)}.b{batch}";

    private static double VectorsPerSecond(
        IFeedbackBackend backend, FeedbackShape shape, FeedbackConfig options, int batch, int threads, double minSeconds, Matrix? errors = null)
    {
        IFeedbackProjector projector = backend.Create(shape, options, seed: 7, threads);
        Matrix error = errors ?? SoftmaxErrors(batch, shape.ErrorSize);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        return GflopsTimer.BestRate(() => projector.Project(error, signals), batch, minSeconds);
    }
}
