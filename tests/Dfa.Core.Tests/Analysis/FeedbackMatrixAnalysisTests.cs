using Dfa.Core.Analysis;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Core.Tests.Analysis;

public sealed class FeedbackMatrixAnalysisTests
{
    private const double Tol = 1e-12;

    [Test]
    public void FullRankMatrix_HasItsExactSingularValues()
    {
        // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5: σ = 3√5, √5, κ = 3.
        var a = new Matrix(2, 2, [3f, 0f, 4f, 5f]);

        FeedbackMatrixAnalysis r = FeedbackMatrixAnalysis.Of(a);

        Assert.That(r.SingularValues, Is.EqualTo(new[] { 3 * Math.Sqrt(5), Math.Sqrt(5) }).Within(Tol));
        Assert.That(r.Rank, Is.EqualTo(2));
        Assert.That(r.ConditionNumber, Is.EqualTo(3).Within(Tol));
        Assert.That(r.EffectiveConditionNumber, Is.EqualTo(3).Within(Tol));
        Assert.That(r.Sparsity, Is.EqualTo(0.25));
    }

    [Test]
    public void RectangularDiagonal_HasItsDiagonalAsSpectrum()
    {
        var a = new Matrix(3, 4);
        a[0, 0] = 2f;
        a[1, 1] = -4f;
        a[2, 2] = 1f;

        FeedbackMatrixAnalysis r = FeedbackMatrixAnalysis.Of(a);

        Assert.That(r.SingularValues, Is.EqualTo(new[] { 4.0, 2.0, 1.0 }).Within(Tol));
        Assert.That(r.Rank, Is.EqualTo(3));
        Assert.That(r.ConditionNumber, Is.EqualTo(4).Within(Tol));
        Assert.That(r.Sparsity, Is.EqualTo(9.0 / 12));
    }

    [Test]
    public void RankDeficientMatrix_HasInfiniteConditionNumber()
    {
        // u vᵀ with u = (1, 2, 0), v = (1, 2): σ₁ = |u|·|v| = 5, σ₂ = 0.
        var a = new Matrix(3, 2, [1f, 2f, 2f, 4f, 0f, 0f]);

        FeedbackMatrixAnalysis r = FeedbackMatrixAnalysis.Of(a);

        Assert.That(r.SingularValues[0], Is.EqualTo(5).Within(Tol));
        Assert.That(r.SingularValues[1], Is.LessThanOrEqualTo(r.Tolerance));
        Assert.That(r.Rank, Is.EqualTo(1));
        Assert.That(r.ConditionNumber, Is.EqualTo(double.PositiveInfinity));
        Assert.That(r.EffectiveConditionNumber, Is.EqualTo(1).Within(Tol));
        Assert.That(r.Sparsity, Is.EqualTo(2.0 / 6));
    }

    [Test]
    public void OneNonzeroPerColumn_HasRowNormsAsSingularValues()
    {
        // Column j holds j + 1 in row j mod 4: the rows are orthogonal, B·Bᵀ = diag(1²+5², 2²+6², 3²+7², 4²+8²).
        var b = new Matrix(4, 8);
        for (int j = 0; j < 8; j++)
        {
            b[j % 4, j] = j + 1;
        }

        FeedbackMatrixAnalysis r = FeedbackMatrixAnalysis.Of(b);

        Assert.That(r.SingularValues, Is.EqualTo(new[] { Math.Sqrt(80), Math.Sqrt(58), Math.Sqrt(40), Math.Sqrt(26) }).Within(Tol));
        Assert.That(r.Rank, Is.EqualTo(4));
        Assert.That(r.ConditionNumber, Is.EqualTo(Math.Sqrt(80.0 / 26)).Within(Tol));
        Assert.That(r.Sparsity, Is.EqualTo(0.75));
    }

    [Test]
    public void OneNonzeroPerColumn_WithAnEmptyRow_IsRankDeficient()
    {
        // Every column hits rows 0..2 only: row 3 is zero, so rank 3 of 4 and κ = ∞.
        var b = new Matrix(4, 6);
        for (int j = 0; j < 6; j++)
        {
            b[j % 3, j] = 1f;
        }

        FeedbackMatrixAnalysis r = FeedbackMatrixAnalysis.Of(b);

        Assert.That(r.SingularValues, Is.EqualTo(new[] { Math.Sqrt(2), Math.Sqrt(2), Math.Sqrt(2), 0.0 }).Within(Tol));
        Assert.That(r.Rank, Is.EqualTo(3));
        Assert.That(r.ConditionNumber, Is.EqualTo(double.PositiveInfinity));
        Assert.That(r.EffectiveConditionNumber, Is.EqualTo(1).Within(Tol));
        Assert.That(r.Sparsity, Is.EqualTo(1 - (6.0 / 24)));
    }

    [Test]
    public void Projector_IsAnalysedPerFeedbackPoint()
    {
        var projector = new MatrixProjector(TestData.RandomMatrix(3, 5, seed: 1), TestData.RandomMatrix(3, 2, seed: 2));

        IReadOnlyList<FeedbackMatrixAnalysis> r = FeedbackMatrixAnalysis.Of(projector);

        Assert.That(r.Select(a => (a.Rows, a.Cols)), Is.EqualTo(new[] { (3, 5), (3, 2) }));
        Assert.That(r.Select(a => a.Rank), Is.EqualTo(new[] { 3, 2 }));
        Assert.That(r[0].SingularValues, Is.Ordered.Descending);
    }
}
