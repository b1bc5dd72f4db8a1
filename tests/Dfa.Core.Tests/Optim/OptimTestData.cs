using Dfa.Core.Layers;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Optim;

/// <summary>Seeded parameters and gradients for the optimizer tests, sized so every SIMD body and tail runs.</summary>
internal static class OptimTestData
{
    /// <summary>Lengths on both sides of 4-, 8- and 16-float vector widths.</summary>
    public static readonly int[] Sizes = [1, 7, 8, 9, 31, 33, 257];

    public static List<Parameter> Parameters(ulong seed, params int[] sizes)
    {
        var rng = new Rng(seed);
        var parameters = new List<Parameter>();
        for (int k = 0; k < sizes.Length; k++)
        {
            var p = new Parameter($"p{k}", new Matrix(1, sizes[k]), isWeight: k % 2 == 0);
            Fill(p.Value.Data, rng, 1.0);
            parameters.Add(p);
        }

        return parameters;
    }

    /// <summary>Fresh N(0, scale²) gradients for every parameter.</summary>
    public static void SetGradients(IReadOnlyList<Parameter> parameters, Rng rng, double scale = 1.0)
    {
        foreach (Parameter p in parameters)
        {
            Fill(p.Gradient.Data, rng, scale);
        }
    }

    public static double[][] ToDouble(IReadOnlyList<Parameter> parameters, bool gradient = false) =>
        [.. parameters.Select(p => (gradient ? p.Gradient.Data : p.Value.Data).Select(x => (double)x).ToArray())];

    public static List<Parameter> Clone(IReadOnlyList<Parameter> parameters) =>
        [.. parameters.Select(p => new Parameter(p.Name, p.Value.Clone(), p.IsWeight))];

    /// <summary>Asserts <c>|actual − expected| ≤ tol·max(1, |expected|)</c> element by element.</summary>
    public static void AssertClose(IReadOnlyList<float[]> actual, double[][] expected, double tol, string what)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Length), what);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.That(actual[k], Has.Length.EqualTo(expected[k].Length), $"{what}[{k}]");
            for (int i = 0; i < expected[k].Length; i++)
            {
                double e = expected[k][i];
                Assert.That(actual[k][i], Is.EqualTo(e).Within(tol * Math.Max(1.0, Math.Abs(e))), $"{what}[{k}][{i}]");
            }
        }
    }

    public static IReadOnlyList<float[]> Values(IReadOnlyList<Parameter> parameters) => [.. parameters.Select(p => p.Value.Data)];

    private static void Fill(float[] data, Rng rng, double scale)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(scale * rng.NextGaussian());
        }
    }
}
