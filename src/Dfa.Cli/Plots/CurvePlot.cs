using Dfa.Runs.Plots;
using ScottPlot;

namespace Dfa.Cli.Plots;

/// <summary>
/// Line charts of training curves (ScottPlot, PNG bytes): the run plots of <c>dfa train</c> and the overlays of
/// <c>dfa compare</c> and <c>dfa experiment</c>. Curves keep their order in the legend, which sits right of the data
/// area (never over a curve), and the same curve index gets the same colour in every chart of a report (ScottPlot's
/// category-10 palette), so one backend or setting is one colour throughout. A log axis labels several values
/// (<see cref="AxisTicks"/>); an axis of whole numbers (epochs, steps) has whole-number ticks only.
/// </summary>
internal sealed class CurvePlot : ICurvePlotter
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    public byte[] Png(CurveChart chart) => Build(chart).GetImageBytes(900, 560, ImageFormat.Png);

    /// <summary>The chart as a ScottPlot plot, ready to render.</summary>
    internal static Plot Build(CurveChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        IReadOnlyList<Curve> curves = chart.Curves;
        var plot = new Plot();
        bool wholeX = true;
        for (int i = 0; i < curves.Count; i++)
        {
            (double[] xs, double[] ys) = curves[i].FinitePoints();
            if (chart.LogY)
            {
                // Non-positive values have no place on a log axis.
                var keep = ys.Select((y, k) => (y, k)).Where(t => t.y > 0).Select(t => t.k).ToArray();
                xs = keep.Select(k => xs[k]).ToArray();
                ys = keep.Select(k => Math.Log10(ys[k])).ToArray();
            }

            wholeX &= xs.All(x => x == Math.Round(x));
            var line = plot.Add.Scatter(xs, ys, Palette.GetColor((curves[i].Color ?? i) % Palette.Colors.Length));
            line.LegendText = curves[i].Name;
            line.MarkerSize = xs.Length <= 40 ? 4 : 0;
            line.LineWidth = 2;
            if (curves[i].Dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }

        if (chart.YMin is not null || chart.YMax is not null)
        {
            AxisLimits limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(chart.YMin ?? limits.Bottom, chart.YMax ?? limits.Top);
        }

        if (chart.LogY)
        {
            LogAxis(plot, plot.Axes.Left);
        }

        if (wholeX)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        }

        plot.Title(chart.Title);
        plot.Axes.Bottom.Label.Text = chart.XLabel;
        plot.Axes.Left.Label.Text = chart.LogY ? chart.YLabel + " (log scale)" : chart.YLabel;
        if (curves.Count > 1)
        {
            plot.ShowLegend(Edge.Right);
        }

        return plot;
    }

    /// <summary>Labels an axis that plots log10 of its values (<see cref="AxisTicks.Log"/> over the autoscaled range).</summary>
    internal static void LogAxis(Plot plot, IAxis axis)
    {
        plot.Axes.AutoScale();
        AxisLimits limits = plot.Axes.GetLimits();
        (double low, double high) = axis == plot.Axes.Bottom ? (limits.Left, limits.Right) : (limits.Bottom, limits.Top);
        if (!double.IsFinite(low) || !double.IsFinite(high) || high < low)
        {
            // No finite point to plot (a diverged run): nothing to label.
            return;
        }

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (AxisTick t in AxisTicks.Log(low, high))
        {
            if (t.Label is { } label)
            {
                ticks.AddMajor(t.Position, label);
            }
            else
            {
                ticks.AddMinor(t.Position);
            }
        }

        axis.TickGenerator = ticks;
    }
}
