using System.Diagnostics;
using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Randomness;
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
    public static StepTimes MeasureSteps(TrainingAlgorithmKind algorithm, int threads, int batch, double minSeconds, FeedbackBackendRegistry registry)
    {
        var config = new TrainConfig
        {
            Algorithm = algorithm,
            Optimizer = OptimizerKind.Adam,
            LearningRate = 1e-4,
            BatchSize = batch,
            Threads = threads,
            Model = new ModelConfig { Hidden = [800, 800], Activation = ActivationKind.Tanh },
        };
        const int inputs = 784, classes = 10, samples = 4096;
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

        var data = new Dataset("bench", inputs, classes, features, labels);
        TrainingSetup setup = TrainingSetup.Build(config, inputs, classes, registry);
        int[] order = Enumerable.Range(0, samples).ToArray();
        int batches = samples / batch;

        for (int i = 0; i < 20; i++)
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
}

/// <summary>What <see cref="TrainingStepBench.MeasureSteps"/> timed.</summary>
/// <param name="SamplesPerSecond">Samples per second of the best run (its mean step).</param>
/// <param name="FastestStepSeconds">The fastest single step of all runs.</param>
/// <param name="Steps">Steps timed in all runs.</param>
public sealed record StepTimes(double SamplesPerSecond, double FastestStepSeconds, long Steps);
