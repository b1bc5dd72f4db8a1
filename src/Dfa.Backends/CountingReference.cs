using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends;

/// <summary>
/// The shared frame of the built-in counting references (<see cref="ICountingReference"/>): argument checks, the
/// tally, and the two memory actions every backend performs the same way. An error element is read into a local row
/// once per pass (4 bytes counted per element read), a signal element is written once (4 bytes counted per element
/// written); everything else is counted by the backend's own loops.
/// </summary>
internal abstract class CountingReference(FeedbackShape shape) : ICountingReference
{
    public FeedbackShape Shape { get; } = shape ?? throw new ArgumentNullException(nameof(shape));

    public ActionCounts Counts { get; } = new();

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        Run(error, signals);
    }

    /// <summary>The projection, counting each action in the loop that performs it.</summary>
    protected abstract void Run(Matrix error, IReadOnlyList<Matrix> signals);

    /// <summary>Reads the whole batch of errors into a local copy, row-major, counting 4 bytes per element.</summary>
    protected float[] ReadErrors(Matrix error)
    {
        var x = new float[error.Length];
        for (int r = 0; r < error.Rows; r++)
        {
            for (int i = 0; i < error.Cols; i++)
            {
                x[(r * error.Cols) + i] = error[r, i];
                Counts.Add(HardwareAction.ErrorBytesRead, sizeof(float));
            }
        }

        return x;
    }

    /// <summary>Writes <paramref name="values"/> (batch × n, row-major) into <paramref name="signal"/>, counting 4 bytes per element.</summary>
    protected void WriteSignal(ReadOnlySpan<float> values, Matrix signal)
    {
        for (int r = 0; r < signal.Rows; r++)
        {
            for (int j = 0; j < signal.Cols; j++)
            {
                signal[r, j] = values[(r * signal.Cols) + j];
                Counts.Add(HardwareAction.SignalBytesWritten, sizeof(float));
            }
        }
    }
}
