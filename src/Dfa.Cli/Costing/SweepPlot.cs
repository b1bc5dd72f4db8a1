using Dfa.Runs.Costing;
using Dfa.Runs.Reports;
using ScottPlot;

namespace Dfa.Cli.Costing;

/// <summary>PNG plots of a sweep (ScottPlot): metric against the varied field per backend, or the map of the cheapest backend.</summary>
internal static class SweepPlot
{
    /// <summary>One line per backend (log axes when the sweep is logarithmic), a vertical line at each crossover.</summary>
    public static byte[] Lines(SweepAxis x, IReadOnlyList<string> backends, IReadOnlyList<SweepPoint> points, IReadOnlyList<Crossover> crossovers, string metric, string title) =>
        BuildLines(x, backends, points, crossovers, metric, title).GetImageBytes(1000, 640, ImageFormat.Png);

    /// <summary>The plot of <see cref="Lines"/>, ready to render.</summary>
    internal static Plot BuildLines(SweepAxis x, IReadOnlyList<string> backends, IReadOnlyList<SweepPoint> points, IReadOnlyList<Crossover> crossovers, string metric, string title)
    {
        var plot = new Plot();
        double Fx(double v) => x.Log ? Math.Log10(v) : v;
        bool logY = points.All(p => p.Metric.Values.All(v => v > 0 || !double.IsFinite(v)));
        double Fy(double v) => logY ? Math.Log10(v) : v;
        foreach (string b in backends)
        {
            var s = plot.Add.Scatter(points.Select(p => Fx(p.X)).ToArray(), points.Select(p => double.IsFinite(p.Metric[b]) ? Fy(p.Metric[b]) : double.NaN).ToArray());
            s.LegendText = b;
            s.MarkerSize = 3;
        }

        foreach (Crossover c in crossovers)
        {
            // In the legend, not on the line: a label at the line's foot would sit on the tick labels.
            var line = plot.Add.VerticalLine(Fx(c.Value));
            line.LineStyle.Pattern = LinePattern.Dashed;
            line.LegendText = $"{c.From} → {c.To} at {Units.Number(c.Value)}";
        }

        if (x.Log)
        {
            Plots.CurvePlot.LogAxis(plot, plot.Axes.Bottom);
        }

        if (logY)
        {
            Plots.CurvePlot.LogAxis(plot, plot.Axes.Left);
        }

        plot.Axes.Bottom.Label.Text = x.Path;
        plot.Axes.Left.Label.Text = metric == "time_s" ? "seconds per training step" : "joules per training step";
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>A map over the two varied fields, coloured by the cheapest backend (the legend names the colours).</summary>
    public static byte[] Map(SweepAxis x, SweepAxis y, IReadOnlyList<string> backends, IReadOnlyList<SweepPoint> points, string title)
    {
        var plot = new Plot();
        double[] xs = x.Values(), ys = y.Values();
        var data = new double[ys.Length, xs.Length];
        for (int j = 0; j < ys.Length; j++)
        {
            for (int i = 0; i < xs.Length; i++)
            {
                // Row 0 of a heatmap is drawn at the top: put the largest y there.
                data[ys.Length - 1 - j, i] = backends.ToList().IndexOf(points[(j * xs.Length) + i].Cheapest);
            }
        }

        var heatmap = plot.Add.Heatmap(data);
        heatmap.Colormap = new ScottPlot.Colormaps.Turbo();
        heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(1, backends.Count - 1)); // the legend's colours, whoever wins
        heatmap.Extent = new CoordinateRect(
            x.Log ? Math.Log10(xs[0]) : xs[0], x.Log ? Math.Log10(xs[^1]) : xs[^1],
            y.Log ? Math.Log10(ys[0]) : ys[0], y.Log ? Math.Log10(ys[^1]) : ys[^1]);
        var colormap = new ScottPlot.Colormaps.Turbo();
        for (int k = 0; k < backends.Count; k++)
        {
            var marker = plot.Add.Marker(double.NaN, double.NaN);
            marker.Color = colormap.GetColor(backends.Count == 1 ? 0 : (double)k / (backends.Count - 1));
            marker.LegendText = backends[k];
        }

        if (x.Log)
        {
            Plots.CurvePlot.LogAxis(plot, plot.Axes.Bottom);
        }

        if (y.Log)
        {
            Plots.CurvePlot.LogAxis(plot, plot.Axes.Left);
        }

        plot.Axes.Bottom.Label.Text = x.Path;
        plot.Axes.Left.Label.Text = y.Path;
        plot.Title(title);
        plot.ShowLegend(Edge.Right);
        return plot.GetImageBytes(1000, 640, ImageFormat.Png);
    }
}
