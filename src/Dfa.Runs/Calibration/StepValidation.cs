using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Networks;
using Dfa.Runs.Bench;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Workloads;

namespace Dfa.Runs.Calibration;

/// <summary>One algorithm's predicted and measured seconds per training step.</summary>
/// <param name="Algorithm"><c>bp</c> or <c>dfa</c> (dense backend).</param>
/// <param name="Predicted">The cost model's step time on the profile.</param>
/// <param name="Measured">Mean seconds per step of real training steps (the best of three timed runs), as training sees it.</param>
/// <param name="Fastest">The fastest single step: the statistic to compare with a profile calibrated with <c>--statistic best</c>.</param>
/// <param name="Row">The priced row, for its phase breakdown.</param>
public sealed record StepComparison(string Algorithm, double Predicted, double Measured, double Fastest, MethodCost Row)
{
    /// <summary><c>(predicted − measured) / measured</c>, against the mean step.</summary>
    public double RelativeError => (Predicted - Measured) / Measured;

    /// <summary><c>(predicted − fastest) / fastest</c>.</summary>
    public double RelativeErrorToFastest => (Predicted - Fastest) / Fastest;
}

/// <summary>
/// The cost model against this machine: the MNIST MLP (784-800-800-10) at batch 128, priced on a profile for BP and
/// for DFA with the dense backend, and measured as real training steps (<see cref="TrainingStepBench.Measure"/>:
/// random data, tanh, Adam, the same thread count).
/// </summary>
public static class StepValidation
{
    public const int Batch = 128;

    /// <summary>The target: predicted within this fraction of measured.</summary>
    public const double Target = 0.25;

    /// <summary>What the cost model does not price (see <see cref="CostModel"/>'s remarks), as the report lists it.</summary>
    public static IReadOnlyList<string> LeftOut { get; } =
    [
        "overlap between phases (they are summed) and between compute and memory inside a phase beyond the roofline's max",
        "caches below the residence level: every byte is charged once at the level the working set fits in",
        "thread start-up and synchronisation per GEMM and per elementwise pass",
        "the softmax, the loss and the output error (O(batch·e), tiny here)",
        "data handling: gathering the batch's rows and labels from the dataset",
        "the activation's own forward evaluation (tanh) beyond its counted elementwise work",
    ];

    public static IReadOnlyList<StepComparison> Run(Prices prices, int threads, double seconds, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentNullException.ThrowIfNull(registry);
        NetworkSpec workload = WorkloadCatalog.MnistMlp(10);
        var results = new List<StepComparison>();
        foreach ((string name, TrainingAlgorithmKind kind) in new[] { ("bp", TrainingAlgorithmKind.Bp), ("dfa", TrainingAlgorithmKind.Dfa) })
        {
            MethodCost row = CostPlans.Price(kind == TrainingAlgorithmKind.Bp ? CostPlans.Bp : registry.Default.Name, workload, Batch, prices, registry, optimizer: OptimizerKind.Adam);
            StepTimes times = TrainingStepBench.MeasureSteps(kind, threads, Batch, seconds, registry);
            results.Add(new StepComparison(name, row.TimeSeconds, Batch / times.SamplesPerSecond, times.FastestStepSeconds, row));
        }

        return results;
    }
}
