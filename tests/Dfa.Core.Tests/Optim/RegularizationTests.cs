using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Optim;

public sealed class RegularizationTests
{
    [TestCase(0.0, 0.0)]
    [TestCase(1e-3, 0.0)]
    [TestCase(0.0, 1e-2)]
    [TestCase(1e-3, 1e-2)]
    public void Penalty_MatchesScalarLoop_OverWeightsOnly(double l1, double l2)
    {
        // OptimTestData marks every other parameter as a weight, so the non-weights must be skipped.
        List<Parameter> parameters = OptimTestData.Parameters(91, OptimTestData.Sizes);
        double expected = 0;
        foreach (Parameter p in parameters.Where(p => p.IsWeight))
        {
            foreach (float w in p.Value.Data)
            {
                expected += (l1 * Math.Abs((double)w)) + (l2 * (double)w * w);
            }
        }

        double actual = Regularization.Penalty(parameters, l1, l2);

        Assert.That(actual, Is.EqualTo(expected).Within(1e-12 * Math.Max(1, expected)));
    }

    [Test]
    public void Penalty_HandComputed()
    {
        var weight = new Parameter("fc.weight", new Matrix(1, 3, [1f, -2f, 0f]), isWeight: true);
        var bias = new Parameter("fc.bias", new Matrix(1, 1, [100f]), isWeight: false);

        // 0.1·(1 + 2 + 0) + 0.01·(1 + 4 + 0) = 0.35
        Assert.That(Regularization.Penalty([weight, bias], 0.1, 0.01), Is.EqualTo(0.35).Within(1e-12));
    }

    [TestCase(1e-3, 0.0)]
    [TestCase(0.0, 1e-2)]
    [TestCase(1e-3, 1e-2)]
    public void AddGradient_MatchesScalarLoop_AndLeavesNonWeightsUntouched(double l1, double l2)
    {
        List<Parameter> parameters = OptimTestData.Parameters(93, OptimTestData.Sizes);
        parameters[0].Value.Data[0] = 0f;
        parameters[2].Value.Data[3] = 0f;
        OptimTestData.SetGradients(parameters, new Rng(94));
        float[][] before = [.. parameters.Select(p => (float[])p.Gradient.Data.Clone())];

        Regularization.AddGradient(parameters, l1, l2);

        for (int k = 0; k < parameters.Count; k++)
        {
            Parameter p = parameters[k];
            if (!p.IsWeight)
            {
                Assert.That(p.Gradient.Data, Is.EqualTo(before[k]), p.Name);
                continue;
            }

            for (int i = 0; i < p.Value.Length; i++)
            {
                double w = p.Value.Data[i];
                double expected = before[k][i] + (l1 * Math.Sign(w)) + (2 * l2 * w);
                Assert.That(p.Gradient.Data[i], Is.EqualTo(expected).Within(1e-6), $"{p.Name}[{i}]");
            }
        }
    }

    [Test]
    public void AddGradient_SignOfZeroIsZero()
    {
        var p = new Parameter("w", new Matrix(1, 9), isWeight: true);

        Regularization.AddGradient([p], l1: 0.5, l2: 0.5);

        Assert.That(p.Gradient.Data, Is.All.EqualTo(0f));
    }

    [Test]
    public void RejectsBadArguments()
    {
        List<Parameter> ps = OptimTestData.Parameters(1, 3);
        Assert.Multiple(() =>
        {
            Assert.That(() => Regularization.Penalty(ps, -1e-3, 0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Regularization.Penalty(ps, 0, double.NaN), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Regularization.AddGradient(ps, 0, -1e-3), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => Regularization.Penalty(null!, 0, 0), Throws.ArgumentNullException);
            Assert.That(() => Regularization.AddGradient(null!, 0, 0), Throws.ArgumentNullException);
        });
    }
}
