using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Dfa.Runs.Training;

namespace Dfa.Runs.Experiments;

/// <summary>
/// The host program's side of <see cref="ExperimentRunner"/> and <see cref="ExperimentShard"/>: besides a batch's
/// progress and plots (<see cref="IRunView"/>), what it shows when an experiment starts and ends, and the reports it
/// renders (the <c>dfa</c> command writes <c>report.md</c> and prints the verdict).
/// </summary>
public interface IExperimentView : IRunView
{
    /// <summary>An experiment, or a shard's part of one, starts training <paramref name="members"/> into <paramref name="folder"/>.</summary>
    void Starting(PlannedExperiment plan, ExperimentRequest request, IReadOnlyList<RunSpec> members, string folder, ShardSpec? shard);

    /// <summary>
    /// An experiment is judged and its <c>summary.json</c>, <c>base.yaml</c> and plots are written to
    /// <paramref name="folder"/>: the host renders its report.
    /// </summary>
    void Finished(ExperimentResult result, ExperimentRequest request, OutputFolder folder);

    /// <summary>Every selected experiment is finished: the host renders the index of more than one.</summary>
    void AllFinished(IReadOnlyList<ExperimentResult> results, ExperimentRequest request, OutputFolder root);
}
