using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Testing;

namespace Dfa.Core.Tests.Optim;

public sealed class AdamCheckedStepTests
{
    private static readonly int[] Sizes = [1, 15, 17, ParameterChunks.ChunkSize + 33, 300];

    private static Parameter[] Build() =>
        Sizes.Select((n, i) => new Parameter($"p{i}", TestData.RandomMatrix(1, n, (ulong)i), isWeight: true)).ToArray();

    private static void SetGradients(Parameter[] ps, int step)
    {
        for (int i = 0; i < ps.Length; i++)
        {
            TestData.RandomMatrix(1, Sizes[i], (ulong)((100 * step) + i)).CopyTo(ps[i].Gradient);
        }
    }

    [TestCase(1)]
    [TestCase(2)]
    public void StepChecked_IsBitIdenticalToStep_AndToAScalarReference(int threads)
    {
        Parameter[] plain = Build(), checkedParams = Build(), reference = Build();
        var a = new Adam(plain, 1e-2, weightDecay: 1e-2, threads: threads);
        var b = new Adam(checkedParams, 1e-2, weightDecay: 1e-2, threads: threads);
        var m = reference.Select(p => new double[p.Value.Length]).ToArray();
        var v = reference.Select(p => new double[p.Value.Length]).ToArray();
        for (int step = 1; step <= 3; step++)
        {
            SetGradients(plain, step);
            SetGradients(checkedParams, step);
            SetGradients(reference, step);
            a.Step();
            Assert.That(((ICheckedStep)b).StepChecked(), Is.EqualTo(new StepFaults(-1, -1)));
            for (int i = 0; i < Sizes.Length; i++)
            {
                Assert.That(checkedParams[i].Value.Data, Is.EqualTo(plain[i].Value.Data), $"step {step}, parameter {i}");
                AdamReference(reference[i], m[i], v[i], step, 1e-2, 0.9, 0.999, 1e-8, 1e-2);
                Assert.That(checkedParams[i].Value.Data, Is.EqualTo(reference[i].Value.Data).Within(1e-5), $"reference, step {step}, parameter {i}");
            }
        }

        Assert.That(b.StepCount, Is.EqualTo(3));
    }

    [Test]
    public void StepChecked_ReportsTheFirstNonFiniteGradient_AndDoesNotCountTheStep()
    {
        Parameter[] ps = Build();
        var adam = new Adam(ps, 1e-2, threads: 2);
        SetGradients(ps, 1);
        ps[3].Gradient.Data[ParameterChunks.ChunkSize + 5] = float.NaN;
        ps[4].Gradient.Data[7] = float.PositiveInfinity;

        Assert.That(((ICheckedStep)adam).StepChecked(), Is.EqualTo(new StepFaults(3, -1)));
        Assert.That(adam.StepCount, Is.Zero);
    }

    [Test]
    public void StepChecked_ReportsTheFirstNonFiniteValue()
    {
        Parameter[] ps = Build();
        var adam = new Adam(ps, 1e-2, threads: 2);
        SetGradients(ps, 1);
        ps[2].Value.Data[3] = float.PositiveInfinity;

        Assert.That(((ICheckedStep)adam).StepChecked(), Is.EqualTo(new StepFaults(-1, 2)));
        Assert.That(adam.StepCount, Is.EqualTo(1));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(33)]
    [TestCase(64)]
    public void FiniteCheck_FindsANonFiniteValueAnywhere(int length)
    {
        float[] x = TestData.RandomMatrix(1, Math.Max(length, 1), 1).Data[..length];
        Assert.That(FiniteCheck.AllFinite(x), Is.True);
        for (int i = 0; i < length; i++)
        {
            foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
            {
                float saved = x[i];
                x[i] = bad;
                Assert.That(FiniteCheck.AllFinite(x), Is.False, $"{bad} at {i} of {length}");
                x[i] = saved;
            }
        }
    }

    /// <summary>PyTorch's Adam in double, the formula of the class remarks.</summary>
    private static void AdamReference(Parameter p, double[] m, double[] v, int t, double lr, double b1, double b2, double eps, double wd)
    {
        float[] w = p.Value.Data;
        float[] g = p.Gradient.Data;
        for (int i = 0; i < w.Length; i++)
        {
            double grad = g[i] + (wd * w[i]);
            m[i] = (b1 * m[i]) + ((1 - b1) * grad);
            v[i] = (b2 * v[i]) + ((1 - b2) * grad * grad);
            double denom = (Math.Sqrt(v[i]) / Math.Sqrt(1 - Math.Pow(b2, t))) + eps;
            w[i] = (float)(w[i] - (lr / (1 - Math.Pow(b1, t)) * m[i] / denom));
        }
    }
}
