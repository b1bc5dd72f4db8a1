using Dfa.Core.Layers;

namespace Dfa.Core.Networks;

/// <summary>A pooling window's geometry (no padding): input map, square window and stride.</summary>
public sealed record PoolShape(ImageShape Input, int Window, int Stride)
{
    /// <summary>The output map, <c>⌊(n − k)/s⌋ + 1</c> per side.</summary>
    /// <exception cref="ArgumentException">The window does not fit the input.</exception>
    public ImageShape Output(string kind) => new(
        Input.Channels,
        ImageShape.SlidingOutput(kind, Input.Height, "height", Window, Stride, 0),
        ImageShape.SlidingOutput(kind, Input.Width, "width", Window, Stride, 0));
}
