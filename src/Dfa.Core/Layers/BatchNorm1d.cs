using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Batch normalisation over the batch dimension with PyTorch's <c>BatchNorm1d</c> semantics, per feature <c>j</c>:
/// <c>y = γ·x̂ + β</c>, <c>x̂ = (x − μ)/√(σ² + ε)</c>. In training <c>μ</c> and <c>σ²</c> are the batch mean and the
/// biased batch variance (divided by N), and the running statistics move by
/// <c>r_μ ← (1 − m)·r_μ + m·μ</c>, <c>r_σ² ← (1 − m)·r_σ² + m·σ²·N/(N − 1)</c> (the unbiased variance, as PyTorch).
/// In evaluation <c>μ = r_μ</c>, <c>σ² = r_σ²</c>. Training backward differentiates through the batch statistics:
/// <c>∂L/∂x = γ/(N·√(σ² + ε))·(N·g − Σg − x̂·Σ(g·x̂))</c>; <c>∂L/∂γ = Σ g·x̂</c>, <c>∂L/∂β = Σ g</c>.
/// γ (<c>weight</c>, init 1) and β (<c>bias</c>, init 0) are 1×size parameters with
/// <see cref="Parameter.IsWeight"/> false, so L1/L2 penalties leave them alone. Statistics are summed in double.
/// </summary>
public sealed class BatchNorm1d : IStatefulLayer
{
    private readonly float[] _mean;
    private readonly float[] _invStd;
    private readonly float[] _scratch;
    private readonly float[] _meanGradient;
    private readonly float[] _negMeanGradXhat;
    private readonly double[] _sum;
    private readonly double[] _sumProduct;
    private Matrix? _normalized;
    private Matrix? _output;
    private Matrix? _inputGradient;
    private bool _usedBatchStatistics;

    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="size"/> is not positive, <paramref name="eps"/> is not positive or <paramref name="momentum"/> is outside [0, 1].
    /// </exception>
    public BatchNorm1d(int size, double eps = 1e-5, double momentum = 0.1)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!(eps > 0 && double.IsFinite(eps)))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive and finite.");
        }

        if (!(momentum >= 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1].");
        }

        InputSize = size;
        Eps = eps;
        Momentum = momentum;
        var gamma = new Matrix(1, size);
        gamma.Span.Fill(1f);
        Weight = new Parameter("weight", gamma, isWeight: false);
        Bias = new Parameter("bias", new Matrix(1, size), isWeight: false);
        Parameters = [Weight, Bias];
        RunningMean = new Matrix(1, size);
        RunningVar = new Matrix(1, size);
        RunningVar.Span.Fill(1f);
        Buffers =
        [
            new LayerBuffer("running_mean", RunningMean),
            new LayerBuffer("running_var", RunningVar),
            new LayerBuffer("num_batches_tracked", () => NumBatchesTracked, v => NumBatchesTracked = v),
        ];
        _mean = new float[size];
        _invStd = new float[size];
        _scratch = new float[size];
        _meanGradient = new float[size];
        _negMeanGradXhat = new float[size];
        _sum = new double[size];
        _sumProduct = new double[size];
    }

    public string Kind => "batchnorm1d";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public double Eps { get; }

    public double Momentum { get; }

    /// <summary>γ, 1×size, initialised to 1.</summary>
    public Parameter Weight { get; }

    /// <summary>β, 1×size, initialised to 0.</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    /// <summary><c>running_mean</c>, 1×size, initialised to 0; updated by every training forward. Writable for checkpoint loading.</summary>
    public Matrix RunningMean { get; }

    /// <summary><c>running_var</c> (unbiased), 1×size, initialised to 1; updated by every training forward. Writable for checkpoint loading.</summary>
    public Matrix RunningVar { get; }

    /// <summary><c>num_batches_tracked</c>: training forwards so far (PyTorch checkpoints carry it).</summary>
    public long NumBatchesTracked { get; set; }

    /// <summary><c>running_mean</c>, <c>running_var</c> (float32, 1×size) and <c>num_batches_tracked</c> (int64), PyTorch's names.</summary>
    public IReadOnlyList<LayerBuffer> Buffers { get; }

    /// <exception cref="ArgumentException">Training with a batch of one row: the batch variance is undefined.</exception>
    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        int n = input.Rows;
        int d = InputSize;
        if (training && n <= 1)
        {
            throw new ArgumentException(
                $"Expected more than 1 value per channel when training, got input of size [{n}, {d}].", nameof(input));
        }

        if (training)
        {
            ComputeBatchStatistics(input);
        }
        else
        {
            RunningMean.Span.CopyTo(_mean);
            for (int j = 0; j < d; j++)
            {
                _invStd[j] = (float)(1.0 / Math.Sqrt(RunningVar.Data[j] + Eps));
            }
        }

        _usedBatchStatistics = training;
        Matrix normalized = Matrix.Ensure(ref _normalized, n, d);
        Matrix output = Matrix.Ensure(ref _output, n, d);
        ReadOnlySpan<float> gamma = Weight.Value.Span;
        ReadOnlySpan<float> beta = Bias.Value.Span;
        for (int i = 0; i < n; i++)
        {
            Span<float> xhat = normalized.Row(i);
            TensorPrimitives.Subtract(input.Row(i), _mean, xhat);
            TensorPrimitives.Multiply(xhat, _invStd, xhat);
            TensorPrimitives.FusedMultiplyAdd(xhat, gamma, beta, output.Row(i));
        }

        return output;
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        Matrix xhat = _normalized!;
        int n = outputGradient.Rows;
        int d = InputSize;
        Array.Clear(_sum);
        Array.Clear(_sumProduct);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> g = outputGradient.Row(i);
            ReadOnlySpan<float> h = xhat.Row(i);
            for (int j = 0; j < d; j++)
            {
                _sum[j] += g[j];
                _sumProduct[j] += (double)g[j] * h[j];
            }
        }

        Span<float> dGamma = Weight.Gradient.Span;
        Span<float> dBeta = Bias.Gradient.Span;
        for (int j = 0; j < d; j++)
        {
            dGamma[j] = (float)_sumProduct[j];
            dBeta[j] = (float)_sum[j];
        }

        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, n, d);
        ReadOnlySpan<float> gamma = Weight.Value.Span;
        Span<float> scale = _scratch;

        // scale = γ/√(σ² + ε): with running statistics they are constants and the gradient is just g·scale.
        TensorPrimitives.Multiply(gamma, _invStd, scale);
        if (!_usedBatchStatistics)
        {
            for (int i = 0; i < n; i++)
            {
                TensorPrimitives.Multiply(outputGradient.Row(i), scale, dx.Row(i));
            }

            return dx;
        }

        // dx = scale·(g − Σg/N − x̂·Σ(g·x̂)/N), row by row with per-feature vectors.
        float[] meanGradient = _meanGradient;
        float[] meanGradXhat = _negMeanGradXhat;
        for (int j = 0; j < d; j++)
        {
            meanGradient[j] = (float)(_sum[j] / n);
            meanGradXhat[j] = (float)(-_sumProduct[j] / n);
        }

        for (int i = 0; i < n; i++)
        {
            Span<float> row = dx.Row(i);
            TensorPrimitives.Subtract(outputGradient.Row(i), meanGradient, row);
            TensorPrimitives.FusedMultiplyAdd(xhat.Row(i), meanGradXhat, row, row);
            TensorPrimitives.Multiply(row, scale, row);
        }

        return dx;
    }

    private void ComputeBatchStatistics(Matrix input)
    {
        int n = input.Rows;
        int d = InputSize;

        // Two passes (mean, then squared deviations) in double: one-pass Σx² − N·μ² cancels badly for features
        // with a large mean.
        Array.Clear(_sum);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> x = input.Row(i);
            for (int j = 0; j < d; j++)
            {
                _sum[j] += x[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            _sum[j] /= n;
        }

        Array.Clear(_sumProduct);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> x = input.Row(i);
            for (int j = 0; j < d; j++)
            {
                double c = x[j] - _sum[j];
                _sumProduct[j] += c * c;
            }
        }

        Span<float> runningMean = RunningMean.Span;
        Span<float> runningVar = RunningVar.Span;
        double m = Momentum;
        for (int j = 0; j < d; j++)
        {
            double mean = _sum[j];
            double biased = _sumProduct[j] / n;
            double unbiased = _sumProduct[j] / (n - 1);
            _mean[j] = (float)mean;
            _invStd[j] = (float)(1.0 / Math.Sqrt(biased + Eps));
            runningMean[j] = (float)(((1 - m) * runningMean[j]) + (m * mean));
            runningVar[j] = (float)(((1 - m) * runningVar[j]) + (m * unbiased));
        }

        NumBatchesTracked++;
    }
}
