using Dfa.Core.Tensors;
using Dfa.Runs.Bench;

namespace Dfa.Runs.Calibration;

/// <summary>One point of the GEMM grid: a layer's three products at <paramref name="Rows"/> rows, and the fraction of peak they reached.</summary>
public sealed record GemmCurvePoint(int Rows, int Inputs, int Outputs, double Efficiency, int Repetitions = 0);

/// <summary>
/// The efficiency curve <c>e(m) = E · m / (m + m½)</c> fitted by least squares to measured fractions of peak of a grid of
/// GEMM shapes, with the root-mean-square relative residual of the fit.
/// </summary>
public sealed record GemmCurveFit(double Efficiency, double HalfRows, double RmsRelativeResidual)
{
    /// <summary>The curve's efficiency at <paramref name="rows"/> rows.</summary>
    public double At(double rows) => Efficiency * rows / (rows + HalfRows);
}

/// <summary>
/// The grid <c>dfa calibrate</c> fits <c>gemm_efficiency</c> and <c>gemm_half_rows</c> on: for each row count (a batch)
/// and each of three layer shapes, the three products a Linear runs in a training step (forward <c>X·Wᵀ</c>, weight
/// gradient <c>δᵀ·X</c>, input gradient <c>δ·W</c>) back to back on their own operands. The layer widths (300→500,
/// 600→1200, 1500→700) are none of the widths <c>dfa validate</c> predicts (784, 256, 1024, 2048, 10 and the MNIST CNN's),
/// so the validation's workloads are held out from the calibration.
/// </summary>
public static class GemmCurve
{
    /// <summary>The grid's row counts.</summary>
    public static IReadOnlyList<int> Rows { get; } = [4, 12, 24, 48, 96, 192, 384, 768];

    /// <summary>The grid's layers (inputs, outputs).</summary>
    public static IReadOnlyList<(int Inputs, int Outputs)> Layers { get; } = [(300, 500), (600, 1200), (1500, 700)];

    /// <summary>A Linear layer's three products at <paramref name="rows"/> rows, as it runs them.</summary>
    public static IReadOnlyList<GemmShape> Products(int rows, int inputs, int outputs) =>
    [
        new($"fwd.{rows}x{outputs}x{inputs}", rows, outputs, inputs, TransB: Transpose.Yes),
        new($"dw.{outputs}x{inputs}x{rows}", outputs, inputs, rows, TransA: Transpose.Yes),
        new($"dx.{rows}x{inputs}x{outputs}", rows, inputs, outputs),
    ];

    /// <summary>Measures every grid point: the FLOP-weighted rate of its three products ÷ <paramref name="peak"/>.</summary>
    public static IReadOnlyList<GemmCurvePoint> Measure(double peak, int threads, double seconds, bool median)
    {
        var points = new List<GemmCurvePoint>();
        foreach ((int inputs, int outputs) in Layers)
        {
            foreach (int rows in Rows)
            {
                GemmShape[] shapes = [.. Products(rows, inputs, outputs)];
                var operands = shapes.Select(GemmBench.Operands).ToArray();
                BestRate r = BestRate.Measure(
                    () =>
                    {
                        for (int i = 0; i < shapes.Length; i++)
                        {
                            GemmShape x = shapes[i];
                            (float[] a, float[] b, float[] c) = operands[i];
                            Gemm.Multiply(x.TransA, x.TransB, x.M, x.N, x.K, 1f, a, x.ColsA, b, x.ColsB, 0f, c, x.N, threads);
                        }
                    },
                    shapes.Sum(x => x.Flops),
                    seconds);
                points.Add(new GemmCurvePoint(rows, inputs, outputs, (median ? r.MedianRate : r.Rate) / peak, r.Repetitions));
            }
        }

        return points;
    }

    /// <summary>
    /// The relative least-squares fit of <c>E · m / (m + m½)</c> to <paramref name="points"/> (each point's error divided
    /// by its efficiency, so the small-row points, whose step times the curve must also predict, weigh as much as the
    /// large ones): for each <c>m½</c> on a log grid from 0.01 to 10,000 rows (1,201 values), <c>E</c> in closed form
    /// (<c>Σ(x/y) / Σ(x/y)²</c> with <c>x = m / (m + m½)</c>), keeping the pair of least error; <c>E</c> is clamped to 1.
    /// </summary>
    public static GemmCurveFit Fit(IReadOnlyList<GemmCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Count < 2)
        {
            throw new ArgumentException("At least two points are needed.", nameof(points));
        }

        double bestError = double.PositiveInfinity, bestE = 0, bestHalf = 0;
        for (int i = 0; i <= 1200; i++)
        {
            double half = Math.Pow(10, -2 + (i / 200.0));
            double sxy = 0, sxx = 0;
            foreach (GemmCurvePoint p in points)
            {
                double r = p.Rows / (p.Rows + half) / p.Efficiency;
                sxy += r;
                sxx += r * r;
            }

            double e = Math.Min(1, sxy / sxx);
            double error = points.Sum(p => Math.Pow(((e * p.Rows / (p.Rows + half)) - p.Efficiency) / p.Efficiency, 2));
            if (error < bestError)
            {
                (bestError, bestE, bestHalf) = (error, e, half);
            }
        }

        var fit = new GemmCurveFit(bestE, bestHalf, 0);
        double rms = Math.Sqrt(points.Average(p => Math.Pow((fit.At(p.Rows) - p.Efficiency) / p.Efficiency, 2)));
        return fit with { RmsRelativeResidual = rms };
    }
}
