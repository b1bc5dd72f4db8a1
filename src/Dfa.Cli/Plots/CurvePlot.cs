using Dfa.Runs.Plots;
using ScottPlot;

namespace Dfa.Cli.Plots;

/// <summary>
/// Charts as PNG bytes (ScottPlot): line charts of training curves (the run plots of <c>dfa train</c>, the overlays of
/// <c>dfa compare</c> and <c>dfa experiment</c>), a study's accuracy bands and Pareto scatters, and its maps. Curves keep their order in the legend, and the same curve index gets
/// the same colour in every chart of a report (ScottPlot's category-10 palette), so one backend or setting is one
/// colour throughout.
/// </summary>
internal sealed class CurvePlot : ICurvePlotter
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new();

    /// <summary>
    /// A 900×560 PNG of the chart: lines (markers when short), a shaded band or error bars where a curve has a spread,
    /// point labels, log axes with ticks labelled in the values (non-positive points dropped), named x ticks.
    /// </summary>
    public byte[] Png(CurveChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var plot = new Plot();
        double Fx(double x) => chart.LogX ? Math.Log10(x) : x;
        double Fy(double y) => chart.LogY ? Math.Log10(y) : y;
        for (int i = 0; i < chart.Curves.Count; i++)
        {
            Curve curve = chart.Curves[i];
            int[] kept = curve.Kept().Where(k => (!chart.LogX || curve.X[k] > 0) && (!chart.LogY || curve.Y[k] > 0)).ToArray();
            double[] xs = kept.Select(k => Fx(curve.X[k])).ToArray(), ys = kept.Select(k => Fy(curve.Y[k])).ToArray();
            Color color = Palette.GetColor((curve.Color ?? i) % Palette.Colors.Length);
            if (curve.Lower is { } lower && curve.Upper is { } upper && !chart.LogY && kept.Length > 0)
            {
                if (curve.MarkersOnly)
                {
                    plot.Add.ErrorBar(xs, ys, kept.Select(k => (upper[k] - lower[k]) / 2).ToArray()).Color = color;
                }
                else
                {
                    var band = plot.Add.FillY(xs, kept.Select(k => lower[k]).ToArray(), kept.Select(k => upper[k]).ToArray());
                    band.FillColor = color.WithAlpha(0.2);
                    band.LineWidth = 0;
                }
            }

            var line = curve.MarkersOnly ? plot.Add.ScatterPoints(xs, ys, color) : plot.Add.Scatter(xs, ys, color);
            line.LegendText = curve.Name;
            line.MarkerSize = curve.MarkersOnly ? 7 : xs.Length <= 40 ? 4 : 0;
            line.LineWidth = curve.MarkersOnly ? 0 : 2;
            if (curve.Dashed)
            {
                line.LinePattern = LinePattern.Dashed;
            }

            for (int j = 0; curve.Labels is { } labels && j < kept.Length; j++)
            {
                var text = plot.Add.Text(labels[kept[j]], xs[j], ys[j]);
                text.LabelFontSize = 11;
                text.LabelAlignment = Alignment.LowerLeft;
                text.LabelOffsetX = 4;
            }
        }

        if (chart.LogY)
        {
            plot.Axes.Left.TickGenerator = LogTicks();
        }

        if (chart.LogX)
        {
            plot.Axes.Bottom.TickGenerator = LogTicks();
        }

        if (chart.XTicks is { } ticks)
        {
            plot.Axes.Bottom.SetTicks(ticks.Select((_, k) => (double)k).ToArray(), ticks.ToArray());
        }

        if (chart.YMin is not null || chart.YMax is not null)
        {
            AxisLimits limits = plot.Axes.GetLimits();
            plot.Axes.SetLimitsY(chart.YMin ?? limits.Bottom, chart.YMax ?? limits.Top);
        }

        plot.Title(chart.Title);
        plot.Axes.Bottom.Label.Text = chart.LogX ? chart.XLabel + " (log scale)" : chart.XLabel;
        plot.Axes.Left.Label.Text = chart.LogY ? chart.YLabel + " (log scale)" : chart.YLabel;
        if (chart.Curves.Count > 1)
        {
            plot.ShowLegend(chart.Legend switch
            {
                LegendCorner.LowerRight => Alignment.LowerRight,
                LegendCorner.LowerLeft => Alignment.LowerLeft,
                LegendCorner.UpperLeft => Alignment.UpperLeft,
                _ => Alignment.UpperRight,
            });
        }

        return plot.GetImageBytes(900, 560, ImageFormat.Png);
    }

    /// <summary>A 900×640 PNG of the map: a heatmap with a colour bar, each cell labelled, the settings as ticks.</summary>
    public byte[] Png(MapChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        var plot = new Plot();
        int rows = chart.Rows.Count, columns = chart.Columns.Count;
        var flipped = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                flipped[rows - 1 - r, c] = chart.Values[r, c]; // a heatmap's row 0 is drawn at the top
                var text = plot.Add.Text(chart.Texts[r, c] ?? string.Empty, c, r);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontSize = 12;
                text.LabelBackgroundColor = Colors.White.WithAlpha(0.6);
            }
        }

        var heatmap = plot.Add.Heatmap(flipped);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.Extent = new CoordinateRect(-0.5, columns - 0.5, -0.5, rows - 0.5);
        plot.MoveToBack(heatmap);
        plot.Add.ColorBar(heatmap).Label = chart.ScaleLabel;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, columns).Select(c => (double)c).ToArray(), chart.Columns.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(r => (double)r).ToArray(), chart.Rows.ToArray());
        plot.Axes.Bottom.Label.Text = chart.XLabel;
        plot.Axes.Left.Label.Text = chart.YLabel;
        plot.Title(chart.Title);
        return plot.GetImageBytes(900, 640, ImageFormat.Png);
    }

    /// <summary>Ticks for an axis that plots log10 of its values: labels show the values themselves.</summary>
    public static ScottPlot.TickGenerators.NumericAutomatic LogTicks() => new()
    {
        MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
        IntegerTicksOnly = true,
        LabelFormatter = v => Math.Pow(10, v).ToString("G3", System.Globalization.CultureInfo.InvariantCulture),
    };
}
