namespace Dfa.Runs.Plots;

/// <summary>
/// A map of one number over two varied settings, as data: cell <c>[row, column]</c> is the value at row setting
/// <c>row</c> (bottom to top) and column setting <c>column</c> (left to right), coloured on one scale and labelled with
/// its text. An <see cref="ICurvePlotter"/> draws it.
/// </summary>
/// <param name="Title">The chart's title.</param>
/// <param name="XLabel">The column setting's name.</param>
/// <param name="YLabel">The row setting's name.</param>
/// <param name="Columns">The column settings, left to right.</param>
/// <param name="Rows">The row settings, bottom to top.</param>
/// <param name="Values">The values (NaN: none), <c>[row, column]</c>.</param>
/// <param name="Texts">Each cell's label, <c>[row, column]</c>.</param>
/// <param name="ScaleLabel">What the colour scale measures.</param>
public sealed record MapChart(
    string Title, string XLabel, string YLabel, IReadOnlyList<string> Columns, IReadOnlyList<string> Rows, double[,] Values, string[,] Texts, string ScaleLabel);
