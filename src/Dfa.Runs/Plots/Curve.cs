namespace Dfa.Runs.Plots;

/// <summary>
/// One series of a <see cref="CurveChart"/>: y against x, solid or dashed, in the palette colour <paramref name="Color"/>
/// (default: its index).
/// </summary>
/// <param name="Name">Its legend text.</param>
/// <param name="X">The x values.</param>
/// <param name="Y">The y values.</param>
/// <param name="Dashed">Draw the line dashed.</param>
/// <param name="Color">The palette colour (default: the series' index).</param>
/// <param name="Lower">With <paramref name="Upper"/>, a spread around each y (e.g. mean ± sd): a shaded band along a line, error bars on markers.</param>
/// <param name="Upper">The upper end of the spread.</param>
/// <param name="MarkersOnly">Draw markers without a connecting line (a scatter of settings).</param>
/// <param name="Labels">A short text beside each point (null: none).</param>
public sealed record Curve(
    string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false, int? Color = null,
    IReadOnlyList<double>? Lower = null, IReadOnlyList<double>? Upper = null, bool MarkersOnly = false, IReadOnlyList<string>? Labels = null)
{
    /// <summary>Points with a non-finite y (a diverged epoch, an undefined angle) are left out rather than drawn as spikes.</summary>
    public (double[] X, double[] Y) FinitePoints()
    {
        int[] kept = Kept();
        return (kept.Select(i => X[i]).ToArray(), kept.Select(i => Y[i]).ToArray());
    }

    /// <summary>The indices of the points <see cref="FinitePoints"/> keeps.</summary>
    public int[] Kept() => Enumerable.Range(0, Math.Min(X.Count, Y.Count)).Where(i => double.IsFinite(X[i]) && double.IsFinite(Y[i])).ToArray();
}
