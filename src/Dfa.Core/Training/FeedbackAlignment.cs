using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Feedback Alignment (Lillicrap, Cownden, Tweed &amp; Akerman, "Random synaptic feedback weights support error
/// backpropagation for deep learning", Nature Communications 7, 13276, 2016). Sequential like backpropagation, but each
/// Linear layer passes its error to its input through a fixed random matrix <c>B</c> of <c>W</c>'s shape (out×in)
/// instead of <c>W</c>: <c>δ_in = δ_out·B</c>, so a hidden layer gets <c>δ_l = (δ_{l+1}·B_{l+1}) ⊙ f'(a_l)</c>.
/// Parameter gradients (<c>∂L/∂W = δᵀ·X</c>, <c>∂L/∂b</c>) and every other layer's backward (activations, norms,
/// dropout) are exactly BP's; the output layer therefore gets its true gradient.
/// </summary>
/// <remarks>
/// The matrices are built once, in the constructor, for every Linear layer whose input gradient someone needs (all but
/// the network's first layer), and never change. The layers do not know about them: the algorithm asks a Linear layer
/// for its parameter gradients only and forms <c>δ·B</c> itself, so BP, DFA and FA share one unchanged Linear.
/// </remarks>
public sealed class FeedbackAlignment : ITrainingAlgorithm
{
    private readonly Network _network;
    private readonly Dictionary<Linear, Matrix> _feedback = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Linear, Matrix?> _inputGradients = new(ReferenceEqualityComparer.Instance);
    private readonly int _threads;

    /// <summary>
    /// Draws each <c>B</c> from <c>Rng.Derive(feedbackSeed, "fa/{weight name}")</c> (e.g. <c>fa/fc2.weight</c>) as
    /// <c>U(−s, s)</c>, row-major, with <c>s = <paramref name="scale"/></c> when given, else <c>s = 1/√in</c>: the range
    /// of PyTorch's <c>nn.Linear</c> weight init, so <c>B</c> and <c>W</c> start at the same magnitude and the first FA
    /// steps carry errors of the size BP's would. Lillicrap et al. draw <c>B</c> uniformly too, with a scale chosen
    /// per experiment; the initial scale matters, the distribution's shape much less.
    /// </summary>
    /// <param name="network">The network this instance trains; <see cref="ComputeGradients"/> accepts no other.</param>
    /// <param name="feedbackSeed">Names the feedback matrices: the same seed gives the same <c>B</c> bit for bit.</param>
    /// <param name="scale">Half-width of the uniform range; null means <c>1/√in</c> per layer.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive and finite, or <paramref name="threads"/> &lt; 1.</exception>
    /// <exception cref="NotSupportedException">The network has a parametrised layer other than Linear whose input gradient is needed.</exception>
    public FeedbackAlignment(Network network, ulong feedbackSeed, double? scale = null, int threads = 1)
        : this(network, Drawer(feedbackSeed, scale), threads)
    {
    }

    /// <summary>
    /// Uses the matrices that <paramref name="feedbackFor"/> returns, copied, so they stay fixed whatever the caller
    /// does with its own. With <c>linear =&gt; linear.Weight.Value</c> this is backpropagation bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">A returned matrix does not have its layer's weight shape.</exception>
    /// <exception cref="NotSupportedException">The network has a parametrised layer other than Linear whose input gradient is needed.</exception>
    public FeedbackAlignment(Network network, Func<Linear, Matrix> feedbackFor, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(feedbackFor);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        _network = network;
        _threads = threads;
        foreach ((ILayer layer, bool needInput) in BackwardOrder(network))
        {
            if (!needInput)
            {
                continue;
            }

            if (layer is Linear linear)
            {
                Matrix b = feedbackFor(linear) ?? throw new ArgumentException($"No feedback matrix for '{linear.Weight.Name}'.", nameof(feedbackFor));
                if (!b.SameShape(linear.Weight.Value))
                {
                    throw new ArgumentException(
                        $"The feedback matrix for '{linear.Weight.Name}' is {b.Rows}×{b.Cols}; the weight is {linear.OutputSize}×{linear.InputSize}.",
                        nameof(feedbackFor));
                }

                _feedback.Add(linear, b.Clone());
                _inputGradients.Add(linear, null);
            }
            else if (layer is Conv2d)
            {
                // A convolution would pass its error back through its true weights, which is BP, not FA, under FA's name.
                throw new NotSupportedException($"FA replaces Linear layers' Wᵀ only; the network has a {layer.Kind} layer below its first layer.");
            }
        }
    }

    public string Name => "FA";

    /// <summary>
    /// Copies of the fixed feedback matrix of each Linear layer that has one, keyed by its weight's name (e.g.
    /// <c>fc2.weight</c>); copies, so nothing outside can change a matrix that FA promises never changes.
    /// </summary>
    public IReadOnlyDictionary<string, Matrix> FeedbackMatrices =>
        _feedback.ToDictionary(kv => kv.Key.Weight.Name, kv => kv.Value.Clone(), StringComparer.Ordinal);

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (!ReferenceEquals(network, _network))
        {
            throw new ArgumentException("This FeedbackAlignment was built for another network; its feedback matrices belong to that one.", nameof(network));
        }

        Matrix? g = outputGradient;
        foreach ((ILayer layer, bool needInput) in BackwardOrder(network))
        {
            if (layer is Linear linear && _feedback.TryGetValue(linear, out Matrix? b))
            {
                linear.Backward(g!, needInputGradient: false);
                Matrix? buffer = _inputGradients[linear];
                Matrix dx = Matrix.Ensure(ref buffer, g!.Rows, linear.InputSize);
                _inputGradients[linear] = buffer;
                Gemm.Multiply(g, Transpose.No, b, Transpose.No, dx, 1f, 0f, _threads);
                g = dx;
            }
            else
            {
                // The input gradient of the first trained layer would be dLoss/dx or a frozen block's: nobody needs it.
                g = layer.Backward(g!, needInputGradient: needInput);
            }
        }
    }

    /// <summary>
    /// Every layer of the trained blocks from the output back, with whether its input gradient is needed (all but the
    /// first trained layer's).
    /// </summary>
    private static IEnumerable<(ILayer Layer, bool NeedInput)> BackwardOrder(Network network)
    {
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int first = network.FrozenBlocks;
        for (int i = blocks.Count - 1; i >= first; i--)
        {
            IReadOnlyList<ILayer> layers = blocks[i].Layers;
            for (int j = layers.Count - 1; j >= 0; j--)
            {
                yield return (layers[j], i > first || j > 0);
            }
        }
    }

    private static Func<Linear, Matrix> Drawer(ulong feedbackSeed, double? scale)
    {
        if (scale is { } s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), s, "The feedback scale must be positive and finite.");
        }

        return linear => ParameterInit.Uniform(
            linear.OutputSize,
            linear.InputSize,
            scale ?? (1.0 / Math.Sqrt(linear.InputSize)),
            Rng.Derive(feedbackSeed, $"fa/{linear.Weight.Name}"));
    }
}
