using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Max pooling over square <c>k×k</c> windows with stride <c>s</c> (default <c>k</c>) and no padding, per channel:
/// <c>y[c, oh, ow] = max_{i,j &lt; k} x[c, oh·s + i, ow·s + j]</c>, <c>Ho = ⌊(H − k)/s⌋ + 1</c>. Like PyTorch, the
/// window is scanned row-major and a value replaces the running maximum only when strictly greater (or NaN), so ties
/// go to the first maximum and a NaN propagates. Backward routes each output gradient to the input element that won
/// (<c>∂L/∂x[argmax] += g</c>, in output order where overlapping windows share a winner).
/// </summary>
public sealed class MaxPool2d : IImageLayer
{
    private int[] _argmax = [];
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <param name="channels">Channels <c>C</c> (pooled separately).</param>
    /// <param name="height">Input height <c>H</c>.</param>
    /// <param name="width">Input width <c>W</c>.</param>
    /// <param name="kernel">Window side <c>k</c>.</param>
    /// <param name="stride">Step between windows; null means <paramref name="kernel"/> (PyTorch's default).</param>
    /// <exception cref="ArgumentOutOfRangeException">An extent, <paramref name="kernel"/> or <paramref name="stride"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The window is larger than the input.</exception>
    public MaxPool2d(int channels, int height, int width, int kernel, int? stride = null)
    {
        (InputShape, OutputShape, Stride) = ImageShape.Pooling(Kind, channels, height, width, kernel, stride);
        Kernel = kernel;
    }

    public string Kind => "maxpool2d";

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public ImageShape InputShape { get; }

    public ImageShape OutputShape { get; }

    public int Kernel { get; }

    public int Stride { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>
    /// For the last forward batch, output element <c>(n, j)</c>'s winner as a column of the input row, at
    /// <c>n·OutputSize + j</c>.
    /// </summary>
    public ReadOnlySpan<int> ArgMax => _argmax.AsSpan(0, (_output?.Rows ?? 0) * OutputSize);

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, OutputSize);
        if (_argmax.Length < output.Length)
        {
            _argmax = new int[output.Length];
        }

        int[] argmax = _argmax;
        SampleRanges.Run(input.Rows, Threads, (n0, n1) =>
        {
            unsafe
            {
                fixed (float* x = input.Data)
                fixed (float* y = output.Data)
                fixed (int* arg = argmax)
                {
                    for (int n = n0; n < n1; n++)
                    {
                        PoolSample(x + ((nint)n * InputSize), y + ((nint)n * OutputSize), arg + ((nint)n * OutputSize));
                    }
                }
            }
        });

        return output;
    }

    /// <summary>Threads the passes may use, over samples (set by the network builder); results do not depend on it.</summary>
    internal int Threads { get; set; } = 1;

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        int[] argmax = _argmax;
        SampleRanges.Run(outputGradient.Rows, Threads, (n0, n1) =>
        {
            for (int n = n0; n < n1; n++)
            {
                ReadOnlySpan<float> g = outputGradient.Row(n);
                Span<float> d = dx.Row(n);
                d.Clear();
                ReadOnlySpan<int> arg = argmax.AsSpan(n * OutputSize, OutputSize);
                for (int j = 0; j < g.Length; j++)
                {
                    d[arg[j]] += g[j];
                }
            }
        });

        return dx;
    }

    /// <remarks>
    /// The selection is written as masks rather than branches: on real data which element of a window wins is a coin
    /// toss, and the mispredicted branches made the MNIST CNN's first pool 2.7× slower on random inputs than on
    /// constant ones. The masks reproduce the branchy rule exactly, signed zeros and NaN payloads included. The loop
    /// runs window offset by window offset across a whole output row, eight windows per vector, so neighbouring
    /// windows are independent lanes instead of one serial chain each.
    /// </remarks>
    private unsafe void PoolSample(float* x, float* y, int* arg)
    {
        int width = InputShape.Width;
        int planeSize = InputShape.PlaneSize;
        int outHeight = OutputShape.Height;
        int outWidth = OutputShape.Width;
        int kernel = Kernel;
        int stride = Stride;
        int lanes = Vector256<float>.Count;
        bool vectorized = Vector256.IsHardwareAccelerated && outWidth >= lanes;
        Vector256<int> laneOffsets = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7) * stride;
        for (int c = 0; c < InputShape.Channels; c++)
        {
            for (int oh = 0; oh < outHeight; oh++, y += outWidth, arg += outWidth)
            {
                int rowCorner = (c * planeSize) + (oh * stride * width);
                for (int ow = 0; ow < outWidth; ow++)
                {
                    y[ow] = float.NegativeInfinity;
                    arg[ow] = rowCorner + (ow * stride);
                }

                for (int ki = 0; ki < kernel; ki++)
                {
                    for (int kj = 0; kj < kernel; kj++)
                    {
                        int offset = rowCorner + (ki * width) + kj;
                        if (vectorized)
                        {
                            // The last block may overlap the one before it: applying one window offset twice changes
                            // nothing (the value is no longer greater; a NaN takes the same place again).
                            for (int ow = 0; ow < outWidth; ow += lanes)
                            {
                                ow = Math.Min(ow, outWidth - lanes);
                                Update(x, y + ow, arg + ow, offset + (ow * stride), stride, laneOffsets);
                            }

                            continue;
                        }

                        for (int ow = 0; ow < outWidth; ow++)
                        {
                            int at = offset + (ow * stride);
                            float v = x[at];
                            int mask = -((v > y[ow] ? 1 : 0) | (float.IsNaN(v) ? 1 : 0));
                            int* yBits = (int*)y;
                            yBits[ow] = (BitConverter.SingleToInt32Bits(v) & mask) | (yBits[ow] & ~mask);
                            arg[ow] = (at & mask) | (arg[ow] & ~mask);
                        }
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Update(float* x, float* y, int* arg, int at, int stride, Vector256<int> laneOffsets)
    {
        Vector256<float> v = stride == 1 ? Vector256.Load(x + at) : Gather(x + at, stride);
        Vector256<float> max = Vector256.Load(y);
        Vector256<float> take = Vector256.GreaterThan(v, max) | ~Vector256.Equals(v, v);
        Vector256.ConditionalSelect(take, v, max).Store(y);
        Vector256.ConditionalSelect(take.AsInt32(), Vector256.Create(at) + laneOffsets, Vector256.Load(arg)).Store(arg);
    }

    private static unsafe Vector256<float> Gather(float* x, int stride) => Vector256.Create(
        x[0], x[stride], x[2 * stride], x[3 * stride], x[4 * stride], x[5 * stride], x[6 * stride], x[7 * stride]);

    public override string ToString() => $"{Kind} {InputShape}→{OutputShape} k{Kernel} s{Stride}";
}
