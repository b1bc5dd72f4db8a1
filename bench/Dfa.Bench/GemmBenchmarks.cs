using BenchmarkDotNet.Attributes;
using Dfa.Core.Tensors;

namespace Dfa.Bench;

/// <summary>
/// Our GEMM on the MLP shapes (784-800-800, batch 128) at 1 and 2 threads. The OpenBLAS comparison lives in
/// <c>dfa bench</c>, which runs the baseline in a clean child process; this class tracks our kernel alone.
/// </summary>
[MemoryDiagnoser]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    [Params("fwd1 128x784·784x800", "fwd2 128x800·800x800", "dW 800x128ᵀ·128x800")]
    public string Shape { get; set; } = "fwd1 128x784·784x800";

    [Params(1, 2)]
    public int Threads { get; set; }

    private (int M, int N, int K, Transpose TransA) Dims => Shape switch
    {
        "fwd1 128x784·784x800" => (128, 800, 784, Transpose.No),
        "fwd2 128x800·800x800" => (128, 800, 800, Transpose.No),
        _ => (800, 800, 128, Transpose.Yes),
    };

    [GlobalSetup]
    public void Setup()
    {
        (int m, int n, int k, _) = Dims;
        var rng = new Random(1);
        _a = Enumerable.Range(0, m * k).Select(_ => (rng.NextSingle() * 2f) - 1f).ToArray();
        _b = Enumerable.Range(0, k * n).Select(_ => (rng.NextSingle() * 2f) - 1f).ToArray();
        _c = new float[m * n];
    }

    [Benchmark]
    public void Multiply()
    {
        (int m, int n, int k, Transpose transA) = Dims;
        int lda = transA == Transpose.No ? k : m;
        Gemm.Multiply(transA, Transpose.No, m, n, k, 1f, _a, lda, _b, n, 0f, _c, n, Threads);
    }
}
