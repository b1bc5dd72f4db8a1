namespace Dfa.Core.Training;

/// <summary>A non-finite loss or parameter stopped the run; <see cref="Step"/> is the 1-based optimizer step.</summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(int epoch, long step, string what)
        : base($"training diverged at epoch {epoch}, step {step}: {what}")
    {
        Epoch = epoch;
        Step = step;
    }

    public int Epoch { get; }

    public long Step { get; }
}
