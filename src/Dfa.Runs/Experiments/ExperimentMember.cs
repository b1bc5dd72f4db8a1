namespace Dfa.Runs.Experiments;

/// <summary>
/// One configuration of an experiment: its label (also its run folder's name) and the <c>--set</c> overrides that make
/// it from the base config. The overrides are applied last, so the key an experiment varies stays varied whatever the
/// command line sets for every member.
/// </summary>
public sealed record ExperimentMember(string Label, IReadOnlyList<string> Overrides);
