using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// 2-D convolution (PyTorch's cross-correlation) with a square kernel, one stride and one padding for both axes
/// (that covers the networks this toolkit trains; rectangular variants would only widen the constructor). Per sample,
/// <c>Y = W·col(X) + b</c>, where <c>col(X)</c> (im2col) is the <c>(C·k·k)×(Ho·Wo)</c> matrix whose column for an output
/// position holds the input window under it, zero where the window covers padding; <c>W</c> is
/// <c>outC×(inC·k·k)</c>, PyTorch's <c>outC×inC×k×k</c> weight flattened, so checkpoints map one to one.
/// Backward: <c>∂L/∂W = Σ_samples δ·colᵀ</c>, <c>∂L/∂b = Σ_samples Σ_positions δ</c>,
/// <c>∂L/∂X = col2im(Wᵀ·δ)</c>. Output extents are <c>Ho = ⌊(H + 2p − k)/s⌋ + 1</c> and likewise <c>Wo</c>.
/// </summary>
/// <remarks>
/// <para>
/// One GEMM per sample rather than one over a batched column matrix: <c>W·col</c> is written straight into the
/// sample's output row in NCHW order, where the batched product <c>W·[col₁ … col_N]</c> comes out as
/// <c>outC×(N·Ho·Wo)</c> and needs a transposing copy of the whole output. The per-sample products are also faster on
/// their own: on the MNIST CNN's second layer (64×800·800×196, batch 128, one thread) 128 of them took 40–65 ms
/// against 50–85 ms for the single 64×800·800×25088 product, because one sample's column matrix (627 KB) stays in
/// L2 while the batched one streams from memory. Samples are independent, so they are spread over threads with
/// single-threaded GEMMs; a batch too small to split hands the threads to the GEMM instead.
/// </para>
/// <para>
/// Determinism: each output, column and input-gradient element is computed by one thread in a fixed order. The
/// weight and bias gradients are summed over fixed groups of <see cref="SamplesPerGroup"/> samples (sample order
/// inside a group) and the group partials are then added in group order; the groups depend on the batch size
/// alone, so the bits are the same for any thread count.
/// </para>
/// <para>
/// The column matrices are rebuilt in backward rather than kept from forward: keeping them would hold
/// <c>N·C·k²·Ho·Wo</c> floats (80 MB for a 32→64, k = 5 layer on 14×14 at batch 128), while rebuilding one costs a
/// copy of <c>1/outC</c> of the GEMM's work. The layer keeps a reference to its input, which must not change between
/// <see cref="Forward"/> and <see cref="Backward(Matrix, bool)"/>. A 1×1 kernel with stride 1 and no padding skips im2col: the
/// input row already is the column matrix.
/// </para>
/// </remarks>
public sealed class Conv2d : IImageLayer
{
    /// <summary>Samples whose gradient contributions are summed into one partial before the partials are added.</summary>
    public const int SamplesPerGroup = 8;

    // Samples per product, forward and backward. Unlike SamplesPerGroup it does not decide any bits (every output element is the
    // same dot product whoever computes it), only speed: the MNIST CNN's forward at batch 128 on 2 threads took
    // conv1 2.8 / 2.8 / 2.9 / 3.8 ms and conv2 24.2 / 22.6 / 24.9 / 37.7 ms with 1 / 2 / 4 / 8 samples per product
    // (2-core EPYC VM, 1 MB L2 per core, every other process paused): eight samples' column matrices (5 MB on conv2) no longer stay in cache.
    private const int SamplesPerProduct = 2;

    // As in Gemm: waking a pool thread costs tens of µs, so a task should carry about 1 M multiply-adds.
    private const long MinWorkPerTask = 1L << 20;

    [ThreadStatic]
    private static float[]? t_columns;

    [ThreadStatic]
    private static float[]? t_columnGradient;

    [ThreadStatic]
    private static float[]? t_groupProduct;

    private readonly int _threads;
    private readonly int _kernel;
    private readonly int _stride;
    private readonly int _padding;
    private readonly int _columnRows;
    private readonly int _positions;
    private readonly bool _columnsAreInput;

    // For kernel offset j, the output positions whose window tap j lands inside the input (not in padding):
    // [lo, hi) along the rows (index ki) and along the columns (index kj).
    private readonly int[] _rowLo;
    private readonly int[] _rowHi;
    private readonly int[] _colLo;
    private readonly int[] _colHi;

