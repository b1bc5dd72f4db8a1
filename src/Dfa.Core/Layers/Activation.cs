using System.Numerics.Tensors;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// The shared shape of every element-wise activation: forward is <c>y = f(x)</c>, backward is
/// <c>dx = f'(x) ⊙ dy</c>. A subclass gives <see cref="Apply"/> and <see cref="Derivative"/>; one with parameters
/// also overrides <see cref="Parameters"/> and <see cref="ComputeParameterGradients"/>. The layer keeps a reference to
/// its last input (the derivative of some activations needs it), which must not change between
/// <see cref="Forward"/> and <see cref="Backward"/>.
/// </summary>
public abstract class Activation : IActivation
{
    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive.</exception>
    protected Activation(int size)
    {
        LayerGuard.CheckSize(size, nameof(size));
        InputSize = size;
    }

    public abstract string Kind { get; }

    public int InputSize { get; }

    public int OutputSize => InputSize;

    public virtual IReadOnlyList<Parameter> Parameters => [];

    /// <summary>
    /// Threads the element-wise passes may use (set by the network builder); results do not depend on it: every
    /// element's arithmetic is the same wherever the chunks fall (see <see cref="ForEachChunk"/>).
    /// </summary>
    internal int Threads { get; set; } = 1;

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);
        if (!ForEachChunk(input.Length, (start, count) => Apply(input.Data.AsSpan(start, count), output.Data.AsSpan(start, count))))
        {
            Apply(input.Span, output.Span);
        }

        _input = input;
        return output;
    }

    public void WriteDerivative(Matrix destination)
    {
        LayerGuard.CheckDerivativeDestination(this, destination, _output);
        Derivative(_input!.Span, _output!.Span, destination.Span);
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        ComputeParameterGradients(_input!.Span, outputGradient.Span);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        LayerGuard.CheckDerivativeDestination(this, dx, _output);
        Matrix x = _input!, y = _output!;
        if (!ForEachChunk(dx.Length, (start, count) => InputGradient(x.Data.AsSpan(start, count), y.Data.AsSpan(start, count), outputGradient.Data.AsSpan(start, count), dx.Data.AsSpan(start, count))))
        {
            InputGradient(x.Span, y.Span, outputGradient.Span, dx.Span);
        }

        return dx;
    }

    /// <summary>
    /// Writes <c>dx = f'(x) ⊙ dy</c>. The default writes the derivative, then multiplies; an override may fuse the two
    /// into one pass, provided it rounds every intermediate exactly as the two passes would.
    /// </summary>
    protected virtual void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Derivative(x, y, dx);
        TensorPrimitives.Multiply(dx, dy, dx);
    }

    // Below 32 K elements a pass takes a few µs: not worth a fork-join.
    private const int MinParallelLength = 1 << 15;
    private const int ChunkAlign = 64;

    /// <summary>
    /// Runs <paramref name="body"/>(start, count) over chunks of [0, <paramref name="length"/>) on the worker pool and
    /// returns true, or returns false (nothing run) when the pass is too small or single-threaded. Chunks start at
    /// multiples of 64 elements and the last is never shorter than the others, so the vector kernels see every element
    /// at the same alignment and in the same body-or-tail part as in one whole-length call.
    /// </summary>
    private bool ForEachChunk(int length, Action<int, int> body)
    {
        int threads = Threads;
        if (threads == 1 || length < MinParallelLength)
        {
            return false;
        }

        int size = (((length / (4 * threads)) + ChunkAlign - 1) / ChunkAlign) * ChunkAlign;
        int chunks = Math.Max(1, length / size);
        WorkerPool.Run(chunks, threads, i =>
        {
            int start = i * size;
            body(start, i == chunks - 1 ? length - start : size);
        });
        return true;
    }

    /// <summary>Writes <c>y = f(x)</c>.</summary>
    protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);

    /// <summary>Writes <c>f'(x)</c> into <paramref name="d"/>, given the forward input and output.</summary>
    protected abstract void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, Span<float> d);

    /// <summary>Writes dLoss/dParameter for the last forward batch; parameter-free activations do nothing.</summary>
    protected virtual void ComputeParameterGradients(ReadOnlySpan<float> x, ReadOnlySpan<float> outputGradient)
    {
    }
}
