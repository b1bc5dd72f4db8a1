using Dfa.Runs.Plots;
using ScottPlot;

namespace Dfa.Cli.Plots;

/// <summary>
/// Line charts of training curves (ScottPlot, PNG bytes): the run plots of <c>dfa train</c> and the overlays of
/// <c>dfa compare</c> and <c>dfa experiment</c>. Curves keep their order in the legend, and the same curve index gets
/// the same colour in every chart of a report (ScottPlot's category-10 palette), so one backend or setting is one
/// colour throughout.
/// </summary>
internal sealed class CurvePlot : ICurvePlotter
{
    public byte[] Png(CurveChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        Alignment legend = chart.Legend switch
        {
            LegendCorner.LowerRight => Alignment.LowerRight,
            LegendCorner.LowerLeft => Alignment.LowerLeft,
            LegendCorner.UpperLeft => Alignment.UpperLeft,
            _ => Alignment.UpperRight,
        };
        return Png(chart.Title, chart.XLabel, chart.YLabel, chart.Curves, chart.LogY, chart.YMin, chart.YMax, legend);
    }

    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>A 900×560 PNG of <paramref name="curves"/>.</summary>
    /// <param name="title">The chart's title.</param>
    /// <param name="xLabel">The x axis label.</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="curves">The lines, in legend order.</param>
    /// <param name="logY">Plot log10 of y (non-positive points dropped), with ticks labelled in y.</param>
    /// <param name="yMin">Lower y limit; automatic when null.</param>
    /// <param name="yMax">Upper y limit; automatic when null.</param>
    /// <param name="legend">Where the legend goes: the corner the curves leave free (a falling loss: upper right; a rising
    /// accuracy: lower right; an angle falling from 90°: lower left).</param>
    public static byte[] Png(
        string title, string xLabel, string yLabel, IReadOnlyList<Curve> curves, bool logY = false, double? yMin = null, double? yMax = null,
        Alignment legend = Alignment.UpperRight)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        for (int i = 0; i < curves.Count; i++)
        {
            (double[] xs, double[] ys) = curves[i].FinitePoints();
            if (logY)
            {
                // Non-positive values have no place on a log axis.
                var keep = ys.Select((y, k) => (y, k)).Where(t => t.y > 0).Select(t => t.k).ToArray();
                xs = keep.Select(k => xs[k]).ToArray();
                ys = keep.Select(k => Math.Log10(ys[k])).ToArray();
            }

            var line = plot.Add.Scatter(xs, ys, Palette.GetColor((curves[i].Color ?? i) % Palette.Colors.Length));
            line.LegendText = curves[i].Name;
            line.MarkerSize = xs.Length <= 40 ? 4 : 0;
            line.LineWidth = 2;
            if (curves[i].Dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }
        }

        if (logY)
        {
            plot.Axes.Left.TickGenerator = LogTicks();
        }

        if (yMin is not null || yMax is not null)
        {
            AxisLimits limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(yMin ?? limits.Bottom, yMax ?? limits.Top);
        }

        plot.Title(title);
        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = logY ? yLabel + " (log scale)" : yLabel;
        if (curves.Count > 1)
        {
            plot.ShowLegend(legend);
        }

        return plot.GetImageBytes(900, 560, ImageFormat.Png);
    }

    /// <summary>Ticks for an axis that plots log10 of its values: labels show the values themselves.</summary>
    public static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
    };
}
