using System.Numerics.Tensors;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Fully connected layer <c>Y = X·Wᵀ + b</c>, with <c>W</c> stored out×in (PyTorch's layout, so checkpoints map one to
/// one). Backward: <c>∂L/∂W = δᵀ·X</c>, <c>∂L/∂b = Σ_rows δ</c>, <c>∂L/∂X = δ·W</c>. The layer keeps a reference to
/// its input (needed for <c>∂L/∂W</c>), which must not change between <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public sealed class Linear : ILayer
{
    private readonly int _threads;
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <summary>
    /// Initialises like PyTorch's <c>nn.Linear</c>: kaiming_uniform with <c>a = √5</c>, which reduces to
    /// <c>W ~ U(−1/√in, 1/√in)</c>, and <c>b ~ U(−1/√in, 1/√in)</c>; weight first, then bias, row by row from
    /// <paramref name="rng"/>.
    /// </summary>
    /// <param name="inputSize">Input features <c>in</c>.</param>
    /// <param name="outputSize">Output features <c>out</c>.</param>
    /// <param name="rng">Source of the initial values; consumed during construction only.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    /// <param name="bias">Whether the layer has <c>b</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or <paramref name="threads"/> is not positive.</exception>
    public Linear(int inputSize, int outputSize, Rng rng, int threads = 1, bool bias = true)
    {
        LayerGuard.CheckSize(inputSize, nameof(inputSize));
        LayerGuard.CheckSize(outputSize, nameof(outputSize));
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        InputSize = inputSize;
        OutputSize = outputSize;
        _threads = threads;

        double bound = 1.0 / Math.Sqrt(inputSize);
        Weight = new Parameter("weight", ParameterInit.Uniform(outputSize, inputSize, bound, rng), isWeight: true);
        if (bias)
        {
            Bias = new Parameter("bias", ParameterInit.Uniform(1, outputSize, bound, rng), isWeight: false);
            Parameters = [Weight, Bias];
        }
        else
        {
            Parameters = [Weight];
        }
    }

    public string Kind => "linear";

    public int InputSize { get; }

    public int OutputSize { get; }

    /// <summary><c>W</c>, out×in.</summary>
    public Parameter Weight { get; }

    /// <summary><c>b</c>, 1×out; null when built without bias.</summary>
    public Parameter? Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, OutputSize);
        float beta = 0f;
        if (Bias is not null)
        {
            // Seed every row with b and let the product accumulate onto it: one pass over Y instead of two.
            ReadOnlySpan<float> b = Bias.Value.Span;
            for (int i = 0; i < output.Rows; i++)
            {
                b.CopyTo(output.Row(i));
            }

            beta = 1f;
        }

        Gemm.Multiply(input, Transpose.No, Weight.Value, Transpose.Yes, output, 1f, beta, _threads);
        _input = input;
        return output;
    }

    // Below this many gradient elements the bias sums take a few µs: not worth a fork-join.
    private const int BiasParallelLength = 1 << 15;

    private static void SumRows(Matrix gradient, float[] sums, int c0, int c1)
    {
        Span<float> db = sums.AsSpan(c0, c1 - c0);
        db.Clear();
        for (int i = 0; i < gradient.Rows; i++)
        {
            TensorPrimitives.Add(db, gradient.Row(i).Slice(c0, c1 - c0), db);
        }
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        Gemm.Multiply(outputGradient, Transpose.Yes, _input!, Transpose.No, Weight.Gradient, 1f, 0f, _threads);
        if (Bias is not null)
        {
            // Column sums, rows added in order from 0: every column's sum is the same whichever chunk holds it.
            int columns = OutputSize;
            int pieces = _threads > 1 && (long)outputGradient.Length >= BiasParallelLength ? Math.Min(_threads * 2, (columns + 63) / 64) : 1;
            if (pieces == 1)
            {
                SumRows(outputGradient, Bias.Gradient.Data, 0, columns);
            }
            else
            {
                int width = (((columns + pieces - 1) / pieces) + 63) / 64 * 64;
                float[] db = Bias.Gradient.Data;
                WorkerPool.Run((columns + width - 1) / width, _threads, p => SumRows(outputGradient, db, p * width, Math.Min(columns, (p + 1) * width)));
            }
        }

        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        Gemm.Multiply(outputGradient, Transpose.No, Weight.Value, Transpose.No, dx, 1f, 0f, _threads);
        return dx;
    }
}
