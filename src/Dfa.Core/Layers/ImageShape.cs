namespace Dfa.Core.Layers;

/// <summary>
/// The per-sample shape <c>C×H×W</c> of an image batch. A sample is one matrix row holding the tensor flattened
/// channel-major (PyTorch's NCHW order per sample): element <c>(c, h, w)</c> sits at column <c>(c·H + h)·W + w</c>,
/// so a layer's <see cref="ILayer.InputSize"/> is <see cref="Size"/>. Spatial layers expose the shapes on both sides
/// so a network builder can chain them and check every joint.
/// </summary>
public sealed record ImageShape
{
    /// <exception cref="ArgumentOutOfRangeException">An extent is not positive.</exception>
    /// <exception cref="ArgumentException"><c>C·H·W</c> does not fit in an <see cref="int"/>.</exception>
    public ImageShape(int channels, int height, int width)
    {
        LayerGuard.CheckSize(channels, nameof(channels));
        LayerGuard.CheckSize(height, nameof(height));
        LayerGuard.CheckSize(width, nameof(width));
        if ((long)channels * height * width > int.MaxValue)
        {
            throw new ArgumentException($"An image of {channels}×{height}×{width} has more than {int.MaxValue} elements.", nameof(channels));
        }

        Channels = channels;
        Height = height;
        Width = width;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Elements per sample, <c>C·H·W</c>.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Elements per channel plane, <c>H·W</c>.</summary>
    public int PlaneSize => Height * Width;

    public override string ToString() => $"{Channels}×{Height}×{Width}";

    /// <summary>
    /// The output extent of a sliding window, <c>⌊(n + 2p − k)/s⌋ + 1</c> (PyTorch's floor mode), checked to be at
    /// least 1 so that a window that does not fit is reported at construction rather than as an empty tensor.
    /// </summary>
    internal static int SlidingOutput(string kind, int extent, string axis, int kernel, int stride, int padding)
    {
        long span = (long)extent + (2L * padding) - kernel;
        if (span < 0)
        {
            throw new ArgumentException(
                $"{kind}: a kernel of {kernel} does not fit the input {axis} {extent} with padding {padding} " +
                $"(needs {axis} + 2·padding ≥ kernel, got {extent + (2L * padding)} < {kernel}).", nameof(kernel));
        }

        return (int)((span / stride) + 1);
    }

    /// <summary>
    /// A pooling layer's geometry (no padding): checks the extents, kernel and stride (null: the kernel, PyTorch's
    /// default), and gives the input shape, the output shape and the stride. Shared by <see cref="MaxPool2d"/> and
    /// <see cref="AvgPool2d"/>; errors name the argument at fault.
    /// </summary>
    internal static (ImageShape Input, ImageShape Output, int Stride) Pooling(
        string kind, int channels, int height, int width, int kernel, int? stride)
    {
        LayerGuard.CheckSize(channels, nameof(channels));
        LayerGuard.CheckSize(height, nameof(height));
        LayerGuard.CheckSize(width, nameof(width));
        LayerGuard.CheckSize(kernel, nameof(kernel));
        int s = stride ?? kernel;
        LayerGuard.CheckSize(s, nameof(stride));
        var input = new ImageShape(channels, height, width);
        var output = new ImageShape(
            channels,
            SlidingOutput(kind, height, "height", kernel, s, 0),
            SlidingOutput(kind, width, "width", kernel, s, 0));
        return (input, output, s);
    }
}
