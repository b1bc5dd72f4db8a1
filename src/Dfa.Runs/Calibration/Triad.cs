using System.Numerics.Tensors;

namespace Dfa.Runs.Calibration;

/// <summary>
/// A STREAM-like triad <c>c[i] = a[i] + 1.5·b[i]</c> (after McCalpin's STREAM benchmark), counted as
/// <c>3 × 4</c> bytes per element (two reads, one write; write-allocate traffic not counted, as in STREAM). Each
/// thread owns a fixed contiguous chunk of the three arrays and repeats the triad over it, so arrays sized to a
/// cache level stay in that level between repetitions.
/// </summary>
public sealed class Triad
{
    /// <summary>Bytes one call should move at least, so the timer's resolution and the thread start-up do not matter.</summary>
    private const double MinBytesPerCall = 64.0 * 1024 * 1024;

    private readonly float[] _a;
    private readonly float[] _b;
    private readonly float[] _c;
    private readonly int _threads;
    private readonly int _passes;

    /// <param name="bytesPerArray">Size of each of the three float arrays.</param>
    /// <param name="threads">Threads, each on its own chunk.</param>
    public Triad(long bytesPerArray, int threads)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        long n = Math.Max(threads * 16L, bytesPerArray / sizeof(float));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, (long)Array.MaxLength);
        _a = new float[n];
        _b = new float[n];
        _c = new float[n];
        for (long i = 0; i < n; i++)
        {
            _a[i] = 1f;
            _b[i] = 2f;
        }

        _threads = threads;
        _passes = (int)Math.Max(1, Math.Ceiling(MinBytesPerCall / BytesPerPass));
    }

    /// <summary>Bytes of one pass over the arrays: <c>3 · 4 · n</c>.</summary>
    public double BytesPerPass => 3.0 * sizeof(float) * _a.Length;

    /// <summary>Bytes one <see cref="Run"/> counts.</summary>
    public double BytesPerCall => BytesPerPass * _passes;

    /// <summary>Total bytes of the three arrays.</summary>
    public long FootprintBytes => 3L * sizeof(float) * _a.Length;

    public void Run() =>
        Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, t =>
        {
            int n = _a.Length;
            int start = (int)((long)n * t / _threads);
            int end = (int)((long)n * (t + 1) / _threads);
            ReadOnlySpan<float> a = _a.AsSpan(start, end - start);
            ReadOnlySpan<float> b = _b.AsSpan(start, end - start);
            Span<float> c = _c.AsSpan(start, end - start);
            for (int p = 0; p < _passes; p++)
            {
                TensorPrimitives.MultiplyAdd(b, 1.5f, a, c);
            }
        });
}
