namespace Dfa.Runs.Plots;

/// <summary>One line of a <see cref="CurveChart"/>: y against x, solid or dashed, in the palette colour <paramref name="Color"/> (default: its index).</summary>
public sealed record Curve(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y, bool Dashed = false, int? Color = null)
{
    /// <summary>Points with a non-finite y (a diverged epoch, an undefined angle) are left out rather than drawn as spikes.</summary>
    public (double[] X, double[] Y) FinitePoints()
    {
        var xs = new List<double>(X.Count);
        var ys = new List<double>(Y.Count);
        for (int i = 0; i < Math.Min(X.Count, Y.Count); i++)
        {
            if (double.IsFinite(X[i]) && double.IsFinite(Y[i]))
            {
                xs.Add(X[i]);
                ys.Add(Y[i]);
            }
        }

        return (xs.ToArray(), ys.ToArray());
    }
}
