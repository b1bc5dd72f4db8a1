using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Tensors;
using Dfa.Core.Training;

namespace Dfa.Core.Analysis;

/// <summary>Weight alignment of one hidden block: the angle between its feedback matrix and the forward weights to the output.</summary>
/// <param name="Block">The hidden block's name, e.g. <c>fc1</c>.</param>
/// <param name="Degrees">Angle between <c>vec(B_l)</c> and <c>vec(M_l)</c> (NaN when either is all zeros).</param>
public readonly record struct LayerWeightAlignment(string Block, double Degrees);

/// <summary>
/// Weight alignment as Lillicrap et al. (2016) and Nøkland (2016) define it: for hidden block <c>l</c> the angle
/// <c>arccos(⟨vec B_l, vec M_l⟩ / (|B_l|·|M_l|))</c> between the realised feedback matrix <c>B_l</c> (e × n_l, from
/// <see cref="IFeedbackProjector.FeedbackMatrix"/>) and the product of the forward weights from the block's output to
/// the logits, <c>M_l = W_L · … · W_{l+1}</c> (each <c>W</c> the first Linear of a later block, out×in, so
/// <c>M_l</c> is e × n_l, the shape of <c>B_l</c>).
/// </summary>
/// <remarks>
/// The activations' derivatives (and normalisation, dropout and biases) between the Linear layers are ignored, as in
/// the literature: <c>M_l</c> is what BP's backward matrix would be for a linear network. The product is formed in
/// double precision; nothing in the network or the projector changes.
/// </remarks>
public static class WeightAlignment
{
    public static IReadOnlyList<LayerWeightAlignment> Measure(Network network, IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(projector);
        return Measure(network, Enumerable.Range(0, network.HiddenBlocks.Count).Select(projector.FeedbackMatrix).ToArray());
    }

    /// <summary>The same, against feedback matrices already realised (one e × n_l matrix per hidden block), e.g. cached by a monitor.</summary>
    public static IReadOnlyList<LayerWeightAlignment> Measure(Network network, IReadOnlyList<Matrix> feedback)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(feedback);
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int hidden = network.HiddenBlocks.Count;
        if (feedback.Count != hidden)
        {
            throw new ArgumentException($"The network has {hidden} hidden blocks but {feedback.Count} feedback matrices were given.", nameof(feedback));
        }

        var result = new LayerWeightAlignment[hidden];
        for (int l = 0; l < hidden; l++)
        {
            double[,] m = ForwardProduct(blocks, l);
            Matrix b = feedback[l];
            if (b.Rows != m.GetLength(0) || b.Cols != m.GetLength(1))
            {
                throw new ArgumentException(
                    $"B_{l} is {b.Rows}×{b.Cols} but the forward product for block '{blocks[l].Name}' is {m.GetLength(0)}×{m.GetLength(1)}.",
                    nameof(feedback));
            }

            var flat = new double[m.Length];
            Buffer.BlockCopy(m, 0, flat, 0, sizeof(double) * m.Length);
            result[l] = new LayerWeightAlignment(blocks[l].Name, Angles.Degrees(b.Span, flat));
        }

