namespace Dfa.Core.Networks;

/// <summary>What a <see cref="LayerSpec"/> computes.</summary>
public enum LayerKind
{
    /// <summary>Fully connected, <c>y = W·x + b</c>.</summary>
    Linear,

    /// <summary>2-D convolution with bias on NCHW rows.</summary>
    Conv2d,

    /// <summary>Max pooling: no weights, no MACs (its comparisons and gradient routing are not counted).</summary>
    MaxPool,

    /// <summary>Average pooling: no weights; priced like max pooling (its window adds are not counted).</summary>
    AvgPool,

    /// <summary>BatchNorm1d: <c>γ</c> and <c>β</c> per unit; fused into the layer before it for pricing.</summary>
    BatchNorm,

    /// <summary>LayerNorm: <c>γ</c> and <c>β</c> per unit; fused into the layer before it for pricing.</summary>
    LayerNorm,

    /// <summary>An element-wise activation (PReLU has one trainable slope); fused into the layer before it.</summary>
    Activation,

    /// <summary>Dropout: no parameters, no MACs; fused into the layer before it.</summary>
    Dropout,
}
