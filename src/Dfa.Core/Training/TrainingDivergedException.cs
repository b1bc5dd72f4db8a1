namespace Dfa.Core.Training;

/// <summary>
/// A non-finite loss, gradient or weight stopped the run; <see cref="Step"/> is the 1-based optimizer step and
/// <see cref="Parameter"/> the first parameter (in network order) found non-finite, null when the loss was.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    public TrainingDivergedException(int epoch, long step, string what, string? parameter = null)
        : base($"training diverged at epoch {epoch}, step {step}: {what}")
    {
        Epoch = epoch;
        Step = step;
        Parameter = parameter;
    }

    public int Epoch { get; }

    public long Step { get; }

    /// <summary>The parameter whose gradient or value went non-finite first, or null for a non-finite loss.</summary>
    public string? Parameter { get; }
}
