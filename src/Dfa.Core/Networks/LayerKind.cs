namespace Dfa.Core.Networks;

/// <summary>What a <see cref="LayerSpec"/> computes.</summary>
/// <remarks>
/// The kinds after <see cref="Dropout"/> are <b>priced only</b>: the simulator prices networks built from them
/// (ResNet-50, BERT), but <see cref="Training.NetworkBuilder"/> cannot allocate them and refuses them by name.
/// </remarks>
public enum LayerKind
{
    /// <summary>Fully connected, <c>y = W·x + b</c>; with <see cref="LayerSpec.Positions"/> &gt; 1 applied at every position (token) with the same weights.</summary>
    Linear,

    /// <summary>2-D convolution on NCHW rows, with bias unless <see cref="LayerSpec.HasBias"/> is false.</summary>
    Conv2d,

    /// <summary>Max pooling: no weights, no MACs (its comparisons are element-wise work).</summary>
    MaxPool,

    /// <summary>Average pooling: no weights, no MACs (its window adds are element-wise work).</summary>
    AvgPool,

    /// <summary>BatchNorm1d: <c>γ</c> and <c>β</c> per unit; an element-wise layer after the layer before it.</summary>
    BatchNorm,

    /// <summary>LayerNorm: <c>γ</c> and <c>β</c> per unit (per feature when <see cref="LayerSpec.Positions"/> &gt; 1).</summary>
    LayerNorm,

    /// <summary>An element-wise activation (PReLU has one trainable slope).</summary>
    Activation,

    /// <summary>Dropout: no parameters, no MACs; one mask byte per element.</summary>
    Dropout,

    /// <summary>Priced only. BatchNorm2d: <c>γ</c> and <c>β</c> per channel of a <c>C×H×W</c> map, statistics over the batch and the map.</summary>
    BatchNorm2d,

    /// <summary>
    /// Priced only. The residual sum <c>y = x + s</c> of a block's main path <c>x</c> and its shortcut <c>s</c>: the
    /// block's input itself, or (<see cref="LayerSpec.Shortcut"/>) a bias-free 1×1 convolution of it followed by
    /// BatchNorm2d, whose MACs and parameters this layer carries.
    /// </summary>
    ResidualAdd,

    /// <summary>
    /// Priced only. Multi-head scaled dot-product attention over <see cref="LayerSpec.Positions"/> tokens: input the
    /// queries, keys and values (<c>3·S·d</c>), output <c>softmax(QKᵀ/√d_h + mask)·V</c> (<c>S·d</c>);
    /// <c>2·S²·d</c> MACs, scores and probabilities of <c>h·S²</c> elements, dropout on the probabilities.
    /// </summary>
    Attention,

    /// <summary>Priced only. Token, position and segment embeddings looked up and summed: <c>S</c> token ids in, <c>S·d</c> out, no MACs.</summary>
    Embedding,

    /// <summary>Priced only. Picks <c>M</c> of <see cref="LayerSpec.Positions"/> positions (BERT's [CLS] token, the masked tokens): <c>S·d</c> in, <c>M·d</c> out.</summary>
    Gather,
}
