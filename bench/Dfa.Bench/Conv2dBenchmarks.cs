using BenchmarkDotNet.Attributes;
using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Bench;

/// <summary>
/// The MNIST CNN's feature extractor at batch 128: conv 1→32 (k5, p2) on 28×28, max-pool 2, conv 32→64 (k5, p2) on
/// 14×14, max-pool 2. The baseline is the first convolution alone (forward and ∂W, ∂b: the first layer never needs
/// ∂X), so the ratio says what the rest of the stack costs on top of it at the same thread count.
/// </summary>
[MemoryDiagnoser]
public class Conv2dBenchmarks
{
    private const int Batch = 128;
    private ILayer[] _layers = [];
    private Matrix _input = new(0, 0);
    private Matrix[] _gradients = [];

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _layers =
        [
            new Conv2d(1, 32, 28, 28, 5, rng, padding: 2, threads: Threads),
            new MaxPool2d(32, 28, 28, 2),
            new Conv2d(32, 64, 14, 14, 5, rng, padding: 2, threads: Threads),
            new MaxPool2d(64, 14, 14, 2),
        ];
        _input = Filled(Batch, 28 * 28, rng);
        _gradients = [.. _layers.Select(l => Filled(Batch, l.OutputSize, rng))];
    }

    [Benchmark(Baseline = true, Description = "conv1 fwd+bwd")]
    public void FirstConvolution()
    {
        _layers[0].Forward(_input, training: true);
        _layers[0].Backward(_gradients[0], needInputGradient: false);
    }

    [Benchmark(Description = "conv-pool-conv-pool fwd+bwd")]
    public void FeatureExtractor()
    {
        Matrix x = _input;
        foreach (ILayer layer in _layers)
        {
            x = layer.Forward(x, training: true);
        }

        Matrix g = _gradients[^1];
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            // Each layer gets the gradient the layer above handed down; only the top one is a stored random matrix.
            g = _layers[i].Backward(g, needInputGradient: i > 0) ?? g;
        }
    }

    private static Matrix Filled(int rows, int cols, Rng rng)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++)
        {
            m.Data[i] = (float)((2 * rng.NextDouble()) - 1);
        }

        return m;
    }
}
