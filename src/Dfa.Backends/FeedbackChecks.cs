using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends;

/// <summary>Argument checks every projector runs once per call, before its kernel.</summary>
internal static class FeedbackChecks
{
    public static void ThrowIfMismatched(FeedbackShape shape, Matrix error, IReadOnlyList<Matrix> signals)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(signals);
        if (error.Cols != shape.ErrorSize)
        {
            throw new ArgumentException($"The error must have {shape.ErrorSize} columns, got {error.Cols}.", nameof(error));
        }

        if (error.Rows < 1)
        {
            throw new ArgumentException("The error batch is empty.", nameof(error));
        }

        if (signals.Count != shape.LayerSizes.Count)
        {
            throw new ArgumentException($"Expected {shape.LayerSizes.Count} signal matrices, got {signals.Count}.", nameof(signals));
        }

        for (int l = 0; l < signals.Count; l++)
        {
            Matrix s = signals[l] ?? throw new ArgumentNullException(nameof(signals), $"Signal matrix {l} is null.");
            if (s.Rows != error.Rows || s.Cols != shape.LayerSizes[l])
            {
                throw new ArgumentException(
                    $"Signal {l} must be {error.Rows}×{shape.LayerSizes[l]}, got {s.Rows}×{s.Cols}.", nameof(signals));
            }
        }
    }
}
