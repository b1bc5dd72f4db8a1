using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Average pooling over square <c>k×k</c> windows with stride <c>s</c> (default <c>k</c>), per channel:
/// <c>y[c, oh, ow] = (Σ_{i,j &lt; k} x[c, oh·s + i, ow·s + j]) / k²</c>, summed row-major in float32,
/// <c>Ho = ⌊(H − k)/s⌋ + 1</c>. There is no padding, so every window holds <c>k²</c> real elements and PyTorch's
/// <c>count_include_pad</c> question does not arise. Backward: <c>∂L/∂x += g / k²</c> over each window, in output order.
/// </summary>
public sealed class AvgPool2d : IImageLayer
{
    private readonly float _area;
    private Matrix? _output;
    private Matrix? _inputGradient;

    /// <param name="channels">Channels <c>C</c> (pooled separately).</param>
    /// <param name="height">Input height <c>H</c>.</param>
    /// <param name="width">Input width <c>W</c>.</param>
    /// <param name="kernel">Window side <c>k</c>.</param>
    /// <param name="stride">Step between windows; null means <paramref name="kernel"/> (PyTorch's default).</param>
    /// <exception cref="ArgumentOutOfRangeException">An extent, <paramref name="kernel"/> or <paramref name="stride"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The window is larger than the input.</exception>
    public AvgPool2d(int channels, int height, int width, int kernel, int? stride = null)
    {
        (InputShape, OutputShape, Stride) = ImageShape.Pooling(Kind, channels, height, width, kernel, stride);
        Kernel = kernel;
        _area = kernel * kernel;
    }

    public string Kind => "avgpool2d";

    public int InputSize => InputShape.Size;

    public int OutputSize => OutputShape.Size;

    public ImageShape InputShape { get; }

    public ImageShape OutputShape { get; }

    public int Kernel { get; }

    public int Stride { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, OutputSize);
        int width = InputShape.Width;
        for (int n = 0; n < input.Rows; n++)
        {
            ReadOnlySpan<float> x = input.Row(n);
            Span<float> y = output.Row(n);
            int j = 0;
            for (int c = 0; c < InputShape.Channels; c++)
            {
                int plane = c * InputShape.PlaneSize;
                for (int oh = 0; oh < OutputShape.Height; oh++)
                {
                    for (int ow = 0; ow < OutputShape.Width; ow++, j++)
                    {
                        int corner = plane + (oh * Stride * width) + (ow * Stride);
                        float sum = 0f;
                        for (int ki = 0; ki < Kernel; ki++)
                        {
                            int rowStart = corner + (ki * width);
                            for (int kj = 0; kj < Kernel; kj++)
                            {
                                sum += x[rowStart + kj];
                            }
                        }

                        y[j] = sum / _area;
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
        int width = InputShape.Width;
        for (int n = 0; n < outputGradient.Rows; n++)
        {
            ReadOnlySpan<float> g = outputGradient.Row(n);
            Span<float> d = dx.Row(n);
            int j = 0;
            for (int c = 0; c < InputShape.Channels; c++)
            {
                int plane = c * InputShape.PlaneSize;
                for (int oh = 0; oh < OutputShape.Height; oh++)
                {
                    for (int ow = 0; ow < OutputShape.Width; ow++, j++)
                    {
                        int corner = plane + (oh * Stride * width) + (ow * Stride);
                        float share = g[j] / _area;
                        for (int ki = 0; ki < Kernel; ki++)
                        {
                            int rowStart = corner + (ki * width);
                            for (int kj = 0; kj < Kernel; kj++)
                            {
                                d[rowStart + kj] += share;
                            }
                        }
                    }
                }
            }
        }

        return dx;
    }

    public override string ToString() => $"{Kind} {InputShape}→{OutputShape} k{Kernel} s{Stride}";
}
