using Dfa.Core.Optim;

namespace Dfa.Core.Tests.Optim;

/// <summary>
/// HDFA's vectorised update against a plain scalar loop written here: the same bits for every length (vector body and
/// scalar tail), both step kinds, with and without a previous BP step.
/// </summary>
public sealed class HdfaVectorTests
{
    private static float[] Random(Random rng, int n, float scale, bool positive = false) =>
        [.. Enumerable.Range(0, n).Select(_ => (float)((positive ? rng.NextDouble() : rng.NextDouble() - 0.5) * scale))];

    private static HdfaOptimizer.Coefficients Coefficients(bool backprop, bool first, bool hasBackprop) => new(
        Backprop: backprop, First: first, LearningRate: 1e-3f, WeightDecay: 1e-4f, Gamma: 0.9f, Momentum: 0.9f, OneMinusDampening: 0.9f,
        Beta1: 0.9f, Beta2: 0.999f, Eps: 1e-8f, Correction1: 0.271f, Correction2Sqrt: 0.0563f, HasBackprop: hasBackprop, BpCorrection1: 0.19f, BpCorrection2Sqrt: 0.0447f);

    [Test]
    public void Adam_EqualsTheScalarLoop_BitForBit(
        [Values(1, 7, 8, 17, 64, 1001)] int n, [Values] bool backprop, [Values] bool hasBackprop)
    {
        var rng = new Random(n);
        float[] w = Random(rng, n, 2), grad = Random(rng, n, 1), m = Random(rng, n, 0.1f), v = Random(rng, n, 0.01f, positive: true);
        float[] bpM = Random(rng, n, 0.1f), bpV = Random(rng, n, 0.01f, positive: true);
        float[] w2 = [.. w], m2 = [.. m], v2 = [.. v];
        HdfaOptimizer.Coefficients c = Coefficients(backprop, false, hasBackprop);

        HdfaOptimizer.UpdateAdam(w, grad, m, v, bpM, bpV, c);
        for (int k = 0; k < n; k++)
        {
            float g = grad[k] + (c.WeightDecay * w2[k]);
            float mk = (c.Beta1 * m2[k]) + ((1f - c.Beta1) * g);
            float vk = (c.Beta2 * v2[k]) + ((1f - c.Beta2) * (g * g));
            m2[k] = mk;
            v2[k] = vk;
            float u = (mk / c.Correction1) / ((MathF.Sqrt(vk) / c.Correction2Sqrt) + c.Eps);
            if (!backprop)
            {
                float dBp = hasBackprop ? (bpM[k] / c.BpCorrection1) / ((MathF.Sqrt(bpV[k]) / c.BpCorrection2Sqrt) + c.Eps) : 0f;
                u = (c.Gamma * u) + ((1f - c.Gamma) * dBp);
            }

            w2[k] -= c.LearningRate * u;
        }

        Assert.That(w, Is.EqualTo(w2));
        Assert.That(m, Is.EqualTo(m2));
        Assert.That(v, Is.EqualTo(v2));
    }

    [Test]
    public void Sgd_EqualsTheScalarLoop_BitForBit([Values(1, 9, 16, 1003)] int n, [Values] bool backprop, [Values] bool first)
    {
        var rng = new Random(n + 5);
        float[] w = Random(rng, n, 2), grad = Random(rng, n, 1), own = Random(rng, n, 0.1f), bp = Random(rng, n, 0.1f);
        float[] w2 = [.. w], own2 = [.. own];
        HdfaOptimizer.Coefficients c = Coefficients(backprop, first, true);

        HdfaOptimizer.UpdateSgd(w, grad, own, bp, c);
        for (int k = 0; k < n; k++)
        {
            float g = grad[k] + (c.WeightDecay * w2[k]);
            float v = first ? g : (c.Momentum * own2[k]) + (c.OneMinusDampening * g);
            own2[k] = v;
            float u = backprop ? v : (c.Gamma * v) + ((1f - c.Gamma) * bp[k]);
            w2[k] -= c.LearningRate * u;
        }

        Assert.That(w, Is.EqualTo(w2));
        Assert.That(own, Is.EqualTo(own2));
    }
}
