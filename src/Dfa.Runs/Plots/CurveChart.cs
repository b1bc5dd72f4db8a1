namespace Dfa.Runs.Plots;

/// <summary>The corner a chart's legend sits in: the one its curves leave free.</summary>
public enum LegendCorner
{
    UpperRight,
    LowerRight,
    LowerLeft,
    UpperLeft,
}

/// <summary>
/// A line chart of training curves, as data: what a run folder's <c>loss.png</c>, <c>accuracy.png</c> and
/// <c>alignment.png</c> and the overlays of comparisons and experiments show. An <see cref="ICurvePlotter"/> draws it.
/// </summary>
/// <param name="Title">The chart's title.</param>
/// <param name="XLabel">The x axis label.</param>
/// <param name="YLabel">The y axis label.</param>
/// <param name="Curves">The lines, in legend order; curve <c>i</c> takes palette colour <c>Color ?? i</c>.</param>
/// <param name="LogY">Plot y on a log scale (non-positive points dropped).</param>
/// <param name="YMin">Lower y limit; automatic when null.</param>
/// <param name="YMax">Upper y limit; automatic when null.</param>
/// <param name="Legend">Where the legend goes (a falling loss: upper right; a rising accuracy: lower right; an angle falling from 90°: lower left).</param>
/// <param name="LogX">Plot x on a log scale (non-positive points dropped).</param>
/// <param name="XTicks">Named x positions (settings that are not numbers, drawn at 0, 1, 2, …); null: numeric ticks.</param>
public sealed record CurveChart(
    string Title, string XLabel, string YLabel, IReadOnlyList<Curve> Curves, bool LogY = false, double? YMin = null, double? YMax = null,
    LegendCorner Legend = LegendCorner.UpperRight, bool LogX = false, IReadOnlyList<string>? XTicks = null);
