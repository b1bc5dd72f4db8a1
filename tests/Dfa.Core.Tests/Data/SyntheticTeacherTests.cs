using Dfa.Core.Config;
using Dfa.Core.Data;

namespace Dfa.Core.Tests.Data;

public sealed class SyntheticTeacherTests
{
    [Test]
    public void Generate_HasRequestedShapesAndNames()
    {
        (Dataset train, Dataset test) = SyntheticTeacher.Generate(inputs: 12, classes: 5, train: 300, test: 70, teacherHidden: 8, seed: 3);

        Assert.Multiple(() =>
        {
            Assert.That(train.Name, Is.EqualTo("synthetic-train"));
            Assert.That(test.Name, Is.EqualTo("synthetic-test"));
            Assert.That((train.Count, train.Features, train.Classes), Is.EqualTo((300, 12, 5)));
            Assert.That((test.Count, test.Features, test.Classes), Is.EqualTo((70, 12, 5)));
        });
    }

    [Test]
    public void Generate_SameConfig_GivesIdenticalBits_WhateverTheThreadCount()
    {
        var config = new SyntheticConfig { Inputs = 20, Classes = 7, Train = 2500, Test = 1100, TeacherHidden = 16, Seed = 42 };

        (Dataset train1, Dataset test1) = SyntheticTeacher.Generate(config, threads: 1);
        (Dataset train2, Dataset test2) = SyntheticTeacher.Generate(config, threads: 4);

        Assert.Multiple(() =>
        {
            Assert.That(Bits(train2.Inputs), Is.EqualTo(Bits(train1.Inputs)));
            Assert.That(train2.Labels, Is.EqualTo(train1.Labels));
            Assert.That(Bits(test2.Inputs), Is.EqualTo(Bits(test1.Inputs)));
            Assert.That(test2.Labels, Is.EqualTo(test1.Labels));
        });
    }

    [Test]
    public void Generate_DifferentSeeds_GiveDifferentInputsAndLabels()
    {
        var config = new SyntheticConfig { Inputs = 20, Classes = 7, Train = 500, Test = 100, TeacherHidden = 16, Seed = 1 };

        (Dataset a, _) = SyntheticTeacher.Generate(config);
        (Dataset b, _) = SyntheticTeacher.Generate(config with { Seed = 2 });

        Assert.Multiple(() =>
        {
            Assert.That(b.Inputs, Is.Not.EqualTo(a.Inputs));
            Assert.That(b.Labels, Is.Not.EqualTo(a.Labels));
        });
    }

    [Test]
    public void Generate_TrainAndTestInputsAreIndependentStandardNormal()
    {
        (Dataset train, Dataset test) = SyntheticTeacher.Generate(inputs: 50, classes: 3, train: 2000, test: 2000, teacherHidden: 4, seed: 9);

        Assert.That(test.Inputs, Is.Not.EqualTo(train.Inputs));
        foreach (float[] x in new[] { train.Inputs, test.Inputs })
        {
            double mean = x.Average(v => (double)v);
            double variance = x.Average(v => (v - mean) * (v - mean));
            Assert.That(mean, Is.EqualTo(0).Within(0.01));
            Assert.That(variance, Is.EqualTo(1).Within(0.02));
        }
    }

    [TestCase(10, 20_000)]
    [TestCase(1000, 20_000)]
    public void Generate_ClassesAreBalanced_EveryClassAppears_LargestShareBelowTwiceUniform(int classes, int train)
    {
        (Dataset set, _) = SyntheticTeacher.Generate(inputs: 16, classes: classes, train: train, test: 10, teacherHidden: 32, seed: 5);

        int[] counts = new int[classes];
        foreach (int label in set.Labels)
        {
            counts[label]++;
        }

        double largestShare = counts.Max() / (double)train;
        TestContext.Out.WriteLine($"classes {classes}: min {counts.Min()}, max {counts.Max()}, uniform {train / (double)classes}");
        Assert.Multiple(() =>
        {
            Assert.That(counts.Min(), Is.GreaterThan(0), "every class appears");
            Assert.That(largestShare, Is.LessThan(2.0 / classes), "largest class share");
        });
    }

    [Test]
    public void Generate_TeacherLabelsDependOnInputs_NotOnlyOnBalance()
    {
        // Balancing must not drown the teacher: labels stay a smooth function of x, so the nearest training neighbour
        // of a test point shares its label far more often than chance.
        (Dataset train, Dataset test) = SyntheticTeacher.Generate(inputs: 4, classes: 4, train: 3000, test: 200, teacherHidden: 8, seed: 11);

        int agree = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ReadOnlySpan<float> q = test.Sample(i);
            int best = -1;
            double bestDistance = double.MaxValue;
            for (int j = 0; j < train.Count; j++)
            {
                ReadOnlySpan<float> p = train.Sample(j);
                double d = 0;
                for (int f = 0; f < q.Length; f++)
                {
                    d += (q[f] - p[f]) * (q[f] - p[f]);
                }

                if (d < bestDistance)
                {
                    (bestDistance, best) = (d, j);
                }
            }

            agree += train.Labels[best] == test.Labels[i] ? 1 : 0;
        }

        Assert.That(agree / (double)test.Count, Is.GreaterThan(0.6), "1-NN accuracy; chance is 0.25");
    }

    [TestCase(0, 10, 1, 1, 1, "data.synthetic.inputs")]
    [TestCase(5, 1, 1, 1, 1, "data.synthetic.classes")]
    [TestCase(5, 10, 0, 1, 1, "data.synthetic.train")]
    [TestCase(5, 10, 1, -3, 1, "data.synthetic.test")]
    [TestCase(5, 10, 1, 1, 0, "data.synthetic.teacher_hidden")]
    public void Generate_NonPositiveSize_ThrowsInputErrorNamingTheKey(int inputs, int classes, int train, int test, int hidden, string key)
    {
        var ex = Assert.Throws<DfaInputException>(() => SyntheticTeacher.Generate(inputs, classes, train, test, hidden, 1));
        Assert.That(ex!.Message, Does.Contain(key));
    }

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();
}
