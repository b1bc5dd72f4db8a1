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
/// Gradient alignment (Nøkland 2016; Lillicrap et al. 2016): for each trained hidden block's first Linear or Conv2d
/// layer, the angle <c>arccos(⟨g_rule, g_bp⟩ / (|g_rule|·|g_bp|))</c> between a learning rule's update and the true BP
/// gradient of the same weights on the same batch, over the flattened <c>∂L/∂W</c>; the bias gradients get their own
/// angle. The output block is not measured: every rule gives it its true gradient.
/// </summary>
/// <remarks>
/// One forward pass in evaluation mode (<c>training: false</c>: dropout off and BatchNorm's running statistics, which
/// are therefore not updated), the Trainer's fused softmax cross-entropy for <c>e = dLoss/dlogits</c> (no L1/L2
/// penalty: the penalty's gradient is the same for BP and the rule and is not part of either learning signal), then
/// <see cref="Backpropagation.ComputeGradients"/> and the rule's
/// <see cref="ITrainingAlgorithm.ComputeGradients(Network, Matrix, ReadOnlySpan{int})"/> on that forward (with the
/// labels, which DRTP projects). Weights, optimizer state and BatchNorm running statistics are untouched; every
/// parameter's gradient buffer is saved first and restored afterwards, so gradients are left as they were found.
/// Dropout draws no mask in evaluation mode, so its random stream is untouched too. The layers' forward caches
/// (inputs, outputs) then hold this batch: call it between optimizer steps, never between a forward and its backward.
/// A projector's <see cref="IFeedbackProjector.Counts"/> include the one projection this makes; a rule's own state
/// (Kolen–Pollack's <c>B</c>, brSF's step count) does not move.
/// </remarks>
public static class GradientAlignment
{
    public static IReadOnlyList<LayerGradientAlignment> Measure(
        Network network, Matrix inputs, ReadOnlySpan<int> labels, IFeedbackProjector projector) =>
        Measure(network, inputs, labels, new DirectFeedbackAlignment(projector));

    public static IReadOnlyList<LayerGradientAlignment> Measure(
        Network network, Matrix inputs, ReadOnlySpan<int> labels, ITrainingAlgorithm rule)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(rule);
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

            IReadOnlyList<NetworkBlock> blocks = network.FeedbackBlocks;
            (Parameter Weight, Parameter? Bias)[] layers = blocks.Select(WeightLayer).ToArray();
            new Backpropagation().ComputeGradients(network, error);
            (Matrix W, Matrix? B)[] bp = layers.Select(l => (l.Weight.Gradient.Clone(), l.Bias?.Gradient.Clone())).ToArray();
            rule.ComputeGradients(network, error, labels);

            var result = new LayerGradientAlignment[layers.Length];
            for (int l = 0; l < layers.Length; l++)
            {
                double w = Angles.Degrees(layers[l].Weight.Gradient.Span, bp[l].W.Span);
                double b = layers[l].Bias is { } bias ? Angles.Degrees(bias.Gradient.Span, bp[l].B!.Span) : double.NaN;
                result[l] = new LayerGradientAlignment(blocks[l].Name, w, b);
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

    /// <summary>The weight and bias of a block's first Linear or Conv2d layer: what a learning signal at the block trains.</summary>
    internal static (Parameter Weight, Parameter? Bias) WeightLayer(NetworkBlock block) =>
        block.Layers.Select(l => l switch
        {
            Linear linear => (linear.Weight, linear.Bias),
            Conv2d conv => (conv.Weight, conv.Bias),
            _ => ((Parameter, Parameter?)?)null,
        }).FirstOrDefault(p => p is not null)
        ?? throw new ArgumentException($"Block '{block.Name}' has no Linear or Conv2d layer.", nameof(block));
}
