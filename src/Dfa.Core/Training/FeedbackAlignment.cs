using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Feedback Alignment (Lillicrap, Cownden, Tweed &amp; Akerman, "Random synaptic feedback weights support error
/// backpropagation for deep learning", Nature Communications 7, 13276, 2016). Sequential like backpropagation, but each
/// Linear layer passes its error to its input through a fixed random matrix <c>B</c> of <c>W</c>'s shape (out×in)
/// instead of <c>W</c>: <c>δ_in = δ_out·B</c>, so a hidden layer gets <c>δ_l = (δ_{l+1}·B_{l+1}) ⊙ f'(a_l)</c>. A
/// convolution passes its error through the transposed convolution with a fixed random kernel <c>B</c> of its
/// weight's shape (as BioTorch's <c>fa</c> Conv2d and Frenkel et al.'s FA code do: <c>conv2d_input</c> with the fixed
/// kernel). Parameter gradients and every other layer's backward are exactly BP's (see <see cref="FeedbackChainAlgorithm"/>).
/// </summary>
public sealed class FeedbackAlignment : FeedbackChainAlgorithm
{
    private readonly Dictionary<Parameter, Matrix> _feedback = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Draws each <c>B</c> from <c>Rng.Derive(feedbackSeed, "fa/{weight name}")</c> (e.g. <c>fa/fc2.weight</c>,
    /// <c>fa/conv2.weight</c>) as <c>U(−s, s)</c>, row-major, with <c>s = <paramref name="scale"/></c> when given, else
    /// <c>s = 1/√fan_in</c> (<c>in</c> for Linear, <c>C_in·k²</c> for Conv2d): the range of PyTorch's default weight
    /// init, so <c>B</c> and <c>W</c> start at the same magnitude and the first FA steps carry errors of the size BP's
    /// would. Lillicrap et al. draw <c>B</c> uniformly too, with a scale chosen per experiment.
    /// </summary>
    /// <param name="network">The network this instance trains.</param>
    /// <param name="feedbackSeed">Names the feedback matrices: the same seed gives the same <c>B</c> bit for bit.</param>
    /// <param name="scale">Half-width of the uniform range; null means <c>1/√fan_in</c> per layer.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive and finite, or <paramref name="threads"/> &lt; 1.</exception>
    public FeedbackAlignment(Network network, ulong feedbackSeed, double? scale = null, int threads = 1)
        : this(network, Drawer(feedbackSeed, scale, "fa"), threads)
    {
    }

    /// <summary>
    /// Uses the matrices that <paramref name="feedbackFor"/> returns for each weight, copied, so they stay fixed whatever
    /// the caller does with its own. With <c>w =&gt; w.Value</c> this is backpropagation bit for bit.
    /// </summary>
    /// <exception cref="ArgumentException">A returned matrix does not have its weight's shape.</exception>
    public FeedbackAlignment(Network network, Func<Parameter, Matrix> feedbackFor, int threads = 1)
        : base(network, threads)
    {
        ArgumentNullException.ThrowIfNull(feedbackFor);
        foreach (Parameter weight in FeedbackWeights)
        {
            Matrix b = feedbackFor(weight) ?? throw new ArgumentException($"No feedback matrix for '{weight.Name}'.", nameof(feedbackFor));
            if (!b.SameShape(weight.Value))
            {
                throw new ArgumentException(
                    $"The feedback matrix for '{weight.Name}' is {b.Rows}×{b.Cols}; the weight is {weight.Value.Rows}×{weight.Value.Cols}.",
                    nameof(feedbackFor));
            }

            _feedback.Add(weight, b.Clone());
        }
    }

    public override string Name => "FA";

    protected override Matrix BackwardMatrix(Parameter weight) => _feedback[weight];

    /// <summary><c>U(−s, s)</c> of the weight's shape from <c>Rng.Derive(seed, "{stream}/{weight name}")</c>; <c>s</c> = <paramref name="scale"/> or <c>1/√fan_in</c>.</summary>
    internal static Func<Parameter, Matrix> Drawer(ulong seed, double? scale, string stream)
    {
        if (scale is { } s && (!double.IsFinite(s) || s <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), s, "The feedback scale must be positive and finite.");
        }

        return weight => ParameterInit.Uniform(
            weight.Value.Rows,
            weight.Value.Cols,
            scale ?? (1.0 / Math.Sqrt(weight.Value.Cols)),
            Rng.Derive(seed, $"{stream}/{weight.Name}"));
    }
}
