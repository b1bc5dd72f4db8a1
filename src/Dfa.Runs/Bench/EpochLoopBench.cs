using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Runs.Files;
using Dfa.Runs.Training;

namespace Dfa.Runs.Bench;

/// <summary>
/// <c>dfa train</c>'s whole epoch loop, as a run folder sees it: <see cref="TrainingRun"/> with its observers
/// (TensorBoard events, alignment every <c>logging.alignment_every</c> steps, metrics) over one epoch of random
/// MNIST-shaped data, in training samples per second (the trainer's own clock, which leaves evaluation out). Read
/// against the bare training step of the same config, it shows what the loop around the step costs.
/// </summary>
public static class EpochLoopBench
{
    /// <summary>
    /// Training samples per second of the best of two one-epoch runs of <paramref name="config"/> (epochs forced to
    /// 1) on <paramref name="samples"/> random samples, in a temporary folder that is deleted afterwards.
    /// </summary>
    public static double Measure(TrainConfig config, int samples, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        TrainConfig run = config with { Epochs = 1 };
        Dataset train = TrainingStepBench.RandomData(samples, "bench-train");
        Dataset test = TrainingStepBench.RandomData(1000, "bench-test");
        string root = Path.Combine(Path.GetTempPath(), $"dfa-bench-loop-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            double best = 0;
            for (int trial = 0; trial < 2; trial++)
            {
                OutputFolder folder = OutputFolder.Claim(Path.Combine(root, $"run{trial}"));
                TrainingSetup setup = TrainingSetup.For(run, train, registry);
                var inputs = new RunInputs(run, "bench", setup, train, null, test, folder);
                RunOutcome outcome = TrainingRun.Execute(inputs, registry, null, null, CancellationToken.None);
                if (outcome.Result is { TrainSeconds: > 0 } result)
                {
                    best = Math.Max(best, result.SamplesTrained / result.TrainSeconds);
                }
            }

            return best;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is not worth failing the bench for.
            }
        }
    }
}
