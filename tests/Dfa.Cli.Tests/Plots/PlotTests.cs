using System.Globalization;
using Dfa.Cli.Costing;
using Dfa.Cli.Plots;
using Dfa.Runs.Costing;
using Dfa.Runs.Plots;
using ScottPlot;

namespace Dfa.Cli.Tests.Plots;

/// <summary>Readable plots: labelled log axes, integer epoch ticks, legends and crossover labels off the data and tick rows.</summary>
public sealed class PlotTests
{
    private static string[] MajorLabels(IAxis axis) => [.. axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label)];

    private static double[] MajorPositions(IAxis axis) => [.. axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position)];

    private static Plot Render(Plot plot)
    {
        _ = plot.GetImageBytes(900, 560, ImageFormat.Png);
        return plot;
    }

    private static CurveChart LossChart(double[] train, double[] test)
    {
        double[] epochs = [.. Enumerable.Range(1, train.Length).Select(e => (double)e)];
        return new CurveChart("Loss", "epoch", "cross-entropy", [new Curve("train", epochs, train), new Curve("test", epochs, test)], LogY: true);
    }

    /// <summary>A loss from 2.3 down to 0.6 spans less than a decade: the one decade tick ("1") alone says nothing.</summary>
    [Test]
    public void LogAxis_WithinOneDecade_LabelsSeveralReadableValues()
    {
        Plot plot = Render(CurvePlot.Build(LossChart([2.26, 1.87, 1.23, 0.90, 0.76, 0.70, 0.65], [2.18, 1.53, 1.05, 0.88, 0.80, 0.75, 0.75])));

        string[] labels = MajorLabels(plot.Axes.Left);
        Assert.That(labels, Has.Length.GreaterThanOrEqualTo(3), string.Join(" ", labels));
        double[] values = [.. labels.Select(l => double.Parse(l, CultureInfo.InvariantCulture))];
        double[] expected = [.. MajorPositions(plot.Axes.Left).Select(p => Math.Pow(10, p))];
        Assert.That(values, Is.EqualTo(expected).Within(1e-9).Percent, "each label is the value at its position");
        Assert.That(values.Min(), Is.LessThanOrEqualTo(0.7));
        Assert.That(values.Max(), Is.GreaterThanOrEqualTo(2));
    }

    [Test]
    public void LogAxis_OverSeveralDecades_LabelsEveryDecade()
    {
        Plot plot = Render(CurvePlot.Build(LossChart([3, 0.3, 0.03, 0.003, 0.0004], [3, 0.5, 0.1, 0.05, 0.04])));

        Assert.That(MajorLabels(plot.Axes.Left), Is.SupersetOf(new[] { "0.001", "0.01", "0.1", "1" }));
        Assert.That(plot.Axes.Left.TickGenerator.Ticks.Count(t => !t.IsMajor), Is.GreaterThan(0), "minor ticks between decades");
    }

    [TestCase(3)]
    [TestCase(7)]
    [TestCase(30)]
    public void EpochAxis_HasWholeNumberTicksOnly(int epochs)
    {
        double[] loss = [.. Enumerable.Range(1, epochs).Select(e => 2.0 / e)];
        Plot plot = Render(CurvePlot.Build(LossChart(loss, loss)));

        double[] positions = MajorPositions(plot.Axes.Bottom);
        Assert.That(positions, Is.Not.Empty);
        Assert.That(positions, Has.All.Matches<double>(p => p == Math.Round(p)), string.Join(" ", positions));
    }

    [Test]
    public void Legend_IsOutsideTheDataArea()
    {
        Plot plot = Render(CurvePlot.Build(LossChart([2, 1, 0.5], [2, 1.2, 0.8])));

        Assert.That(plot.Legend.IsVisible, Is.False, "no legend inside the data area");
        Assert.That(plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Count(), Is.EqualTo(1), "a legend panel beside it");
    }

    [Test]
    public void SweepPlot_LabelsDecadesOnBothAxes_AndPutsTheCrossoverInTheLegend()
    {
        var x = SweepAxis.Parse("optical.frame_time_s=1e-6:1e-3:log:7");
        SweepPoint[] points = [.. x.Values().Select(v => new SweepPoint(v, null, new Dictionary<string, double> { ["dense"] = 0.83, ["optical"] = 0.59 + (4000 * v) }, v < 6e-5 ? "optical" : "dense"))];
        Crossover[] crossovers = [new Crossover(null, 6e-5, "optical", "dense")];

        Plot plot = Render(SweepPlot.BuildLines(x, ["dense", "optical"], points, crossovers, "time_s", "t"));

        Assert.That(MajorLabels(plot.Axes.Bottom), Is.SupersetOf(new[] { "1e-6", "1e-5", "1e-4", "0.001" }));
        Assert.That(MajorLabels(plot.Axes.Left), Has.Length.GreaterThanOrEqualTo(3));
        ScottPlot.Plottables.VerticalLine line = plot.GetPlottables<ScottPlot.Plottables.VerticalLine>().Single();
        Assert.That(line.LabelText, Is.Empty, "no label on the tick row");
        Assert.That(line.LegendText, Does.Contain("optical → dense at 6e-5"));
        Assert.That(plot.Legend.IsVisible, Is.False);
    }
}
