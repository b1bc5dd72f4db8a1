namespace Dfa.Sim.Workloads;

/// <summary>A per-sample feature map, <c>Channels × Height × Width</c>, used to build convolutional workloads.</summary>
public sealed record ImageSize
{
    public ImageSize(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        Channels = channels;
        Height = height;
        Width = width;
        Elements = checked(channels * height * width);
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary><c>Channels·Height·Width</c>.</summary>
    public int Elements { get; }

    /// <summary>
    /// The map a sliding window produces: <c>⌊(side + 2·padding − kernel) / stride⌋ + 1</c> per side, with
    /// <paramref name="channels"/> channels.
    /// </summary>
    public ImageSize Window(int channels, int kernel, int stride, int padding)
    {
        int height = ((Height + (2 * padding) - kernel) / stride) + 1;
        int width = ((Width + (2 * padding) - kernel) / stride) + 1;
        if (Height + (2 * padding) < kernel || Width + (2 * padding) < kernel)
        {
            throw new ArgumentException(
                $"A {kernel}×{kernel} window with padding {padding} does not fit a {Height}×{Width} map.", nameof(kernel));
        }

        return new ImageSize(channels, height, width);
    }

    public override string ToString() => $"{Channels}×{Height}×{Width}";
}
