using Dfa.Core.Data;
using Dfa.Core.Randomness;

namespace Dfa.Core.Tests.Data;

public sealed class DataSplitTests
{
    private static Dataset Numbered(int count)
    {
        // Feature 0 of sample i is i, so every sample can be traced through the split.
        float[] inputs = new float[count * 2];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            inputs[2 * i] = i;
            inputs[(2 * i) + 1] = -i;
            labels[i] = i % 3;
        }

        return new Dataset("toy", 2, 3, inputs, labels);
    }

    [Test]
    public void HoldOut_PartitionsSamples_InOriginalOrder()
    {
        Dataset set = Numbered(100);

        (Dataset fit, Dataset validation) = DataSplit.HoldOut(set, 0.2, new Rng(7));

        int[] fitIds = Enumerable.Range(0, fit.Count).Select(i => (int)fit.Sample(i)[0]).ToArray();
        int[] validationIds = Enumerable.Range(0, validation.Count).Select(i => (int)validation.Sample(i)[0]).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That((fit.Name, validation.Name), Is.EqualTo(("toy-fit", "toy-validation")));
            Assert.That((fit.Count, validation.Count), Is.EqualTo((80, 20)));
            Assert.That(fitIds.Concat(validationIds), Is.EquivalentTo(Enumerable.Range(0, 100)));
            Assert.That(fitIds, Is.Ordered);
            Assert.That(validationIds, Is.Ordered);
            Assert.That(validation.Labels, Is.EqualTo(validationIds.Select(i => i % 3).ToArray()));
            Assert.That(validationIds, Is.Not.EqualTo(Enumerable.Range(80, 20)), "random, not the tail");
        });
    }

    [Test]
    public void HoldOut_SameSeed_SameSplit_DifferentSeed_DifferentSplit()
    {
        Dataset set = Numbered(100);

        (_, Dataset a) = DataSplit.HoldOut(set, 0.3, new Rng(1));
        (_, Dataset b) = DataSplit.HoldOut(set, 0.3, new Rng(1));
        (_, Dataset c) = DataSplit.HoldOut(set, 0.3, new Rng(2));

        Assert.That(b.Inputs, Is.EqualTo(a.Inputs));
        Assert.That(c.Inputs, Is.Not.EqualTo(a.Inputs));
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(-0.1)]
    [TestCase(double.NaN)]
    [TestCase(0.001)]
    [TestCase(0.999)]
    public void HoldOut_FractionLeavingAnEmptyPart_IsAnInputError(double fraction)
    {
        var ex = Assert.Throws<DfaInputException>(() => DataSplit.HoldOut(Numbered(10), fraction, new Rng(1)));
        Assert.That(ex!.Message, Does.Contain("data.validation_split"));
    }
}
