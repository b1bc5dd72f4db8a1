using Dfa.Backends.Encoding;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Tests;

public sealed class TernarizerTests
{
    [Test]
    public void PerSign_GivesBackAnEarlySoftmaxError_WhereASharedScaleGivesTheCommonVector()
    {
        // p = 0.1 everywhere, label 3: e = p − onehot. Every component passes the 0.1 threshold.
        var error = new Matrix(1, 10);
        error.Span.Fill(0.1f);
        error[0, 3] = -0.9f;
        var perSign = new Matrix(1, 10);
        var shared = new Matrix(1, 10);
        Ternarizer.EncodePerSign(error, 0.1, perSign);
        Ternarizer.Encode(error, 0.1, shared);
        Assert.That(perSign.Data, Is.EqualTo(error.Data).Within(1e-6f), "per-sign scales recover the error itself");
        Assert.That(shared.Data.Sum(), Is.EqualTo(0.18f * 8).Within(1e-5f), "a shared scale leaves a large common component");
    }

    [Test]
    public void PerSign_MatchesAPlainReference_OnRandomErrors()
    {
        Matrix error = Dfa.Testing.TestData.RandomMatrix(20, 33, seed: 4);
        var encoded = new Matrix(20, 33);
        Ternarizer.EncodePerSign(error, 0.3, encoded);
        for (int r = 0; r < 20; r++)
        {
            float[] row = error.Row(r).ToArray();
            double max = row.Max(v => Math.Abs(v));
            float cut = (float)(0.3 * max);
            double[] plus = row.Where(v => v > cut).Select(v => (double)v).ToArray();
            double[] minus = row.Where(v => v < -cut).Select(v => (double)-v).ToArray();
            for (int i = 0; i < 33; i++)
            {
                double expected = row[i] > cut ? plus.Average() : row[i] < -cut ? -minus.Average() : 0;
                Assert.That(encoded[r, i], Is.EqualTo(expected).Within(1e-5), $"row {r} component {i}");
            }
        }
    }
}
