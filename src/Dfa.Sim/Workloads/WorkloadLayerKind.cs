namespace Dfa.Sim.Workloads;

/// <summary>What a <see cref="WorkloadLayer"/> computes; it decides which of its work needs gradients.</summary>
public enum WorkloadLayerKind
{
    /// <summary>Fully connected: <c>y = W·x + b</c>, activation fused.</summary>
    Linear,

    /// <summary>2-D convolution, activation fused.</summary>
    Conv2d,

    /// <summary>Max pooling: no weights, no MACs; its backward only routes the gradient.</summary>
    MaxPool,

    /// <summary>Average pooling: no weights; priced like max pooling (its window adds are not counted).</summary>
    AvgPool,
}
