using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Testing;

/// <summary>
/// A feedback projector over given e × n_l matrices, read live at every call (so a test can alias a network's own
/// weights). Core's tests use it where the real backends of Dfa.Backends are out of reach.
/// </summary>
public sealed class MatrixProjector(params Matrix[] matrices) : IFeedbackProjector
{
    public string Backend => "matrix";

    public FeedbackShape Shape { get; } = new(matrices[0].Rows, matrices.Select(m => m.Cols).ToArray());

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => new("float32 (test matrices)", 32L * matrices.Sum(m => (long)m.Length), 0, 0, 0);

    /// <summary>Gaussian matrices scaled by <c>1/sqrt(n_l)</c>, named by <paramref name="seed"/>.</summary>
    public static MatrixProjector Gaussian(FeedbackShape shape, ulong seed) =>
        new(shape.LayerSizes.Select((n, l) => TestData.RandomMatrix(shape.ErrorSize, n, seed + (ulong)l, (float)(1 / Math.Sqrt(n)))).ToArray());

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        for (int l = 0; l < matrices.Length; l++)
        {
            Gemm.Multiply(error, Transpose.No, matrices[l], Transpose.No, signals[l]);
        }
    }

    public void EncodeError(Matrix error, Matrix encoded) => error.CopyTo(encoded);

    public Matrix FeedbackMatrix(int layer) => matrices[layer].Clone();
}
