using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>Initial values shared by the layers that follow PyTorch's defaults, so one seed means one draw order everywhere.</summary>
internal static class ParameterInit
{
    /// <summary>A rows×cols matrix of <c>U(−bound, bound)</c> draws, row-major, one <see cref="Rng.NextDouble"/> each.</summary>
    public static Matrix Uniform(int rows, int cols, double bound, Rng rng)
    {
        var m = new Matrix(rows, cols);
        Span<float> data = m.Span;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(((2.0 * rng.NextDouble()) - 1.0) * bound);
        }

        return m;
    }
}
