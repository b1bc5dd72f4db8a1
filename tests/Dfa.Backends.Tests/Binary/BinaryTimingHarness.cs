using System.Diagnostics;
using Dfa.Backends.Binary;
using Dfa.Backends.Dense;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Binary;

/// <summary>A throwaway Stopwatch comparison against the dense backend (run by hand; asserts nothing about time).</summary>
[Explicit("timing harness, run by hand")]
public sealed class BinaryTimingHarness
{
    [TestCase(1, 2)]
    [TestCase(128, 2)]
    [TestCase(1, 1)]
    [TestCase(128, 1)]
    public void CompareWithDense(int batch, int threads)
    {
        var shape = new FeedbackShape(1000, [4096, 4096]);
        Matrix error = TestData.RandomMatrix(batch, 1000, seed: 1);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        var backend = new BinaryBackend();
        IFeedbackProjector dense = new DenseBackend().Create(shape, new FeedbackConfig(), 1, threads);
        IFeedbackProjector binary = backend.Create(shape, new FeedbackConfig(), 1, threads);
        IFeedbackProjector ternary = backend.Create(shape, new FeedbackConfig { Binary = new() { Error = ErrorEncoding.Ternary } }, 1, threads);
        var scalar = (BinaryProjector)backend.Create(shape, new FeedbackConfig(), 1, threads);
        scalar.ForceScalar = true;

        string d = Median(dense, error, signals);
        string b = Median(binary, error, signals);
        string t = Median(ternary, error, signals);
        string s = batch == 1 ? Median(scalar, error, signals, 5) : "-";
        TestContext.Out.WriteLine(
            $"batch {batch}, threads {threads} (median / min of {Runs}, CPU ms per call): dense {d}, binary float {b}, ternary {t}, scalar float {s}");
    }

    private const int Runs = 21;

    private static string Median(IFeedbackProjector projector, Matrix error, Matrix[] signals, int runs = Runs)
    {
        for (int k = 0; k < 3; k++)
        {
            projector.Project(error, signals);
        }

        var times = new double[runs];
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
        for (int k = 0; k < runs; k++)
        {
            long start = Stopwatch.GetTimestamp();
            projector.Project(error, signals);
            times[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        double cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / runs;
        Array.Sort(times);
        return $"{times[runs / 2]:F3}/{times[0]:F3}/{cpuMs:F2}";
    }
}
