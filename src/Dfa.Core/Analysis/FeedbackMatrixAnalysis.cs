using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Dfa.Core.Analysis;

/// <summary>
/// Spectrum and sparsity of one feedback matrix <c>B_l</c> (e × n_l).
/// </summary>
/// <param name="Rows">e.</param>
/// <param name="Cols">n_l.</param>
/// <param name="SingularValues">All min(e, n_l) singular values, descending.</param>
/// <param name="Tolerance">
/// <c>σ_max · max(e, n_l) · 2⁻⁵²</c> (NumPy's <c>matrix_rank</c> default for double precision); singular values at
/// or below it count as zero.
/// </param>
/// <param name="Rank">Numerical rank: the number of singular values above <see cref="Tolerance"/>.</param>
/// <param name="ConditionNumber">
/// <c>σ_max / σ_min</c> when the matrix has full rank (rank = min(e, n_l)); <see cref="double.PositiveInfinity"/>
/// when it is rank-deficient (including the zero matrix).
/// </param>
/// <param name="EffectiveConditionNumber">
/// <c>σ_max / σ_r</c> over the nonzero singular values only (σ_r the smallest above the tolerance); equal to
/// <see cref="ConditionNumber"/> at full rank, NaN for the zero matrix.
/// </param>
/// <param name="Sparsity">Fraction of entries that are exactly 0.</param>
public sealed record FeedbackMatrixAnalysis(
    int Rows,
    int Cols,
    IReadOnlyList<double> SingularValues,
    double Tolerance,
    int Rank,
    double ConditionNumber,
    double EffectiveConditionNumber,
    double Sparsity)
{
    /// <summary>Analyses a matrix with a MathNet (managed, double-precision) SVD of its float32 values.</summary>
    public static FeedbackMatrixAnalysis Of(Matrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Matrix<double> m = Matrix<double>.Build.Dense(matrix.Rows, matrix.Cols, (i, j) => matrix[i, j]);
        double[] s = m.Svd(computeVectors: false).S.ToArray();
        Array.Sort(s, (a, b) => b.CompareTo(a));
        double max = s.Length > 0 ? s[0] : 0;
        double tolerance = max * Math.Max(matrix.Rows, matrix.Cols) * Math.Pow(2, -52);
        int rank = s.Count(x => x > tolerance);
        double condition = rank == s.Length && rank > 0 ? max / s[^1] : double.PositiveInfinity;
        double effective = rank > 0 ? max / s[rank - 1] : double.NaN;
        int zeros = 0;
        foreach (float x in matrix.Span)
        {
            if (x == 0)
            {
                zeros++;
            }
        }

        return new FeedbackMatrixAnalysis(
            matrix.Rows, matrix.Cols, s, tolerance, rank, condition, effective, matrix.Length == 0 ? 0 : (double)zeros / matrix.Length);
    }

    /// <summary>Analyses every hidden feedback point's realised <c>B_l</c> (<see cref="IFeedbackProjector.FeedbackMatrix"/>).</summary>
    public static IReadOnlyList<FeedbackMatrixAnalysis> Of(IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        return Enumerable.Range(0, projector.Shape.LayerSizes.Count).Select(l => Of(projector.FeedbackMatrix(l))).ToArray();
    }
}
