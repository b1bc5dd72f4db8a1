using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Training;

namespace Dfa.Runs.Bench;

/// <summary>The bench's <c>train</c> suite: whole training steps and the epoch loop, each against a baseline measured in the same run.</summary>
public static class TrainingSuite
{
    /// <summary>
    /// Issue 16's goals for a training step as a fraction of its GEMM-bound rate: the MLP's DFA ≥ 0.65 and BP ≥ 0.60 on
    /// 2 threads, ≥ 0.80 and ≥ 0.75 on 1; the CNN's ≥ 0.65 on 2 threads.
    /// </summary>
    private static BenchGoal? StepGoal(bool cnn, TrainingAlgorithmKind algorithm, int threads) => (cnn, algorithm == TrainingAlgorithmKind.Dfa, threads) switch
    {
        (false, true, 2) => new BenchGoal(OnRatio: true, 0.65),
        (false, false, 2) => new BenchGoal(OnRatio: true, 0.60),
        (false, true, 1) => new BenchGoal(OnRatio: true, 0.80),
        (false, false, 1) => new BenchGoal(OnRatio: true, 0.75),
        (true, _, 2) => new BenchGoal(OnRatio: true, 0.65),
        _ => null,
    };

    /// <summary>
    /// Training steps of the MLP (784-800-800-10 tanh) and of the MNIST CNN of <c>configs/cnn/</c> (batch 128, Adam;
    /// DFA with the registry's default backend) against their GEMM-bound rates, <paramref name="gemmRate"/> (FLOP/s at a
    /// thread count, measured in the same run; null leaves a line without a baseline), and <c>dfa train</c>'s epoch
    /// loop of the MLP's DFA config against its bare step (goal ≥ 0.90 on 2 threads).
    /// </summary>
    public static IReadOnlyList<BenchResult> Run(IReadOnlyList<int> threads, double seconds, Func<int, double?> gemmRate, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(threads);
        ArgumentNullException.ThrowIfNull(gemmRate);
        var results = new List<BenchResult>();
        var steps = new Dictionary<(bool Cnn, TrainingAlgorithmKind Algorithm, int Threads), double>();
        foreach (bool cnn in new[] { false, true })
        {
            foreach (TrainingAlgorithmKind algorithm in new[] { TrainingAlgorithmKind.Bp, TrainingAlgorithmKind.Dfa })
            {
                foreach (int t in threads)
                {
                    TrainConfig config = cnn ? CnnConfig(algorithm, t) : TrainingStepBench.MlpConfig(algorithm, t, batch: 128);
                    double flops = TrainingStepBench.FlopsPerSample(algorithm, NetworkBuilder.Build(config, 784, 10, config.Seed));
                    double samplesPerSecond = TrainingStepBench.MeasureSteps(config, 4 * seconds, registry).SamplesPerSecond;
                    steps[(cnn, algorithm, t)] = samplesPerSecond;
                    double? bound = gemmRate(t) is { } rate ? rate / flops : null;
                    string name = cnn ? "cnn.mnist.c32-c64-fc1024" : "784-800-800-10";
                    results.Add(new BenchResult(
                        $"train.{(algorithm == TrainingAlgorithmKind.Bp ? "bp" : "dfa")}.{name}.b128",
                        t, samplesPerSecond, "samples/s", bound, bound is > 0 ? samplesPerSecond / bound : null, StepGoal(cnn, algorithm, t)));
                }
            }
        }

        // One MNIST-sized epoch at the default window; the smallest windows (tests) take a few batches' worth.
        int samples = (int)Math.Clamp(200_000 * seconds, 2048, 60_000);
        foreach (int t in threads)
        {
            TrainConfig config = TrainingStepBench.MlpConfig(TrainingAlgorithmKind.Dfa, t, batch: 128);
            double loop = EpochLoopBench.Measure(config, samples, registry);
            double step = steps[(false, TrainingAlgorithmKind.Dfa, t)];
            results.Add(new BenchResult(
                "train.loop.dfa.784-800-800-10.b128", t, loop, "samples/s", step, loop / step, t == 2 ? new BenchGoal(OnRatio: true, 0.90) : null));
        }

        return results;
    }

    /// <summary>The MNIST CNN of <c>configs/cnn/</c>: conv 5×5 pad 2 (1→32, 32→64) with ReLU and 2×2 max pools, FC 3136→1024→10, Adam 1e-3.</summary>
    private static TrainConfig CnnConfig(TrainingAlgorithmKind algorithm, int threads) => new()
    {
        Algorithm = algorithm,
        Optimizer = OptimizerKind.Adam,
        LearningRate = 1e-3,
        BatchSize = 128,
        Threads = threads,
        Seed = 1,
        Model = new ModelConfig
        {
            InputShape = [1, 28, 28],
            Conv = [32, 64],
            ConvKernel = 5,
            ConvPadding = 2,
            Pool = 2,
            PoolKind = PoolKind.Max,
            Hidden = [1024],
            Activation = ActivationKind.Relu,
        },
        Feedback = new FeedbackConfig { Init = FeedbackInit.Gaussian },
    };
}
