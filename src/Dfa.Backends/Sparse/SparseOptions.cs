using Dfa.Core.Config.Schema;

namespace Dfa.Backends.Sparse;

/// <summary><c>feedback.sparse</c>: sparse feedback (Crafton et al. 2019, SDFA/SSDFA).</summary>
public sealed record SparseOptions : BackendOptions
{
    /// <summary><c>connections</c>: error components each hidden neuron is connected to (k); 1 is single-connection DFA.</summary>
    public int Connections { get; init; } = 1;

    /// <summary>
    /// <c>rank</c>: draw the connections from only this many error components, so every <c>B_l</c> has rank
    /// <c>min(rank, n_l)</c>; null means full rank <c>min(e, n_l)</c>.
    /// </summary>
    public int? Rank { get; init; }

    /// <summary>The section's schema: its keys and the rule that <c>connections</c> may not exceed <c>rank</c>.</summary>
    public static BackendSection<SparseOptions> Section { get; } = new(
        "sparse",
        new Section<SparseOptions>(
            Keys<SparseOptions>.F("connections", o => o.Connections, (o, v) => o with { Connections = v }, new IntType(1),
                "error components per hidden neuron (k); 1 is single-connection DFA"),
            Keys<SparseOptions>.F("rank", o => o.Rank, (o, v) => o with { Rank = v }, new NullableType<int>(new IntType(1)),
                "draw the connections from only this many error components (rank of B_l); null: e, full rank")),
        static (o, check) =>
        {
            if (o.Rank is { } rank && o.Connections > rank)
            {
                check.Fail(
                    $"feedback.sparse.connections ({o.Connections}) cannot exceed feedback.sparse.rank ({rank}): each neuron's connections are distinct error components",
                    "connections", "rank");
            }
        });
}