    private Matrix? _input;
    private Matrix? _output;
    private Matrix? _inputGradient;
    private float[]? _partials;

    /// <summary>
    /// Initialises like PyTorch's <c>nn.Conv2d</c>: kaiming_uniform with <c>a = √5</c>, which reduces to
    /// <c>W ~ U(−1/√fan_in, 1/√fan_in)</c> with <c>fan_in = inC·k·k</c>, and <c>b ~ U(−1/√fan_in, 1/√fan_in)</c>;
    /// weight first, then bias, row by row from <paramref name="rng"/>.
    /// </summary>
    /// <param name="inChannels">Input channels <c>inC</c>.</param>
    /// <param name="outChannels">Output channels <c>outC</c>.</param>
    /// <param name="height">Input height <c>H</c>.</param>
    /// <param name="width">Input width <c>W</c>.</param>
    /// <param name="kernel">Kernel side <c>k</c>.</param>
    /// <param name="rng">Source of the initial values; consumed during construction only.</param>
    /// <param name="stride">Step <c>s</c> between windows, both axes.</param>
    /// <param name="padding">Zeros <c>p</c> added on every side.</param>
    /// <param name="threads">Maximum threads; results do not depend on it.</param>
    /// <param name="bias">Whether the layer has <c>b</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A channel count, extent, <paramref name="kernel"/>, <paramref name="stride"/> or <paramref name="threads"/> is
    /// not positive, or <paramref name="padding"/> is negative.
    /// </exception>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input (the output would be empty), or a size overflows.</exception>
    public Conv2d(
        int inChannels, int outChannels, int height, int width, int kernel, Rng rng,
        int stride = 1, int padding = 0, int threads = 1, bool bias = true)
    {
        LayerGuard.CheckSize(inChannels, nameof(inChannels));
        LayerGuard.CheckSize(outChannels, nameof(outChannels));
        LayerGuard.CheckSize(height, nameof(height));
        LayerGuard.CheckSize(width, nameof(width));
        LayerGuard.CheckSize(kernel, nameof(kernel));
        LayerGuard.CheckSize(stride, nameof(stride));
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        InputShape = new ImageShape(inChannels, height, width);
        int outHeight = ImageShape.SlidingOutput(Kind, height, "height", kernel, stride, padding);
        int outWidth = ImageShape.SlidingOutput(Kind, width, "width", kernel, stride, padding);
        OutputShape = new ImageShape(outChannels, outHeight, outWidth);
        long columnElements = (long)inChannels * kernel * kernel * outHeight * outWidth;
        if (columnElements > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{Kind}: the column matrix of {inChannels}·{kernel}²×{outHeight}·{outWidth} = {columnElements} elements is too large.",
                nameof(kernel));
        }

        _threads = threads;
        _kernel = kernel;
        _stride = stride;
        _padding = padding;
        _columnRows = inChannels * kernel * kernel;
        _positions = outHeight * outWidth;
        _columnsAreInput = kernel == 1 && stride == 1 && padding == 0;
        (_rowLo, _rowHi) = ValidRanges(height, outHeight);
        (_colLo, _colHi) = ValidRanges(width, outWidth);

