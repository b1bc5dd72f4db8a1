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
        LayerGuard.CheckSize(kernel, nameof(kernel));
        int s = stride ?? kernel;
        LayerGuard.CheckSize(s, nameof(stride));
        InputShape = new ImageShape(channels, height, width);
        OutputShape = new ImageShape(
            channels,
            ImageShape.SlidingOutput(Kind, height, "height", kernel, s, 0),
            ImageShape.SlidingOutput(Kind, width, "width", kernel, s, 0));
        Kernel = kernel;
        Stride = s;
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

        int width = InputShape.Width;
        int outHeight = OutputShape.Height;
        int outWidth = OutputShape.Width;
        for (int n = 0; n < input.Rows; n++)
        {
            ReadOnlySpan<float> x = input.Row(n);
            Span<float> y = output.Row(n);
            Span<int> arg = _argmax.AsSpan(n * OutputSize, OutputSize);
            int j = 0;
            for (int c = 0; c < InputShape.Channels; c++)
            {
                int plane = c * InputShape.PlaneSize;
                for (int oh = 0; oh < outHeight; oh++)
                {
                    for (int ow = 0; ow < outWidth; ow++, j++)
                    {
                        int corner = plane + (oh * Stride * width) + (ow * Stride);
                        int best = corner;
                        float max = float.NegativeInfinity;
                        for (int ki = 0; ki < Kernel; ki++)
                        {
                            int rowStart = corner + (ki * width);
                            for (int kj = 0; kj < Kernel; kj++)
                            {
                                float v = x[rowStart + kj];
                                if (v > max || float.IsNaN(v))
                                {
                                    max = v;
                                    best = rowStart + kj;
                                }
                            }
                        }

                        y[j] = max;
                        arg[j] = best;
                    }
                }
            }
        }

        return output;
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        dx.Clear();
        for (int n = 0; n < outputGradient.Rows; n++)
        {
            ReadOnlySpan<float> g = outputGradient.Row(n);
            Span<float> d = dx.Row(n);
            ReadOnlySpan<int> arg = _argmax.AsSpan(n * OutputSize, OutputSize);
            for (int j = 0; j < g.Length; j++)
            {
                d[arg[j]] += g[j];
            }
        }

        return dx;
    }

    public override string ToString() => $"{Kind} {InputShape}→{OutputShape} k{Kernel} s{Stride}";
}
