using Dfa.Core.Data;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Testing;

/// <summary>Seeded random matrices and datasets for tests.</summary>
public static class TestData
{
    public static Matrix RandomMatrix(int rows, int cols, ulong seed, float scale = 1f)
    {
        var rng = new Rng(seed);
        var m = new Matrix(rows, cols);
        for (int i = 0; i < m.Length; i++)
        {
            m.Data[i] = scale * (float)rng.NextGaussian();
        }

        return m;
    }

    /// <summary>
    /// A linearly separable-ish toy set: Gaussian blobs around random class centres. The centres come from
    /// <paramref name="seed"/> and the samples from <paramref name="sampleSeed"/>, so sets with the same seed and
    /// different sample seeds are independent draws of the same problem (train, validation, test).
    /// </summary>
    public static Dataset Blobs(int count, int features, int classes, ulong seed, double spread = 0.5, ulong? sampleSeed = null)
    {
        var centreRng = new Rng(seed);
        var centres = new double[classes * features];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = centreRng.NextGaussian();
        }

        Rng rng = sampleSeed is { } samples ? Rng.Derive(samples, "blob-samples") : centreRng;

        var inputs = new float[count * features];
        var labels = new int[count];
        for (int s = 0; s < count; s++)
        {
            int c = s % classes;
            labels[s] = c;
            for (int f = 0; f < features; f++)
            {
                inputs[(s * features) + f] = (float)(centres[(c * features) + f] + (spread * rng.NextGaussian()));
            }
        }

        return new Dataset($"blobs-{seed}", features, classes, inputs, labels);
    }

    public static MathNet.Numerics.LinearAlgebra.Matrix<double> ToMathNet(Matrix m) =>
        MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m.Rows, m.Cols, (i, j) => m[i, j]);
}