        double bound = 1.0 / Math.Sqrt(_columnRows);
        Weight = new Parameter("weight", ParameterInit.Uniform(outChannels, _columnRows, bound, rng), isWeight: true);
        if (bias)
        {
            Bias = new Parameter("bias", ParameterInit.Uniform(1, outChannels, bound, rng), isWeight: false);
            Parameters = [Weight, Bias];
        }
        else
        {
            Parameters = [Weight];
        }
    }

    public string Kind => "conv2d";

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public ImageShape InputShape { get; }

    public ImageShape OutputShape { get; }

    public int Kernel => _kernel;

    public int Stride => _stride;

    public int Padding => _padding;

    /// <summary><c>W</c>, <c>outC×(inC·k·k)</c>; column <c>(c·k + i)·k + j</c> is PyTorch's <c>weight[:, c, i, j]</c>.</summary>
    public Parameter Weight { get; }

    /// <summary><c>b</c>, 1×outC; null when built without bias.</summary>
    public Parameter? Bias { get; }

    public IReadOnlyList<Parameter> Parameters { get; }

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, OutputSize);
        const int per = SamplesPerProduct;
        int groups = (input.Rows + per - 1) / per;
        int gemmThreads = Tasks(input.Rows, groups) == 1 ? _threads : 1;
        RunGroups(input.Rows, groups, g =>
        {
            int first = g * per, end = Math.Min(input.Rows, first + per);
            if (!_columnsAreInput)
            {
                ForwardGroup(input, output, first, end, gemmThreads);
                return;
            }

            for (int s = first; s < end; s++)
            {
                ForwardSample(input.Row(s), output.Row(s), gemmThreads);
            }
        });

        _input = input;
        return output;
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient) => Backward(outputGradient, needInputGradient, null);

    /// <summary>
    /// <see cref="Backward(Matrix, bool)"/> with <paramref name="inputGradientKernel"/> in place of <c>W</c> in the input
    /// gradient only: <c>∂L/∂X = col2im(Bᵀ·δ)</c>, the transposed convolution of <c>δ</c> with the kernel <c>B</c>
    /// (feedback alignment through a convolution). The weight and bias gradients are BP's. Null means <c>W</c>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="inputGradientKernel"/> does not have <see cref="Weight"/>'s shape.</exception>
    public Matrix? Backward(Matrix outputGradient, bool needInputGradient, Matrix? inputGradientKernel)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        if (inputGradientKernel is not null && !inputGradientKernel.SameShape(Weight.Value))
        {
            throw new ArgumentException(
                $"The input-gradient kernel is {inputGradientKernel.Rows}×{inputGradientKernel.Cols}; the weight is {Weight.Value.Rows}×{Weight.Value.Cols}.",
                nameof(inputGradientKernel));
        }

        Matrix kernel = inputGradientKernel ?? Weight.Value;
        Matrix input = _input!;
        int batch = outputGradient.Rows;
        int groups = GroupCount(batch);
        int outC = OutputShape.Channels;
        int weightSize = outC * _columnRows;
        int partialSize = weightSize + outC;
        if (_partials is null || _partials.Length < groups * partialSize)
        {
            _partials = new float[groups * partialSize];
        }

        float[] partials = _partials;
        Matrix? dx = needInputGradient ? Matrix.Ensure(ref _inputGradient, batch, InputSize) : null;
        int gemmThreads = Tasks(batch, groups) == 1 ? _threads : 1;
        RunGroups(batch, groups, g =>
        {
            Span<float> dw = partials.AsSpan(g * partialSize, weightSize);
            Span<float> db = partials.AsSpan((g * partialSize) + weightSize, outC);
            db.Clear();
            int first = g * SamplesPerGroup;
            if (!_columnsAreInput && _positions <= Gemm.MaxSliceWidth)
            {
                // In products of SamplesPerProduct samples (for the cache reason given there), each after the
                // first adding onto the group's partial: k is cut at sample boundaries either way, so the partial
                // is the same sample-by-sample sum, bit for bit.
                for (int sub = first, end = Math.Min(batch, first + SamplesPerGroup); sub < end; sub += SamplesPerProduct)
                {
                    BackwardGroup(input, outputGradient, kernel.Span, sub, Math.Min(end, sub + SamplesPerProduct), dw, db, dx, gemmThreads, accumulate: sub > first);
                }

                return;
            }

            for (int s = first, end = Math.Min(batch, first + SamplesPerGroup); s < end; s++)
            {
                BackwardSample(input.Row(s), outputGradient.Row(s), kernel.Span, dw, db, s == first, dx is null ? default : dx.Row(s), dx is not null, gemmThreads);
            }
        });

        // Group partials are added in group order, whichever thread produced them.
        Span<float> weightGradient = Weight.Gradient.Span;
        partials.AsSpan(0, weightSize).CopyTo(weightGradient);
        for (int g = 1; g < groups; g++)
        {
            TensorPrimitives.Add(weightGradient, partials.AsSpan(g * partialSize, weightSize), weightGradient);
        }

        if (Bias is not null)
        {
            Span<float> biasGradient = Bias.Gradient.Span;
            partials.AsSpan(weightSize, outC).CopyTo(biasGradient);
            for (int g = 1; g < groups; g++)
            {
                TensorPrimitives.Add(biasGradient, partials.AsSpan((g * partialSize) + weightSize, outC), biasGradient);
            }
        }

        return dx;
    }

    public override string ToString() =>
        $"{Kind} {InputShape}→{OutputShape} k{_kernel} s{_stride} p{_padding}{(Bias is null ? " no bias" : "")}";

    /// <summary>
    /// Samples [<paramref name="first"/>, <paramref name="end"/>) in one product: their column matrices side by side
    /// (K × G·P) times W, then each sample's block scattered into its output row. Every output element is the same
    /// k-long dot product, sliced the same way, as in one product per sample, so the bits do not change; W is packed
    /// once per group instead of once per sample and the product is G times wider.
    /// </summary>
    private void ForwardGroup(Matrix input, Matrix output, int first, int end, int gemmThreads)
    {
        int outC = OutputShape.Channels;
        int n = (end - first) * _positions;
        Span<float> columns = Rent(ref t_columns, _columnRows * n);
        for (int s = first; s < end; s++)
        {
            ImageToColumns(input.Row(s), columns[((s - first) * _positions)..], n);
        }

        Span<float> product = Rent(ref t_groupProduct, outC * n);
        float beta = 0f;
        if (Bias is not null)
        {
            ReadOnlySpan<float> b = Bias.Value.Span;
            for (int o = 0; o < outC; o++)
            {
                product.Slice(o * n, n).Fill(b[o]);
            }

            beta = 1f;
        }

        Gemm.Multiply(
            Transpose.No, Transpose.No, outC, n, _columnRows, 1f,
            Weight.Value.Span, _columnRows, columns, n, beta, product, n, gemmThreads);
        for (int s = first; s < end; s++)
        {
            Span<float> y = output.Row(s);
            for (int o = 0; o < outC; o++)
            {
                product.Slice((o * n) + ((s - first) * _positions), _positions).CopyTo(y.Slice(o * _positions, _positions));
            }
        }
    }

    /// <summary>
    /// The backward pass of samples [<paramref name="first"/>, <paramref name="end"/>) as three group-wide products:
    /// <c>dW = δ_G · cols_Gᵀ</c> (added onto <paramref name="dw"/> when <paramref name="accumulate"/>) with k cut at sample boundaries (<see cref="Gemm.MultiplySliced"/>), so it accumulates
    /// sample by sample exactly as one product per sample did; <c>cols′ = Kᵀ · δ_G</c> (<c>K</c> the input-gradient kernel:
    /// <c>W</c>, or feedback alignment's <c>B</c>), then col2im per sample. The bias
    /// sums stay per sample, in order.
    /// </summary>
    private void BackwardGroup(
        Matrix input, Matrix outputGradient, ReadOnlySpan<float> kernel, int first, int end, Span<float> dw, Span<float> db, Matrix? dx, int gemmThreads,
        bool accumulate)
    {
        int outC = OutputShape.Channels;
        int n = (end - first) * _positions;
        Span<float> columns = Rent(ref t_columns, _columnRows * n);
        Span<float> delta = Rent(ref t_groupProduct, outC * n);
        for (int s = first; s < end; s++)
        {
            ImageToColumns(input.Row(s), columns[((s - first) * _positions)..], n);
            ReadOnlySpan<float> d = outputGradient.Row(s);
            for (int o = 0; o < outC; o++)
            {
                d.Slice(o * _positions, _positions).CopyTo(delta.Slice((o * n) + ((s - first) * _positions), _positions));
            }

            if (Bias is not null)
            {
                for (int o = 0; o < outC; o++)
                {
                    db[o] += TensorPrimitives.Sum(d.Slice(o * _positions, _positions));
                }
            }
        }

        Gemm.MultiplySliced(
            Transpose.No, Transpose.Yes, outC, _columnRows, n, 1f,
            delta, n, columns, n, accumulate ? 1f : 0f, dw, _columnRows, _positions, gemmThreads);
        if (dx is null)
        {
            return;
        }

        Span<float> columnGradient = Rent(ref t_columnGradient, _columnRows * n);
        Gemm.Multiply(
            Transpose.Yes, Transpose.No, _columnRows, n, outC, 1f,
            kernel, _columnRows, delta, n, 0f, columnGradient, n, gemmThreads);
        for (int s = first; s < end; s++)
        {
            ColumnsToImage(columnGradient[((s - first) * _positions)..], dx.Row(s), n);
        }
    }

    private void ForwardSample(ReadOnlySpan<float> x, Span<float> y, int gemmThreads)
    {
        ReadOnlySpan<float> columns = Columns(x);
        int outC = OutputShape.Channels;
        float beta = 0f;
        if (Bias is not null)
        {
            // Seed every output plane with its bias and let the product accumulate onto it.
            ReadOnlySpan<float> b = Bias.Value.Span;
            for (int o = 0; o < outC; o++)
            {
                y.Slice(o * _positions, _positions).Fill(b[o]);
            }

            beta = 1f;
        }

        Gemm.Multiply(
            Transpose.No, Transpose.No, outC, _positions, _columnRows, 1f,
            Weight.Value.Span, _columnRows, columns, _positions, beta, y, _positions, gemmThreads);
    }

    private void BackwardSample(
        ReadOnlySpan<float> x, ReadOnlySpan<float> delta, ReadOnlySpan<float> kernel, Span<float> dw, Span<float> db, bool firstInGroup,
        Span<float> dx, bool needInputGradient, int gemmThreads)
    {
        int outC = OutputShape.Channels;
        ReadOnlySpan<float> columns = Columns(x);
        Gemm.Multiply(
            Transpose.No, Transpose.Yes, outC, _columnRows, _positions, 1f,
            delta, _positions, columns, _positions, firstInGroup ? 0f : 1f, dw, _columnRows, gemmThreads);
        if (Bias is not null)
        {
            for (int o = 0; o < outC; o++)
            {
                db[o] += TensorPrimitives.Sum(delta.Slice(o * _positions, _positions));
            }
        }

        if (!needInputGradient)
        {
            return;
        }

        if (_columnsAreInput)
        {
            Gemm.Multiply(
                Transpose.Yes, Transpose.No, _columnRows, _positions, outC, 1f,
                kernel, _columnRows, delta, _positions, 0f, dx, _positions, gemmThreads);
            return;
        }

        Span<float> columnGradient = Rent(ref t_columnGradient, _columnRows * _positions);
        Gemm.Multiply(
            Transpose.Yes, Transpose.No, _columnRows, _positions, outC, 1f,
            kernel, _columnRows, delta, _positions, 0f, columnGradient, _positions, gemmThreads);
        ColumnsToImage(columnGradient, dx);
    }

    private ReadOnlySpan<float> Columns(ReadOnlySpan<float> x)
    {
        if (_columnsAreInput)
        {
            return x;
        }

        Span<float> columns = Rent(ref t_columns, _columnRows * _positions);
        ImageToColumns(x, columns);
        return columns;
    }

    /// <summary>im2col: row <c>(c·k + ki)·k + kj</c>, column <c>oh·Wo + ow</c> holds <c>x[c, oh·s − p + ki, ow·s − p + kj]</c>, or 0 in the padding.</summary>
    /// <remarks>
    /// Pointers rather than spans: the copies are one output row long (14 floats on the MNIST CNN's second layer),
    /// and slicing and bounds checks per copy cost as much as the copy; the ranges are checked once, in the constructor.
    /// </remarks>
    private void ImageToColumns(ReadOnlySpan<float> x, Span<float> columns) => ImageToColumns(x, columns, _positions);

    /// <summary><see cref="ImageToColumns(ReadOnlySpan{float}, Span{float})"/> into rows <paramref name="ld"/> floats apart (a sample's block of a group's column matrix).</summary>
    private unsafe void ImageToColumns(ReadOnlySpan<float> x, Span<float> columns, int ld)
    {
        int width = InputShape.Width;
        int outWidth = OutputShape.Width;
        fixed (float* image = x)
        fixed (float* col = columns)
        {
            float* dst = col;
            for (int c = 0; c < InputShape.Channels; c++)
            {
                float* plane = image + ((nint)c * InputShape.PlaneSize);
                for (int ki = 0; ki < _kernel; ki++)
                {
                    for (int kj = 0; kj < _kernel; kj++, dst += ld)
                    {
                        int rowLo = _rowLo[ki];
                        int rowHi = _rowHi[ki];
                        int colLo = _colLo[kj];
                        int colHi = _colHi[kj];
                        if (rowLo >= rowHi || colLo >= colHi)
                        {
                            new Span<float>(dst, _positions).Clear();
                            continue;
                        }

                        new Span<float>(dst, rowLo * outWidth).Clear();
                        new Span<float>(dst + (rowHi * outWidth), (OutputShape.Height - rowHi) * outWidth).Clear();
                        for (int oh = rowLo; oh < rowHi; oh++)
                        {
                            float* d = dst + (oh * outWidth);
                            float* src = plane + ((((oh * _stride) - _padding + ki) * width) + kj - _padding);
                            for (int ow = 0; ow < colLo; ow++)
                            {
                                d[ow] = 0f;
                            }

                            if (_stride == 1)
                            {
                                CopyRow(src + colLo, d + colLo, colHi - colLo);
                            }
                            else
                            {
                                for (int ow = colLo; ow < colHi; ow++)
                                {
                                    d[ow] = src[ow * _stride];
                                }
                            }

                            for (int ow = colHi; ow < outWidth; ow++)
                            {
                                d[ow] = 0f;
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies <paramref name="count"/> floats between buffers that do not overlap: vector loads and stores, the last
    /// one overlapping the one before it, never touching a float outside either range. A memmove call per output row
    /// (14 floats on the MNIST CNN's second layer) cost more than the copy.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyRow(float* src, float* dst, int count)
    {
        int lanes = Vector256<float>.Count;
        if (!Vector256.IsHardwareAccelerated || count < lanes)
        {
            for (int i = 0; i < count; i++)
            {
                dst[i] = src[i];
            }

            return;
        }

        int last = count - lanes;
        for (int i = 0; i < last; i += lanes)
        {
            Vector256.Store(Vector256.Load(src + i), dst + i);
        }

        Vector256.Store(Vector256.Load(src + last), dst + last);
    }

    /// <summary>col2im: the adjoint of <see cref="ImageToColumns(ReadOnlySpan{float}, Span{float})"/>, adding every column entry back onto the input element it was copied from.</summary>
    private void ColumnsToImage(ReadOnlySpan<float> columns, Span<float> dx) => ColumnsToImage(columns, dx, _positions);

    /// <summary><see cref="ColumnsToImage(ReadOnlySpan{float}, Span{float})"/> from rows <paramref name="ld"/> floats apart.</summary>
    private unsafe void ColumnsToImage(ReadOnlySpan<float> columns, Span<float> dx, int ld)
    {
        dx.Clear();
        int width = InputShape.Width;
        int outWidth = OutputShape.Width;
        fixed (float* col = columns)
        fixed (float* image = dx)
        {
            float* src = col;
            for (int c = 0; c < InputShape.Channels; c++)
            {
                float* plane = image + ((nint)c * InputShape.PlaneSize);
                for (int ki = 0; ki < _kernel; ki++)
                {
                    for (int kj = 0; kj < _kernel; kj++, src += ld)
                    {
                        int colLo = _colLo[kj];
                        int colHi = _colHi[kj];
                        for (int oh = _rowLo[ki]; oh < _rowHi[ki]; oh++)
                        {
                            float* s = src + (oh * outWidth);
                            float* d = plane + ((((oh * _stride) - _padding + ki) * width) + kj - _padding);
                            for (int ow = colLo; ow < colHi; ow++)
                            {
                                d[ow * _stride] += s[ow];
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>For each kernel offset, the output range [lo, hi) whose tap at that offset lies inside the input: <c>0 ≤ o·s − p + j &lt; n</c>.</summary>
    private (int[] Lo, int[] Hi) ValidRanges(int extent, int outExtent)
    {
        int[] lo = new int[_kernel];
        int[] hi = new int[_kernel];
        for (int j = 0; j < _kernel; j++)
        {
            int first = _padding - j;
            lo[j] = first <= 0 ? 0 : Math.Min(outExtent, (first + _stride - 1) / _stride);
            int last = extent - 1 + _padding - j;
            hi[j] = last < 0 ? 0 : Math.Min(outExtent, (last / _stride) + 1);
        }

        return (lo, hi);
    }

    private static int GroupCount(int batch) => (batch + SamplesPerGroup - 1) / SamplesPerGroup;

    /// <summary>How many tasks a pass over <paramref name="batch"/> samples in <paramref name="groups"/> groups is worth.</summary>
    private int Tasks(int batch, int groups)
    {
        long work = (long)batch * OutputShape.Channels * _columnRows * _positions;
        return (int)Math.Clamp(work / MinWorkPerTask, 1, Math.Min(_threads, groups));
    }

    private void RunGroups(int batch, int groups, Action<int> body)
    {
        int tasks = Tasks(batch, groups);
        if (tasks == 1)
        {
            for (int g = 0; g < groups; g++)
            {
                body(g);
            }

            return;
        }

        WorkerPool.Run(groups, tasks, body);
    }

    /// <summary>A per-thread scratch buffer of at least <paramref name="count"/> floats; it only grows.</summary>
    private static Span<float> Rent(ref float[]? buffer, int count)
    {
        if (buffer is null || buffer.Length < count)
        {
            buffer = GC.AllocateUninitializedArray<float>(count);
        }

        return buffer.AsSpan(0, count);
    }
}
