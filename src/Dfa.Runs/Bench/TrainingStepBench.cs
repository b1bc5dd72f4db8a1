using System.Diagnostics;
using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Training;
using Dfa.Runs.Training;

namespace Dfa.Runs.Bench;

/// <summary>
/// Measures whole training steps (forward, BP backward or DFA feedback, Adam update) of the survey's MLP on random
/// data, in samples per second, and counts the GEMM FLOPs one sample costs so the rate can be read as a fraction of a
/// GEMM-bound rate.
/// </summary>
public static class TrainingStepBench
{
    /// <summary>
    /// GEMM FLOPs per training sample (2 per multiply-add). Forward: <c>F = 2·Σ in_l·out_l</c>. BP: forward, the weight
    /// gradients (another F) and the input gradients of every layer but the first. DFA: forward, weight gradients and
    /// the feedback projections <c>2·e·Σ n_l</c>; no input gradients at all.
    /// </summary>
    public static double FlopsPerSample(TrainingAlgorithmKind algorithm, int inputs, IReadOnlyList<int> hidden, int classes)
    {
        int[] widths = [inputs, .. hidden, classes];
        double forward = 0;
        for (int l = 0; l + 1 < widths.Length; l++)
        {
            forward += 2.0 * widths[l] * widths[l + 1];
        }

        double firstLayer = 2.0 * widths[0] * widths[1];
        return algorithm == TrainingAlgorithmKind.Bp
            ? (3 * forward) - firstLayer
            : (2 * forward) + (2.0 * classes * hidden.Sum());
    }

    /// <summary>Samples per second of training steps, the best of a few timed runs of at least <paramref name="minSeconds"/> each.</summary>
    public static double Measure(TrainingAlgorithmKind algorithm, int threads, int batch, double minSeconds, FeedbackBackendRegistry registry) =>
        MeasureSteps(algorithm, threads, batch, minSeconds, registry).SamplesPerSecond;

    /// <summary>
    /// Times training steps in three runs of at least <paramref name="minSeconds"/> each (after 20 warm-up steps):
    /// samples per second of the best run (the mean step of that run), the fastest single step, and the steps timed.
    /// </summary>
    public static StepTimes MeasureSteps(TrainingAlgorithmKind algorithm, int threads, int batch, double minSeconds, FeedbackBackendRegistry registry) =>
        MeasureSteps(MlpConfig(algorithm, threads, batch), minSeconds, registry);

    /// <summary>The survey's MLP as the bench trains it: 784-800-800-10 tanh, Adam at 1e-4.</summary>
    public static TrainConfig MlpConfig(TrainingAlgorithmKind algorithm, int threads, int batch) =>
        new()
        {
            Algorithm = algorithm,
            Optimizer = OptimizerKind.Adam,
            LearningRate = 1e-4,
            BatchSize = batch,
            Threads = threads,
            Model = new ModelConfig { Hidden = [800, 800], Activation = ActivationKind.Tanh },
        };

    /// <summary>
    /// <see cref="MeasureSteps(TrainingAlgorithmKind, int, int, double, FeedbackBackendRegistry)"/> for any config of
    /// MNIST-shaped inputs (784 features, 10 classes) on random data: warm-up steps for at least half of
    /// <paramref name="minSeconds"/> (2 to 20 steps), then three timed runs.
    /// </summary>
    public static StepTimes MeasureSteps(TrainConfig config, double minSeconds, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        int batch = config.BatchSize;
        Dataset data = RandomData(4096, "bench");
        TrainingSetup setup = TrainingSetup.Build(config, data.Features, data.Classes, registry);
        int[] order = Enumerable.Range(0, data.Count).ToArray();
        int batches = data.Count / batch;

        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 20 && (i < 2 || warm.Elapsed.TotalSeconds < minSeconds / 2); i++)
        {
            setup.Trainer.Step(data, order.AsSpan((i % batches) * batch, batch));
        }

        double best = 0, fastest = double.MaxValue;
        long total = 0;
        for (int trial = 0; trial < 3; trial++)
        {
            long steps = 0;
            long start = Stopwatch.GetTimestamp();
            double elapsed;
            do
            {
                long stepStart = Stopwatch.GetTimestamp();
                setup.Trainer.Step(data, order.AsSpan((int)(steps % batches) * batch, batch));
                fastest = Math.Min(fastest, Stopwatch.GetElapsedTime(stepStart).TotalSeconds);
                steps++;
                elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
            }
            while (elapsed < minSeconds);
            best = Math.Max(best, steps * batch / elapsed);
            total += steps;
        }

        return new StepTimes(best, fastest, total);
    }

    /// <summary>
    /// GEMM FLOPs per training sample of <paramref name="network"/> (2 per multiply-add), convolutions counted as the
    /// GEMMs they are (<c>out_c × in_c·k² × out_h·out_w</c> multiply-adds each way), plus the FC layers. BP: forward,
    /// weight gradients (another forward's worth) and the input gradients of every trained layer but the first.
    /// DFA: forward, weight gradients and the feedback projections <c>2·e·Σ n_l</c> onto the feedback blocks.
    /// </summary>
    public static double FlopsPerSample(TrainingAlgorithmKind algorithm, Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        double forward = 0, first = -1;
        foreach (ILayer layer in network.Blocks.SelectMany(b => b.Layers))
        {
            double macs = layer switch
            {
                Linear linear => (double)linear.InputSize * linear.OutputSize,
                Conv2d conv => (double)conv.OutputShape.Size * conv.InputShape.Channels * conv.Kernel * conv.Kernel,
                _ => 0,
            };
            forward += macs;
            if (first < 0 && macs > 0)
            {
                first = macs;
            }
        }

        return algorithm == TrainingAlgorithmKind.Bp
            ? 2 * ((3 * forward) - first)
            : 2 * ((2 * forward) + ((double)network.OutputSize * network.FeedbackBlocks.Sum(b => (double)b.OutputSize)));
    }

    /// <summary>Random MNIST-shaped data: N(0, 1) features, uniform labels, seeded.</summary>
    public static Dataset RandomData(int samples, string name)
    {
        const int inputs = 784, classes = 10;
        var rng = new Rng(12345);
        var features = new float[samples * inputs];
        var labels = new int[samples];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = (float)rng.NextGaussian();
        }

        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = rng.NextInt(classes);
        }

        return new Dataset(name, inputs, classes, features, labels);
    }
}

/// <summary>What <see cref="TrainingStepBench.MeasureSteps(TrainConfig, double, FeedbackBackendRegistry)"/> timed.</summary>
/// <param name="SamplesPerSecond">Samples per second of the best run (its mean step).</param>
/// <param name="FastestStepSeconds">The fastest single step of all runs.</param>
/// <param name="Steps">Steps timed in all runs.</param>
public sealed record StepTimes(double SamplesPerSecond, double FastestStepSeconds, long Steps);
