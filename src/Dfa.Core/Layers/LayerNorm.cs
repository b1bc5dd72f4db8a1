using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Layer normalisation over the features of each sample (PyTorch's <c>LayerNorm(size)</c>), per row:
/// <c>y = γ ⊙ x̂ + β</c>, <c>x̂ = (x − μ)/√(σ² + ε)</c> with the row's mean <c>μ</c> and biased variance <c>σ²</c>;
/// the same in training and evaluation. Backward, with <c>ĝ = g ⊙ γ</c> and D features:
/// <c>∂L/∂x = (ĝ − mean(ĝ) − x̂·mean(ĝ ⊙ x̂))/√(σ² + ε)</c>; <c>∂L/∂γ = Σ_rows g ⊙ x̂</c>, <c>∂L/∂β = Σ_rows g</c>.
/// γ (<c>weight</c>, init 1) and β (<c>bias</c>, init 0) are 1×size parameters with
/// <see cref="Parameter.IsWeight"/> false. Statistics are summed in double.
/// </summary>
public sealed class LayerNorm : ILayer
{
    private readonly double[] _gammaGradient;
    private readonly double[] _betaGradient;
    private readonly float[] _scaledGradient;
    private float[] _invStd = [];
    private Matrix? _normalized;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> or <paramref name="eps"/> is not positive.</exception>
    public LayerNorm(int size, double eps = 1e-5)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!(eps > 0 && double.IsFinite(eps)))
        {
            throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive and finite.");
        }

        InputSize = size;
        Eps = eps;
        var gamma = new Matrix(1, size);
        gamma.Span.Fill(1f);
        Weight = new Parameter("weight", gamma, isWeight: false);
        Bias = new Parameter("bias", new Matrix(1, size), isWeight: false);
        Parameters = [Weight, Bias];
        _gammaGradient = new double[size];
        _betaGradient = new double[size];
        _scaledGradient = new float[size];
    }

    public string Kind => "layernorm";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public double Eps { get; }

    /// <summary>γ, 1×size, initialised to 1.</summary>
    public Parameter Weight { get; }

    /// <summary>β, 1×size, initialised to 0.</summary>
    public Parameter Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        int n = input.Rows;
        int d = InputSize;
        Matrix normalized = Matrix.Ensure(ref _normalized, n, d);
        Matrix output = Matrix.Ensure(ref _output, n, d);
        if (_invStd.Length < n)
        {
            _invStd = new float[n];
        }

        ReadOnlySpan<float> gamma = Weight.Value.Span;
        ReadOnlySpan<float> beta = Bias.Value.Span;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> x = input.Row(i);

            // Two passes in double: a one-pass Σx² − D·μ² cancels badly when the row mean is large.
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                sum += x[j];
            }

            double mean = sum / d;
            double squares = 0;
            for (int j = 0; j < d; j++)
            {
                double c = x[j] - mean;
                squares += c * c;
            }

            float invStd = (float)(1.0 / Math.Sqrt((squares / d) + Eps));
            _invStd[i] = invStd;
            Span<float> xhat = normalized.Row(i);
            TensorPrimitives.Subtract(x, (float)mean, xhat);
            TensorPrimitives.Multiply(xhat, invStd, xhat);
            TensorPrimitives.FusedMultiplyAdd(xhat, gamma, beta, output.Row(i));
        }

        return output;
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        Matrix normalized = _normalized!;
        int n = outputGradient.Rows;
        int d = InputSize;
        Array.Clear(_gammaGradient);
        Array.Clear(_betaGradient);
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> g = outputGradient.Row(i);
            ReadOnlySpan<float> xhat = normalized.Row(i);
            for (int j = 0; j < d; j++)
            {
                _gammaGradient[j] += (double)g[j] * xhat[j];
                _betaGradient[j] += g[j];
            }
        }

        Span<float> dGamma = Weight.Gradient.Span;
        Span<float> dBeta = Bias.Gradient.Span;
        for (int j = 0; j < d; j++)
        {
            dGamma[j] = (float)_gammaGradient[j];
            dBeta[j] = (float)_betaGradient[j];
        }

        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, n, d);
        ReadOnlySpan<float> gamma = Weight.Value.Span;
        Span<float> gh = _scaledGradient;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<float> xhat = normalized.Row(i);
            TensorPrimitives.Multiply(outputGradient.Row(i), gamma, gh);
            double sumG = 0;
            double sumGX = 0;
            for (int j = 0; j < d; j++)
            {
                sumG += gh[j];
                sumGX += (double)gh[j] * xhat[j];
            }

            Span<float> row = dx.Row(i);
            TensorPrimitives.Subtract(gh, (float)(sumG / d), row);
            TensorPrimitives.FusedMultiplyAdd(xhat, (float)(-sumGX / d), row, row);
            TensorPrimitives.Multiply(row, _invStd[i], row);
        }

        return dx;
    }
}
