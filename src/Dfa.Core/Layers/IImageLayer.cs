namespace Dfa.Core.Layers;

/// <summary>
/// A layer on image batches (one <see cref="ImageShape"/> tensor per row). The shapes on both sides let a network
/// builder chain convolutions and pools and name the joint that does not fit, which sizes alone cannot.
/// </summary>
public interface IImageLayer : ILayer
{
    ImageShape InputShape { get; }

    ImageShape OutputShape { get; }
}
