using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Sparse;

/// <summary>
/// The sparse backend's options resolved against a shape: <c>k</c> connections per neuron drawn from <c>r</c>
/// available error components (<c>r = feedback.sparse.rank ?? e</c>), the value distribution and its optional scale.
/// <see cref="SparseBackend.Create"/> and <see cref="SparseBackend.Predict"/> both go through <see cref="Resolve"/>,
/// so they reject the same options.
/// </summary>
internal sealed record SparseLayout(int Connections, int Rank, FeedbackInit Init, double? Scale)
{
    /// <exception cref="DfaInputException">
    /// <c>k &lt; 1</c>, <c>r &lt; 1</c>, <c>k &gt; e</c>, <c>r &gt; e</c>, <c>k &gt; r</c>, <c>feedback.init</c> is
    /// <c>xavier_uniform</c>, or <c>feedback.scale</c> is not positive and finite.
    /// </exception>
    public static SparseLayout Resolve(FeedbackShape shape, FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        SparseOptions sparse = options.Options<SparseOptions>() ?? new SparseOptions();
        int e = shape.ErrorSize;
        int k = sparse.Connections;
        if (k < 1)
        {
            throw new DfaInputException($"feedback.sparse.connections must be at least 1, got {k}");
        }

        if (k > e)
        {
            throw new DfaInputException(
                $"feedback.sparse.connections (k = {k}) exceeds the error size e = {e}: each neuron's connections are distinct error components");
        }

        int r = sparse.Rank ?? e;
        if (r < 1)
        {
            throw new DfaInputException($"feedback.sparse.rank must be at least 1, got {r}");
        }

        if (r > e)
        {
            throw new DfaInputException($"feedback.sparse.rank (r = {r}) exceeds the error size e = {e}");
        }

        SparseOptions.Section.Check(sparse with { Rank = r });

        if (options.Init is not (FeedbackInit.Gaussian or FeedbackInit.Uniform))
        {
            throw new DfaInputException(
                $"feedback.init {(options.Init == FeedbackInit.XavierUniform ? "xavier_uniform" : options.Init.ToString())} does not apply to the sparse backend: use gaussian or uniform (the default scale is sqrt(e/(k·n_l)))");
        }

        if (options.Scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new DfaInputException($"feedback.scale must be positive and finite, got {s}");
        }

        return new SparseLayout(k, r, options.Init, options.Scale);
    }

    /// <summary>The value scale of layer <paramref name="n"/> neurons: <c>feedback.scale</c>, else <c>sqrt(e/(k·n))</c>.</summary>
    public double ScaleFor(int e, int n) => Scale ?? Math.Sqrt((double)e / ((double)Connections * n));

    /// <summary>The storage of <paramref name="connections"/> given index and weight array lengths (summed over layers).</summary>
    public static FeedbackStorage Storage(int connections, long indices, long weights) =>
        new(
            $"sparse: k={connections} connection{(connections == 1 ? string.Empty : "s")} per neuron, int32 index + float32 weight",
            checked(32 * weights),
            checked(32 * indices),
            0,
            0);
}
