using Dfa.Core.Layers;

namespace Dfa.Core.Networks;

/// <summary>
/// A pooling window's geometry: input map, square window, stride and zero padding (padding is priced only: the
/// pooling layers <see cref="Training.NetworkBuilder"/> allocates have none).
/// </summary>
public sealed record PoolShape(ImageShape Input, int Window, int Stride, int Padding = 0)
{
    /// <summary>The output map, <c>⌊(n + 2p − k)/s⌋ + 1</c> per side.</summary>
    /// <exception cref="ArgumentException">The window does not fit the padded input.</exception>
    public ImageShape Output(string kind) => new(
        Input.Channels,
        ImageShape.SlidingOutput(kind, Input.Height, "height", Window, Stride, Padding),
        ImageShape.SlidingOutput(kind, Input.Width, "width", Window, Stride, Padding));
}
