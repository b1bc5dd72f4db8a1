using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;

namespace Dfa.Core.Tests.Optim;

public sealed class OptimizerStateTests
{
    public static IEnumerable<TestCaseData> Factories()
    {
        yield return new TestCaseData((Func<IReadOnlyList<Parameter>, IStatefulOptimizer>)(ps => new Adam(ps, 1e-2, weightDecay: 1e-3)))
            .SetArgDisplayNames("Adam");
        yield return new TestCaseData((Func<IReadOnlyList<Parameter>, IStatefulOptimizer>)(ps => new Sgd(ps, 1e-2, 0.9, 0.1, false, 1e-3)))
            .SetArgDisplayNames("SGD momentum");
        yield return new TestCaseData((Func<IReadOnlyList<Parameter>, IStatefulOptimizer>)(ps => new Sgd(ps, 1e-2, 0.9, nesterov: true)))
            .SetArgDisplayNames("SGD nesterov");
        yield return new TestCaseData((Func<IReadOnlyList<Parameter>, IStatefulOptimizer>)(ps => new Sgd(ps, 1e-2)))
            .SetArgDisplayNames("SGD plain");
    }

    [TestCaseSource(nameof(Factories))]
    public void ImportedState_GivesBitIdenticalSubsequentSteps(Func<IReadOnlyList<Parameter>, IStatefulOptimizer> create)
    {
        List<Parameter> original = OptimTestData.Parameters(51, OptimTestData.Sizes);
        IStatefulOptimizer first = create(original);
        var rng = new Rng(52);
        for (int t = 0; t < 3; t++)
        {
            OptimTestData.SetGradients(original, rng);
            first.Step();
        }

        OptimizerState snapshot = first.ExportState();
        List<Parameter> restored = OptimTestData.Clone(original);
        IStatefulOptimizer second = create(restored);
        second.ImportState(snapshot);
        Assert.That(second.StepCount, Is.EqualTo(3));

        ulong[] gradientStream = rng.GetState();
        RunSteps(first, original, Rng.FromState(gradientStream));
        RunSteps(second, restored, Rng.FromState(gradientStream));

        for (int k = 0; k < original.Count; k++)
        {
            Assert.That(restored[k].Value.Data, Is.EqualTo(original[k].Value.Data), original[k].Name);
        }

        Assert.That(second.ExportState().Buffers.Keys, Is.EquivalentTo(first.ExportState().Buffers.Keys));
    }

    [Test]
    public void ExportState_IsADeepCopy()
    {
        List<Parameter> parameters = OptimTestData.Parameters(61, 9);
        OptimTestData.SetGradients(parameters, new Rng(62));
        var adam = new Adam(parameters, 1e-2);
        adam.Step();

        OptimizerState snapshot = adam.ExportState();
        float m0 = snapshot.Buffers[Adam.ExpAvgName][0][0];
        adam.Step();

        Assert.That(snapshot.Buffers[Adam.ExpAvgName][0][0], Is.EqualTo(m0));
        Assert.That(snapshot.Buffers[Adam.ExpAvgName][0], Is.Not.SameAs(adam.ExpAvg[0]));
        Assert.That(snapshot.StepCount, Is.EqualTo(1));
    }

    [Test]
    public void ImportState_RejectsMismatchedState_AndLeavesOptimizerUntouched()
    {
        List<Parameter> parameters = OptimTestData.Parameters(71, 9, 8);
        OptimTestData.SetGradients(parameters, new Rng(72));
        var adam = new Adam(parameters, 1e-2);
        adam.Step();
        float[] m = (float[])adam.ExpAvg[0].Clone();

        var shortV = new OptimizerState(5, new Dictionary<string, IReadOnlyList<float[]>>
        {
            [Adam.ExpAvgName] = [new float[9], new float[8]],
            [Adam.ExpAvgSqName] = [new float[9], new float[7]],
        });
        var sgdState = new Sgd(parameters, 0.1, momentum: 0.9).ExportState();

        Assert.Multiple(() =>
        {
            Assert.That(() => adam.ImportState(shortV), Throws.ArgumentException.With.Message.Contains("length 8, got 7"));
            Assert.That(() => adam.ImportState(sgdState), Throws.ArgumentException.With.Message.Contains("momentum_buffer"));
            Assert.That(() => new Sgd(parameters, 0.1).ImportState(sgdState), Throws.ArgumentException);
            Assert.That(() => adam.ImportState(null!), Throws.ArgumentNullException);
        });
        Assert.That(adam.ExpAvg[0], Is.EqualTo(m));
        Assert.That(adam.StepCount, Is.EqualTo(1));
    }

    private static void RunSteps(IStatefulOptimizer optimizer, IReadOnlyList<Parameter> parameters, Rng rng)
    {
        for (int t = 0; t < 4; t++)
        {
            OptimTestData.SetGradients(parameters, rng);
            optimizer.Step();
        }
    }
}