        return result;
    }

    /// <summary>
    /// The same for the trained hidden blocks (<see cref="Network.FeedbackBlocks"/>) of any network, one <c>B_l</c> per
    /// block as a projector of shape <c>e → n_l</c> holds them: the angle between <c>sign·B_l</c> and <c>M_l</c>, NaN where
    /// <c>M_l</c> is not a product of Linear weights (a block with a convolution above it). DRTP passes
    /// <c>sign = −1</c>: its signal projects the target <c>y*</c>, which points against the error <c>e = p − y*</c>, so its
    /// effective feedback for the error is <c>−B_l</c>.
    /// </summary>
    public static IReadOnlyList<LayerWeightAlignment> OfProjection(Network network, IReadOnlyList<Matrix> feedback, int sign = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(feedback);
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int first = network.FrozenBlocks;
        int count = network.FeedbackBlocks.Count;
        if (feedback.Count != count)
        {
            throw new ArgumentException($"The network trains {count} hidden blocks but {feedback.Count} feedback matrices were given.", nameof(feedback));
        }

        var result = new LayerWeightAlignment[count];
        for (int l = 0; l < count; l++)
        {
            int i = first + l;
            if (blocks.Skip(i + 1).Any(b => b.Layers.OfType<Conv2d>().Any()))
            {
                result[l] = new LayerWeightAlignment(blocks[i].Name, double.NaN);
                continue;
            }

            double[,] m = ForwardProduct(blocks, i);
            Matrix b = feedback[l];
            if (b.Rows != m.GetLength(0) || b.Cols != m.GetLength(1))
            {
                throw new ArgumentException(
                    $"B_{l} is {b.Rows}×{b.Cols} but the forward product for block '{blocks[i].Name}' is {m.GetLength(0)}×{m.GetLength(1)}.",
                    nameof(feedback));
            }

            var flat = new double[m.Length];
            Buffer.BlockCopy(m, 0, flat, 0, sizeof(double) * m.Length);
            if (sign < 0)
            {
                for (int k = 0; k < flat.Length; k++)
                {
                    flat[k] = -flat[k];
                }
            }

            result[l] = new LayerWeightAlignment(blocks[i].Name, Angles.Degrees(b.Span, flat));
        }

        return result;
    }

    /// <summary>
    /// Weight alignment of the rules that replace each <c>W</c> by a backward matrix <c>B</c> of its shape (FA, sign
    /// symmetry, Kolen–Pollack), as BioTorch's <c>compute_alignment</c> measures it: for each trained hidden block
    /// <c>l</c>, the angle between the flattened <c>B</c> and <c>W</c> of the next block's first Linear or Conv2d layer,
    /// the matrix that carries block <c>l</c>'s error (NaN when that layer has no backward matrix).
    /// </summary>
    /// <param name="network">The network.</param>
    /// <param name="backward">Each backward matrix by its weight's name (e.g. <c>fc2.weight</c>).</param>
    public static IReadOnlyList<LayerWeightAlignment> OfBackwardMatrices(Network network, IReadOnlyDictionary<string, Matrix> backward)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(backward);
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int first = network.FrozenBlocks;
        var result = new LayerWeightAlignment[network.FeedbackBlocks.Count];
        for (int l = 0; l < result.Length; l++)
        {
            int i = first + l;
            Parameter w = GradientAlignment.WeightLayer(blocks[i + 1]).Weight;
            result[l] = new LayerWeightAlignment(
                blocks[i].Name,
                backward.TryGetValue(w.Name, out Matrix? b) ? Angles.Degrees(b.Span, w.Value.Span) : double.NaN);
        }

        return result;
    }

    /// <summary><c>M_l = W_L · … · W_{l+1}</c> (e × n_l, row-major), in double precision.</summary>
    public static double[,] ForwardProduct(Network network, int layer)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, network.HiddenBlocks.Count);
        return ForwardProduct(network.Blocks, layer);
    }

    private static double[,] ForwardProduct(IReadOnlyList<NetworkBlock> blocks, int layer)
    {
        // Start from W_{l+1} and multiply later layers on the left: M ← W_k · M.
        double[,] m = ToDouble(GradientAlignment.HiddenLinear(blocks[layer + 1]).Weight.Value);
        for (int k = layer + 2; k < blocks.Count; k++)
        {
            Matrix w = GradientAlignment.HiddenLinear(blocks[k]).Weight.Value;
            int inner = m.GetLength(0), cols = m.GetLength(1);
            if (w.Cols != inner)
            {
                throw new ArgumentException($"Block '{blocks[k].Name}' takes {w.Cols} inputs to its Linear, the product has {inner} rows.", nameof(blocks));
            }

            var next = new double[w.Rows, cols];
            for (int i = 0; i < w.Rows; i++)
            {
                for (int p = 0; p < inner; p++)
                {
                    double a = w[i, p];
                    if (a == 0)
                    {
                        continue;
                    }

                    for (int j = 0; j < cols; j++)
                    {
                        next[i, j] += a * m[p, j];
                    }
                }
            }

            m = next;
        }

        return m;
    }

    private static double[,] ToDouble(Matrix w)
    {
        var m = new double[w.Rows, w.Cols];
        for (int i = 0; i < w.Rows; i++)
        {
            for (int j = 0; j < w.Cols; j++)
            {
                m[i, j] = w[i, j];
            }
        }

        return m;
    }
}
