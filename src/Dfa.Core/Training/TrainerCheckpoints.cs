namespace Dfa.Core.Training;

/// <summary>
/// How a <see cref="Trainer"/> run saves and resumes: <see cref="Save"/> is called after every
/// <see cref="EverySteps"/>-th optimizer step (0: never mid-epoch), after every epoch's evaluation, and when
/// cancellation stops the run between steps; <see cref="ResumeFrom"/>, when set, is the position to continue from (the
/// caller has already restored the network, optimizer, algorithm and random streams to the same moment).
/// </summary>
public sealed record TrainerCheckpoints(int EverySteps, Action<TrainerProgress> Save, TrainerProgress? ResumeFrom = null)
{
    public int EverySteps { get; } = EverySteps >= 0 ? EverySteps : throw new ArgumentOutOfRangeException(nameof(EverySteps), EverySteps, "Must be 0 or more.");

    public Action<TrainerProgress> Save { get; } = Save ?? throw new ArgumentNullException(nameof(Save));
}
