using Dfa.Runs.Sharding;

namespace Dfa.Runs.Studies;

/// <summary>The parsed arguments of <c>dfa study</c> (or of a study file, <see cref="StudyFile"/>).</summary>
/// <param name="ConfigPath">The base training config.</param>
/// <param name="Vary"><c>KEY=SPEC</c> per varied key (<see cref="StudyAxis"/>); may be empty when several backends are compared.</param>
/// <param name="Backends">The feedback backends (names or <c>all</c>); null trains the config's own backend.</param>
/// <param name="Seeds">Seeds per point: the config's <c>seed</c> and the next ones.</param>
/// <param name="Profiles">Hardware profiles to price every point on (names or <c>all</c>).</param>
/// <param name="Quick">Apply the experiments' quick mode (<see cref="StudyPlanner.QuickOverrides"/>).</param>
/// <param name="Overrides"><c>--set</c> overrides for every run, after the quick mode and before the varied keys.</param>
/// <param name="OutputFolder">The study folder (null: <c>runs/study-&lt;time&gt;</c>).</param>
/// <param name="DataFolder">The MNIST folder (null: the usual lookup).</param>
/// <param name="ProfileFolder">Where the profiles are (null: the shipped ones).</param>
/// <param name="Shard">Train only this shard's runs (null: all, with the report).</param>
/// <param name="MarginPoints">The knee margin: accuracy points below the best that still count as "as good".</param>
public sealed record StudyRequest(
    string ConfigPath,
    IReadOnlyList<string> Vary,
    IReadOnlyList<string>? Backends,
    int Seeds,
    IReadOnlyList<string> Profiles,
    bool Quick,
    IReadOnlyList<string> Overrides,
    string? OutputFolder,
    string? DataFolder,
    string? ProfileFolder,
    ShardSpec? Shard = null,
    double MarginPoints = StudyRequest.DefaultMarginPoints)
{
    public const double DefaultMarginPoints = 0.5;

    /// <summary>The most seeds per point.</summary>
    public const int MaxSeeds = 1000;
}
