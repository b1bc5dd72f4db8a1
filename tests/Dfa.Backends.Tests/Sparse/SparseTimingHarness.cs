using System.Diagnostics;
using Dfa.Backends.Dense;
using Dfa.Backends.Sparse;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Sparse;

/// <summary>Throwaway timing of the bench target (e = 1000, two layers of 4096, batch 128); prints, asserts nothing.</summary>
[Explicit("timing harness: run by hand")]
public sealed class SparseTimingHarness
{
    [Test]
    public void SparseVersusDense_BenchTarget()
    {
        var shape = new FeedbackShape(1000, [4096, 4096]);
        int batch = 128;
        Matrix error = TestData.RandomMatrix(batch, 1000, seed: 1);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        foreach (int threads in new[] { 1, 2 })
        {
            double dense = Median(new DenseBackend().Create(shape, new FeedbackConfig(), 1, threads), error, signals, 20);
            TestContext.Out.WriteLine($"dense            threads={threads}: {dense,9:F3} ms");
            foreach (int k in new[] { 1, 4 })
            {
                var options = new FeedbackConfig { Backend = "sparse", Sparse = new SparseFeedbackConfig { Connections = k } };
                var simd = (SparseProjector)new SparseBackend().Create(shape, options, 1, threads);
                var scalar = (SparseProjector)new SparseBackend().Create(shape, options, 1, threads);
                scalar.ForceScalar = true;
                double s = Median(simd, error, signals, 40);
                double sc = Median(scalar, error, signals, 20);
                TestContext.Out.WriteLine(
                    $"sparse k={k} simd   threads={threads}: {s,9:F3} ms  ({dense / s:F0}x dense); scalar {sc:F3} ms");
            }
        }
    }

    private static double Median(IFeedbackProjector projector, Matrix error, Matrix[] signals, int calls)
    {
        for (int i = 0; i < 3; i++)
        {
            projector.Project(error, signals);
        }

        var times = new double[calls];
        for (int i = 0; i < calls; i++)
        {
            long start = Stopwatch.GetTimestamp();
            projector.Project(error, signals);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        TestContext.Out.WriteLine($"    ({projector.Backend}: min {times[0]:F3} ms, median {times[calls / 2]:F3} ms of {calls})");
        return times[calls / 2];
    }
}
