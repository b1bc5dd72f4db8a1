using Dfa.Core.Layers;

namespace Dfa.Core.Networks;

/// <summary>A square-kernel convolution's geometry: input map, output channels, kernel, stride and zero padding.</summary>
public sealed record ConvShape(ImageShape Input, int OutChannels, int Kernel, int Stride, int Padding)
{
    /// <summary>The output map, <c>⌊(n + 2p − k)/s⌋ + 1</c> per side.</summary>
    /// <exception cref="ArgumentException">The kernel does not fit the padded input.</exception>
    public ImageShape Output => new(
        OutChannels,
        ImageShape.SlidingOutput("conv2d", Input.Height, "height", Kernel, Stride, Padding),
        ImageShape.SlidingOutput("conv2d", Input.Width, "width", Kernel, Stride, Padding));
}
