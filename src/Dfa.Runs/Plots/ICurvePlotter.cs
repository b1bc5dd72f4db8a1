namespace Dfa.Runs.Plots;

/// <summary>
/// Draws charts as PNG bytes. The runs library decides what to chart and where the file goes; the host program draws
/// (the <c>dfa</c> command with ScottPlot). A run with no plotter writes no PNG.
/// </summary>
public interface ICurvePlotter
{
    /// <summary>A PNG of <paramref name="chart"/>.</summary>
    byte[] Png(CurveChart chart);

    /// <summary>A PNG of <paramref name="chart"/>.</summary>
    byte[] Png(MapChart chart);
}
