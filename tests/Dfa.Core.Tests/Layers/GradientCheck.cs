using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Layers;

/// <summary>
/// Central finite-difference checks of analytic gradients. The scalar loss is <c>L = Σ G ⊙ Y</c> for a fixed random
/// <c>G</c>, so <c>∂L/∂Y = G</c> is what Backward receives. Losses are summed in double from the float32 outputs, and
/// the step is divided by the difference actually stored in float32, so only the outputs' own rounding is noise.
/// </summary>
internal static class GradientCheck
{
    /// <summary>
    /// Step for float32 inputs of order 1: truncation error grows as h² and rounding noise as ε_f32/h, and h = 1e-2
    /// puts both near 1e-5 relative.
    /// </summary>
    public const double Step = 1e-2;

    /// <summary>
    /// Absolute tolerance: output rounding (≈6e-8 relative per element, summed over the elements one input moves)
    /// divided by 2h gives noise around 1e-5…1e-4, and the h² truncation term is of the same order for the smooth
    /// functions here; 2e-3 leaves an order of magnitude of margin while a wrong formula (a missing term, a wrong
    /// sign, a factor of N) is off by far more.
    /// </summary>
    public const double AbsoluteTolerance = 2e-3;

    /// <summary>Relative tolerance on large gradient entries, for the same reasons as <see cref="AbsoluteTolerance"/>.</summary>
    public const double RelativeTolerance = 1e-2;

    public static Matrix Gaussian(int rows, int cols, Rng rng, double scale = 1.0)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++)
        {
            m.Data[i] = (float)(rng.NextGaussian() * scale);
        }

        return m;
    }

    /// <summary>Random signs with magnitudes in [min, max]: keeps every element well away from a kink at 0.</summary>
    public static Matrix AwayFromZero(int rows, int cols, Rng rng, double min = 0.2, double max = 2.0)
    {
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++)
        {
            double magnitude = min + ((max - min) * rng.NextDouble());
            m.Data[i] = (float)(rng.NextDouble() < 0.5 ? -magnitude : magnitude);
        }

        return m;
    }

    public static double Dot(Matrix a, Matrix b)
    {
        Assert.That(b.Rows, Is.EqualTo(a.Rows));
        Assert.That(b.Cols, Is.EqualTo(a.Cols));
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a.Data[i] * b.Data[i];
        }

        return sum;
    }

    /// <summary>Checks every element of <paramref name="analytic"/> against the central difference of <paramref name="loss"/> in <paramref name="values"/>.</summary>
    public static void AssertMatches(
        Matrix values, Matrix analytic, Func<double> loss, string what,
        double h = Step, double atol = AbsoluteTolerance, double rtol = RelativeTolerance)
    {
        Assert.That(analytic.Length, Is.EqualTo(values.Length), $"{what}: gradient shape");
        for (int i = 0; i < values.Length; i++)
        {
            float original = values.Data[i];
            float plus = (float)(original + h);
            float minus = (float)(original - h);
            values.Data[i] = plus;
            double lossPlus = loss();
            values.Data[i] = minus;
            double lossMinus = loss();
            values.Data[i] = original;
            double numeric = (lossPlus - lossMinus) / ((double)plus - minus);
            double expected = analytic.Data[i];
            double allowed = atol + (rtol * Math.Abs(numeric));
            Assert.That(
                expected, Is.EqualTo(numeric).Within(allowed),
                $"{what}[{i / Math.Max(1, values.Cols)}, {i % Math.Max(1, values.Cols)}]: analytic {expected}, finite difference {numeric}");
        }
    }

    /// <summary>Runs Forward (training) and Backward once, then checks the input gradient and every parameter gradient.</summary>
    public static void CheckLayer(ILayer layer, Matrix input, ulong seed, double h = Step, double atol = AbsoluteTolerance, double rtol = RelativeTolerance)
    {
        var rng = new Rng(seed);
        Matrix y = layer.Forward(input, training: true);
        Matrix g = Gaussian(y.Rows, y.Cols, rng);
        Matrix dx = layer.Backward(g, needInputGradient: true)!.Clone();
        var parameterGradients = layer.Parameters.Select(p => p.Gradient.Clone()).ToList();

        double Loss() => Dot(g, layer.Forward(input, training: true));

        AssertMatches(input, dx, Loss, $"{layer.Kind} dL/dx", h, atol, rtol);
        for (int p = 0; p < layer.Parameters.Count; p++)
        {
            Parameter parameter = layer.Parameters[p];
            AssertMatches(parameter.Value, parameterGradients[p], Loss, $"{layer.Kind} dL/d{parameter.Name}", h, atol, rtol);
        }
    }
}
