namespace Dfa.Runs.Experiments;

/// <summary>
/// One of the survey's Section 3.2 experiments: which finding it reproduces, the members that test it, the scale it
/// runs at, and the pure function that turns the members' results into a verdict.
/// </summary>
/// <param name="Name">The command's name for it (<c>dfa experiment NAME</c>), also its output subfolder.</param>
/// <param name="Section">The survey section and figure it reproduces.</param>
/// <param name="Finding">The survey's finding in one sentence, quoted or closely paraphrased.</param>
/// <param name="Members">The configurations, each as overrides of the base config.</param>
/// <param name="Quick">The <c>--quick</c> scale: a few minutes on 2 cores.</param>
/// <param name="Full">The survey's scale.</param>
/// <param name="Judge">The verdict from the members' results, in member order.</param>
/// <param name="Choices">Why the members' settings are what they are (rates, λs, p), for the report.</param>
public sealed record Experiment(
    string Name,
    string Section,
    string Finding,
    IReadOnlyList<ExperimentMember> Members,
    ExperimentMode Quick,
    ExperimentMode Full,
    Func<IReadOnlyList<MemberResult>, Verdict> Judge,
    string Choices)
{
    public IReadOnlyList<string> Criteria => Verdicts.Criteria(Name);

    public ExperimentMode Mode(bool quick) => quick ? Quick : Full;
}
