using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
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
        if (Kernel == 2 && Stride == 2 && Avx2.IsSupported && OutputShape.Width >= Vector128<float>.Count)
        {
            PoolSample2x2(x, y, arg);
            return;
        }

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

    /// <summary>
    /// <see cref="PoolSample"/> for 2×2 windows with stride 2 (the MNIST CNN's pools), the same rule in the same window
    /// order: each input row pair is read as contiguous vectors and split into even and odd columns in registers
    /// (the general path gathers every stride-2 lane one by one, and runs scalar on outputs narrower than eight, like
    /// the 7-wide second pool). Eight outputs per step where the row has eight, else four; the last step of a row may
    /// overlap the one before it, recomputing the same outputs.
    /// </summary>
    private unsafe void PoolSample2x2(float* x, float* y, int* arg)
    {
        int width = InputShape.Width;
        int outWidth = OutputShape.Width;
        bool wide = outWidth >= Vector256<float>.Count;
        int lanes = wide ? Vector256<float>.Count : Vector128<float>.Count;
        for (int c = 0; c < InputShape.Channels; c++)
        {
            for (int oh = 0; oh < OutputShape.Height; oh++, y += outWidth, arg += outWidth)
            {
                int rowCorner = (c * InputShape.PlaneSize) + (2 * oh * width);
                for (int ow = 0; ow < outWidth; ow += lanes)
                {
                    ow = Math.Min(ow, outWidth - lanes);
                    int corner = rowCorner + (2 * ow);
                    if (wide)
                    {
                        Pool8(x, corner, width, y + ow, arg + ow);
                    }
                    else
                    {
                        Pool4(x, corner, width, y + ow, arg + ow);
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Pool8(float* x, int corner, int width, float* y, int* arg)
    {
        Vector256<int> even = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        Vector256<float> max = Vector256.Create(float.NegativeInfinity);
        Vector256<int> at = Vector256.Create(corner) + even;
        for (int ki = 0; ki < 2; ki++)
        {
            int row = corner + (ki * width);
            Vector256<float> lo = Vector256.Load(x + row);
            Vector256<float> hi = Vector256.Load(x + row + Vector256<float>.Count);

            // shufps picks lanes 0, 2 (0x88) or 1, 3 (0xDD) of each 128-bit half of lo and hi; vpermq puts the halves in order.
            Vector256<float> left = Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0x88).AsDouble(), 0xD8).AsSingle();
            Vector256<float> right = Avx2.Permute4x64(Avx.Shuffle(lo, hi, 0xDD).AsDouble(), 0xD8).AsSingle();
            Take(ref max, ref at, left, Vector256.Create(row) + even);
            Take(ref max, ref at, right, Vector256.Create(row + 1) + even);
        }

        max.Store(y);
        at.Store(arg);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Pool4(float* x, int corner, int width, float* y, int* arg)
    {
        Vector128<int> even = Vector128.Create(0, 2, 4, 6);
        Vector128<float> max = Vector128.Create(float.NegativeInfinity);
        Vector128<int> at = Vector128.Create(corner) + even;
        for (int ki = 0; ki < 2; ki++)
        {
            int row = corner + (ki * width);
            Vector128<float> lo = Vector128.Load(x + row);
            Vector128<float> hi = Vector128.Load(x + row + Vector128<float>.Count);
            Vector128<float> left = Sse.Shuffle(lo, hi, 0x88);
            Vector128<float> right = Sse.Shuffle(lo, hi, 0xDD);
            Vector128<float> take = Vector128.GreaterThan(left, max) | ~Vector128.Equals(left, left);
            max = Vector128.ConditionalSelect(take, left, max);
            at = Vector128.ConditionalSelect(take.AsInt32(), Vector128.Create(row) + even, at);
            take = Vector128.GreaterThan(right, max) | ~Vector128.Equals(right, right);
            max = Vector128.ConditionalSelect(take, right, max);
            at = Vector128.ConditionalSelect(take.AsInt32(), Vector128.Create(row + 1) + even, at);
        }

        max.Store(y);
        at.Store(arg);
    }

    /// <summary>The pooling rule on eight lanes: <paramref name="v"/> replaces the maximum where it is greater or NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(ref Vector256<float> max, ref Vector256<int> at, Vector256<float> v, Vector256<int> where)
    {
        Vector256<float> take = Vector256.GreaterThan(v, max) | ~Vector256.Equals(v, v);
        max = Vector256.ConditionalSelect(take, v, max);
        at = Vector256.ConditionalSelect(take.AsInt32(), where, at);
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
