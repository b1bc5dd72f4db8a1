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
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    public byte[] Png(CurveChart chart) => Build(chart).GetImageBytes(900, 560, ImageFormat.Png);

    /// <summary>The chart as a ScottPlot plot, ready to render.</summary>
    internal static Plot Build(CurveChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        Alignment legend = chart.Legend switch
        {
            LegendCorner.LowerRight => Alignment.LowerRight,
            LegendCorner.LowerLeft => Alignment.LowerLeft,
            LegendCorner.UpperLeft => Alignment.UpperLeft,
            _ => Alignment.UpperRight,
        };
        IReadOnlyList<Curve> curves = chart.Curves;
        bool logY = chart.LogY;
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

        if (chart.YMin is not null || chart.YMax is not null)
        {
            AxisLimits limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(chart.YMin ?? limits.Bottom, chart.YMax ?? limits.Top);
        }

        plot.Title(chart.Title);
        plot.Axes.Bottom.Label.Text = chart.XLabel;
        plot.Axes.Left.Label.Text = logY ? chart.YLabel + " (log scale)" : chart.YLabel;
        if (curves.Count > 1)
        {
            plot.ShowLegend(legend);
        }

        return plot;
    }

    /// <summary>Ticks for an axis that plots log10 of its values: labels show the values themselves.</summary>
    public static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
    };
}
