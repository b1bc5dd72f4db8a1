using Dfa.Runs.Sharding;


namespace Dfa.Runs.Experiments;

/// <summary>The parsed arguments of <c>dfa experiment</c>.</summary>
/// <param name="Name">An experiment's name or <c>all</c>.</param>
/// <param name="Quick">Run each experiment at its quick scale.</param>
/// <param name="OutputFolder">Where the reports go (null: <c>runs/experiments/&lt;time&gt;</c>).</param>
/// <param name="DataFolder">The MNIST folder (null: the usual lookup).</param>
/// <param name="Overrides"><c>--set</c> overrides for every member, after the mode's and before the member's own.</param>
/// <param name="BaseConfigPath">Another base config instead of the shipped one (null: the shipped one).</param>
/// <param name="Shard">Run only this shard's members (null: all of them, with the reports).</param>
/// <param name="Seeds">Train every member with the config's seed and the next <c>Seeds − 1</c>, and judge each seed.</param>
public sealed record ExperimentRequest(
    string Name,
    bool Quick,
    string? OutputFolder,
    string? DataFolder,
    IReadOnlyList<string> Overrides,
    string? BaseConfigPath = null,
    ShardSpec? Shard = null,
    int Seeds = 1);
