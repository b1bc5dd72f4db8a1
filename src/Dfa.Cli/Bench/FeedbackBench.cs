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
/// measured in the same run; the goals are issue 3's: binary ≥ 4× dense at batch 1 and ≥ 1× at batch 128,
/// single-connection sparse ≥ 50× at batch 128, and the optical simulation (default noise) ≥ 1,000 vectors/s; issue 14's:
/// the crossbar (pcm preset: programming and read noise, drift, converters) and the spiking projector (rate coding)
/// ≥ 1,000 vectors/s.
/// </summary>
internal static class FeedbackBench
{
    public const int ErrorSize = 1000;

    public static readonly int[] Layers = [4096, 4096];

    private static readonly (string Label, FeedbackConfig Options, int Batch, BenchGoal? Goal)[] Cases =
    [
        ("binary", new FeedbackConfig { Backend = "binary" }, 1, new BenchGoal(OnRatio: true, 4)),
        ("binary", new FeedbackConfig { Backend = "binary" }, 128, new BenchGoal(OnRatio: true, 1)),
        ("binary-ternary", new FeedbackConfig { Backend = "binary", Binary = new() { Error = ErrorEncoding.Ternary } }, 128, null),
        ("sparse-k1", new FeedbackConfig { Backend = "sparse", Sparse = new() { Connections = 1 } }, 128, new BenchGoal(OnRatio: true, 50)),
        ("unified", new FeedbackConfig { Backend = "unified" }, 128, null),
        ("optical", new FeedbackConfig { Backend = "optical", Optical = new() }, 128, new BenchGoal(OnRatio: false, 1000)),
        ("crossbar-pcm", new FeedbackConfig { Backend = "crossbar", Crossbar = new() }, 128, new BenchGoal(OnRatio: false, 1000)),
        ("spiking-rate", new FeedbackConfig { Backend = "spiking", Spiking = new() }, 128, new BenchGoal(OnRatio: false, 1000)),
    ];

    /// <summary>One line per case and thread count; cases whose backend is not registered are reported in <paramref name="log"/>.</summary>
    public static IReadOnlyList<BenchResult> Run(FeedbackBackendRegistry registry, IReadOnlyList<int> threads, double minSeconds, TextWriter log)
    {
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

    private static string Name(string label, int batch) => $"feedback.{label}.e{ErrorSize}-{string.Join("x", Layers)}.b{batch}";

    private static double VectorsPerSecond(IFeedbackBackend backend, FeedbackShape shape, FeedbackConfig options, int batch, int threads, double minSeconds)
    {
        IFeedbackProjector projector = backend.Create(shape, options, seed: 7, threads);
        Matrix error = SoftmaxErrors(batch, shape.ErrorSize);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        return GflopsTimer.BestRate(() => projector.Project(error, signals), batch, minSeconds);
    }
}
