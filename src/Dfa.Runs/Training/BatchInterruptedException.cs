namespace Dfa.Runs.Training;

/// <summary>A batch of runs (a comparison, an experiment) was interrupted; the runs finished so far are in <see cref="Folder"/>.</summary>
public sealed class BatchInterruptedException(string folder, OperationCanceledException inner)
    : OperationCanceledException($"interrupted; finished runs are in {folder}", inner)
{
    public string Folder { get; } = folder;
}
