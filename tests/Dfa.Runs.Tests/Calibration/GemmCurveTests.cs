using Dfa.Runs.Calibration;

namespace Dfa.Runs.Tests.Calibration;

/// <summary>The GEMM efficiency curve's fit and grid: hand-made points, no timing.</summary>
public sealed class GemmCurveTests
{
    [Test]
    public void Fit_OfPointsOnACurve_RecoversItsParameters()
    {
        GemmCurvePoint[] points = [.. GemmCurve.Rows.Select(m => new GemmCurvePoint(m, 300, 500, 0.8 * m / (m + 20.0)))];

        GemmCurveFit fit = GemmCurve.Fit(points);

        // m½ lies on a log grid of 200 values per decade: within half a step (0.58 %) of 20.
        Assert.That(fit.HalfRows, Is.EqualTo(20).Within(0.6).Percent);
        Assert.That(fit.Efficiency, Is.EqualTo(0.8).Within(0.6).Percent);
        Assert.That(fit.RmsRelativeResidual, Is.LessThan(0.005));
        Assert.That(fit.At(20), Is.EqualTo(fit.Efficiency * 20 / (20 + fit.HalfRows)).Within(1e-15));
    }

    [Test]
    public void Fit_WeighsEachPointByItsOwnSize()
    {
        // A small-row point 4× below the curve: a relative fit moves toward it far more than an absolute fit would.
        var points = GemmCurve.Rows.Select(m => new GemmCurvePoint(m, 300, 500, 0.9 * m / (m + 10.0))).ToList();
        points[0] = points[0] with { Efficiency = points[0].Efficiency / 4 };

        GemmCurveFit fit = GemmCurve.Fit(points);

        Assert.That(fit.HalfRows, Is.GreaterThan(15), "the slow small-row point pulls m½ up");
        Assert.That(fit.Efficiency, Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Fit_ClampsTheEfficiencyToOne()
    {
        GemmCurvePoint[] points = [.. GemmCurve.Rows.Select(m => new GemmCurvePoint(m, 300, 500, 1.2))];

        Assert.That(GemmCurve.Fit(points).Efficiency, Is.EqualTo(1));
    }

    [Test]
    public void Grid_HoldsNoShapeOfTheValidatedWorkloads()
    {
        int[] validatedWidths = [784, 256, 1024, 2048, 10, 3136];
        foreach ((int inputs, int outputs) in GemmCurve.Layers)
        {
            Assert.That(validatedWidths, Does.Not.Contain(inputs).And.Not.Contain(outputs));
        }

        Assert.That(GemmCurve.Products(24, 300, 500).Select(p => (p.M, p.N, p.K)), Is.EqualTo(new[] { (24, 500, 300), (500, 300, 24), (24, 300, 500) }));
    }
}
