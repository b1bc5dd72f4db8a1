using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// One differentiable stage of a network, working on row-major batches (one sample per row).
/// A layer keeps what its backward pass needs from the last <see cref="Forward"/>; it does not know which training
/// algorithm drives it.
/// </summary>
public interface ILayer
{
    /// <summary>Short lower-case kind, e.g. <c>linear</c>, <c>tanh</c>, <c>dropout</c>, <c>conv2d</c>, <c>maxpool2d</c>, <c>avgpool2d</c>, <c>flatten</c>.</summary>
    string Kind { get; }

    int InputSize { get; }

    int OutputSize { get; }

    /// <summary>Trainable tensors, empty for parameter-free layers.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// Computes the output for <paramref name="input"/> (batch × <see cref="InputSize"/>). The returned matrix is owned
    /// by the layer and is valid until the next call to <see cref="Forward"/>.
    /// </summary>
    Matrix Forward(Matrix input, bool training);

    /// <summary>
    /// Given dLoss/dOutput for the last forward batch, writes dLoss/dParameter into each parameter's
    /// <see cref="Parameter.Gradient"/> (overwriting it) and returns dLoss/dInput, or null when
    /// <paramref name="needInputGradient"/> is false (DFA's first layer of a block skips that product).
    /// The returned matrix is owned by the layer.
    /// </summary>
    Matrix? Backward(Matrix outputGradient, bool needInputGradient);
}
