using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Runs.Bench;

/// <summary>
/// The feedback step alone, ImageNet-sized: an error of e = 1000 projected onto two hidden layers of 4096, in
/// vectors (samples) per second. The registry's default backend (the reference) at the same batch and thread count
/// is a line's baseline, measured in the same run, unless the variant names a GEMM-bound baseline (the same run's
/// GEMM rate over the FLOPs its products need per vector; <see cref="BackendVariant.GemmFlopsPerWeight"/>); every
/// other backend runs each of its declared <see cref="IFeedbackBackend.Variants"/> at the batch sizes of its speed
/// targets, on the errors the variant names, and its line is held to its targets.
/// </summary>
public static class FeedbackBench
{
    public const int ErrorSize = 1000;

    public static readonly int[] Layers = [4096, 4096];

    /// <summary>One line per reference batch, variant and batch, per thread count, without GEMM-bound baselines.</summary>
    public static IReadOnlyList<BenchResult> Run(FeedbackBackendRegistry registry, IReadOnlyList<int> threads, double minSeconds, TextWriter log) =>
        Run(registry, threads, minSeconds, log, _ => null);

    /// <summary>
    /// One line per reference batch, variant and batch, per thread count; <paramref name="gemmRate"/> gives the GEMM
    /// FLOP/s measured in the same run at a thread count (null when the gemm suite did not run), the baseline of the
    /// variants that declare a GEMM-bound one.
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(
        FeedbackBackendRegistry registry, IReadOnlyList<int> threads, double minSeconds, TextWriter log, Func<int, double?> gemmRate)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(gemmRate);
        var shape = new FeedbackShape(ErrorSize, Layers);
        IFeedbackBackend reference = registry.Default;
        var cases = registry.All.Where(b => b != reference)
            .SelectMany(b => b.Variants.SelectMany(v => v.Targets.Select(t => (Backend: b, Variant: v, Target: t))))
            .ToArray();
        if (cases.Length == 0)
        {
            log.WriteLine("feedback bench: no registered backend declares a variant to measure");
        }

        var results = new List<BenchResult>();
        foreach (int t in threads)
        {
            var baseline = new Dictionary<int, double>();
            foreach (int batch in cases.Where(c => c.Variant.GemmFlopsPerWeight is null).Select(c => c.Target.Batch).Distinct().Order())
            {
                baseline[batch] = VectorsPerSecond(
                    reference, shape, new FeedbackConfig { Backend = reference.Name }, SoftmaxErrors(batch, shape.ErrorSize), t, minSeconds);
                results.Add(new BenchResult(Name(reference.Name, batch), t, baseline[batch], "vectors/s", null, null));
            }

            foreach (var (backend, variant, target) in cases)
            {
                FeedbackConfig options = new FeedbackConfig { Backend = backend.Name };
                if (variant.Options is { } o && backend.Section is { } section)
                {
                    options = options.With(section, o);
                }

                Matrix errors = variant.Errors == BenchErrors.Gaussian
                    ? GaussianErrors(target.Batch, shape.ErrorSize)
                    : SoftmaxErrors(target.Batch, shape.ErrorSize);
                double value = VectorsPerSecond(backend, shape, options, errors, t, minSeconds);
                double? against = variant.GemmFlopsPerWeight is { } flops
                    ? gemmRate(t) is { } rate ? rate / (flops * ErrorSize * Layers.Sum()) : null
                    : baseline[target.Batch];
                BenchGoal? goal = target.Minimum is { } min && (!target.OnRatio || against is > 0) ? new BenchGoal(target.OnRatio, min) : null;
                results.Add(new BenchResult(
                    Name(variant.Label, target.Batch), t, value, "vectors/s", against, against is > 0 ? value / against : null, goal));
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

    private static double VectorsPerSecond(IFeedbackBackend backend, FeedbackShape shape, FeedbackConfig options, Matrix error, int threads, double minSeconds)
    {
        IFeedbackProjector projector = backend.Create(shape, options, seed: 7, threads);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(error.Rows, n)).ToArray();
        return GflopsTimer.BestRate(() => projector.Project(error, signals), error.Rows, minSeconds);
    }
}
