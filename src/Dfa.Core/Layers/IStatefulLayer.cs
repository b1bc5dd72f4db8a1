namespace Dfa.Core.Layers;

/// <summary>
/// A layer with non-trainable state that its outputs depend on (BatchNorm1d's running statistics). Kept apart from
/// <see cref="ILayer"/> so that parameter-only layers need not say "none": a saved model holds every
/// <see cref="Buffers"/> entry beside the parameters (see <c>weights.bin</c>).
/// </summary>
public interface IStatefulLayer : ILayer
{
    /// <summary>The layer's buffers, in a fixed order; names are layer-local until the network builder prefixes them.</summary>
    IReadOnlyList<LayerBuffer> Buffers { get; }
}
