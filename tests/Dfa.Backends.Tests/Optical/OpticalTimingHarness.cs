using System.Diagnostics;
using Dfa.Backends.Optical;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Optical;

/// <summary>Throwaway timing (run by hand: <c>--filter Name~Timing</c>); asserts nothing about time.</summary>
[Explicit("timing harness")]
public sealed class OpticalTimingHarness
{
    [Test]
    public void Timing_GaussianGenerator()
    {
        var re = new float[256];
        var im = new float[256];
        for (int w = 0; w < 1000; w++)
        {
            KeyedGaussian.FillPairs((ulong)w, 0.7f, re, im);
        }

        var sw = Stopwatch.StartNew();
        const int Rounds = 100_000;
        for (int w = 0; w < Rounds; w++)
        {
            KeyedGaussian.FillPairs((ulong)w, 0.7f, re, im);
        }

        TestContext.Out.WriteLine($"FillPairs: {sw.Elapsed.TotalNanoseconds / (Rounds * 256.0):F2} ns per complex entry");
    }

    [TestCase(128, 1, false)]
    [TestCase(128, 1, true)]
    [TestCase(128, 2, false)]
    [TestCase(256, 2, false)]
    public void Timing_1000To8192(int batch, int threads, bool ideal)
    {
        var shape = new FeedbackShape(1000, [4096, 4096]);
        var options = new FeedbackConfig { Optical = ideal ? OpticalFeedbackConfig.Ideal : new OpticalFeedbackConfig() };
        var projector = new OpticalBackend().Create(shape, options, 1, threads);
        Matrix error = TestData.RandomMatrix(batch, 1000, seed: 1);
        Matrix[] signals = shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();
        projector.Project(error, signals);
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        const int Calls = 5;
        for (int k = 0; k < Calls; k++)
        {
            projector.Project(error, signals);
        }

        double perCall = sw.Elapsed.TotalSeconds / Calls;
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds / Calls;
        TestContext.Out.WriteLine(
            $"batch {batch}, threads {threads}, ideal {ideal}: {perCall * 1e3:F1} ms wall per call, {batch / perCall:F0} vectors/s; {cpu * 1e3:F1} ms CPU per call, {batch / cpu:F0} vectors per CPU-second");
    }

    [Test]
    public void Timing_GemmShare()
    {
        var a = new Matrix(256, 1000);
        for (int i = 0; i < a.Length; i++)
        {
            a.Data[i] = (i * 7 % 5) == 0 ? 1f : 0f;
        }

        var b = new float[256 * 256];
        var c = new float[256 * 256];
        var sw = Stopwatch.StartNew();
        for (int bc = 0; bc < 32; bc++)
        {
            for (int k0 = 0; k0 < 1000; k0 += 256)
            {
                int k = Math.Min(256, 1000 - k0);
                for (int rep = 0; rep < 2; rep++)
                {
                    Gemm.Multiply(Transpose.No, Transpose.No, 256, 256, k, 1f, a.Data.AsSpan(k0), 1000, b, 256, k0 == 0 ? 0f : 1f, c, 256);
                }
            }
        }

        TestContext.Out.WriteLine($"GEMM share of one 1000→8192 call at batch 128, 1 thread: {sw.Elapsed.TotalMilliseconds:F1} ms");
    }

    [Test]
    public void Timing_FieldKernelShare()
    {
        const int Frames = 256, Rows = 128, Width = 256, Stride = 272;
        var rng = new Dfa.Core.Randomness.Rng(1);
        var lit = new int[Frames * Rows];
        var first = new int[Frames];
        var last = new int[Frames];
        int n = 0;
        for (int r = 0; r < Frames; r++)
        {
            first[r] = n;
            for (int i = 0; i < Rows; i++)
            {
                if (rng.NextDouble() < 0.375)
                {
                    lit[n++] = i;
                }
            }

            last[r] = n;
        }

        var mre = new float[Rows * Stride];
        var mim = new float[Rows * Stride];
        var fre = new float[Frames * Width];
        var fim = new float[Frames * Width];
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (int rep = 0; rep < 32 * 8; rep++)
        {
            FieldKernel.AccumulateFrames(fre, fim, mre, mim, lit, first, last, Frames, 0, Width, Stride);
        }

        TestContext.Out.WriteLine(
            $"field kernel share of one 1000→8192 call at batch 128: {sw.Elapsed.TotalMilliseconds:F1} ms wall, {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds:F1} ms CPU");
    }
}
