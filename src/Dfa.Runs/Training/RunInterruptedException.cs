namespace Dfa.Runs.Training;

/// <summary>A run stopped by cancellation (Ctrl-C) after its current step, with a checkpoint saved at that step.</summary>
public sealed class RunInterruptedException(long steps) : OperationCanceledException($"interrupted after step {steps}; checkpoint saved")
{
    public long Steps { get; } = steps;
}
