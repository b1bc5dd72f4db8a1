using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Losses;
using Dfa.Core.Tensors;
using Dfa.Core.Training;

namespace Dfa.Core.Analysis;

/// <summary>Gradient alignment of one hidden block's Linear layer: DFA update vs true BP gradient, in degrees.</summary>
/// <param name="Block">The hidden block's name, e.g. <c>fc1</c>.</param>
/// <param name="WeightDegrees">Angle between the flattened weight gradients (NaN when either is all zeros).</param>
/// <param name="BiasDegrees">Angle between the bias gradients; NaN when the layer has no bias or either is all zeros.</param>
public readonly record struct LayerGradientAlignment(string Block, double WeightDegrees, double BiasDegrees);

/// <summary>
/// Gradient alignment (Nøkland 2016; Lillicrap et al. 2016): for each hidden block's Linear layer (its first Linear),
/// the angle <c>arccos(⟨g_dfa, g_bp⟩ / (|g_dfa|·|g_bp|))</c> between the DFA update and the true BP gradient of the
/// same weights on the same batch, over the flattened <c>∂L/∂W</c>; the bias gradients get their own angle.
/// </summary>
/// <remarks>
/// One forward pass in evaluation mode (<c>training: false</c>: dropout off and BatchNorm's running statistics, which
/// are therefore not updated), the Trainer's fused softmax cross-entropy for <c>e = dLoss/dlogits</c> (no L1/L2
/// penalty: the penalty's gradient is the same for BP and DFA and is not part of either learning signal), then
/// <see cref="Backpropagation.ComputeGradients"/> and <see cref="DirectFeedbackAlignment.ComputeGradients"/> on
/// that forward. Weights, optimizer state and BatchNorm running statistics are untouched; every parameter's
/// gradient buffer is saved first and restored afterwards, so gradients are left as they were found. Dropout draws
/// no mask in evaluation mode, so its random stream is untouched too. The layers' forward caches (inputs, outputs)
/// then hold this batch: call it between optimizer steps, never between a forward and its backward. The projector's <see cref="IFeedbackProjector.Counts"/> include the one
/// projection this makes.
/// </remarks>
public static class GradientAlignment
{
    public static IReadOnlyList<LayerGradientAlignment> Measure(
        Network network, Matrix inputs, ReadOnlySpan<int> labels, IFeedbackProjector projector) =>
        Measure(network, inputs, labels, new DirectFeedbackAlignment(projector));

    public static IReadOnlyList<LayerGradientAlignment> Measure(
        Network network, Matrix inputs, ReadOnlySpan<int> labels, DirectFeedbackAlignment dfa)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(dfa);
        if (labels.Length != inputs.Rows)
        {
            throw new ArgumentException($"{inputs.Rows} inputs need as many labels, got {labels.Length}.", nameof(labels));
        }

        IReadOnlyList<Parameter> parameters = network.Parameters;
        Matrix[] saved = parameters.Select(p => p.Gradient.Clone()).ToArray();
        try
        {
            Matrix logits = network.Forward(inputs, training: false);
            var error = new Matrix(logits.Rows, logits.Cols);
            new SoftmaxCrossEntropy().Compute(logits, labels, error);

            Linear[] layers = network.HiddenBlocks.Select(HiddenLinear).ToArray();
            new Backpropagation().ComputeGradients(network, error);
            (Matrix W, Matrix? B)[] bp = layers.Select(l => (l.Weight.Gradient.Clone(), l.Bias?.Gradient.Clone())).ToArray();
            dfa.ComputeGradients(network, error);

            var result = new LayerGradientAlignment[layers.Length];
            for (int l = 0; l < layers.Length; l++)
            {
                double w = Angles.Degrees(layers[l].Weight.Gradient.Span, bp[l].W.Span);
                double b = layers[l].Bias is { } bias ? Angles.Degrees(bias.Gradient.Span, bp[l].B!.Span) : double.NaN;
                result[l] = new LayerGradientAlignment(network.HiddenBlocks[l].Name, w, b);
            }

            return result;
        }
        finally
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                saved[i].CopyTo(parameters[i].Gradient);
            }
        }
    }

    /// <summary>The first Linear layer of a hidden block: the weights a DFA feedback signal trains.</summary>
    internal static Linear HiddenLinear(NetworkBlock block) =>
        block.Layers.OfType<Linear>().FirstOrDefault()
        ?? throw new ArgumentException($"Hidden block '{block.Name}' has no Linear layer.", nameof(block));
}
