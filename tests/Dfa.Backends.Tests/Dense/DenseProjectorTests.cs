using Dfa.Backends.Dense;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Dense;

public sealed class DenseProjectorTests
{
    private static readonly FeedbackShape Shape = new(10, [33, 7, 257]);

    [TestCase(1)]
    [TestCase(3)]
    [TestCase(64)]
    [TestCase(129)]
    public void Project_MatchesScalarReference_ForBatchSizes(int batch)
    {
        var projector = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 7, threads: 2);
        Matrix error = TestData.RandomMatrix(batch, Shape.ErrorSize, seed: 11);
        Matrix[] signals = Shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

        projector.Project(error, signals);

        for (int l = 0; l < signals.Length; l++)
        {
            Matrix b = projector.Matrix(l);
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < Shape.LayerSizes[l]; j++)
                {
                    double expected = 0;
                    for (int i = 0; i < Shape.ErrorSize; i++)
                    {
                        expected += (double)error[r, i] * b[i, j];
                    }

                    // float32 products of 10 terms of magnitude ≤ ~1: well within 1e-5 absolute.
                    Assert.That(signals[l][r, j], Is.EqualTo(expected).Within(1e-5), $"layer {l} row {r} col {j}");
                }
            }
        }
    }

    [Test]
    public void Matrices_AreNamedBySeed()
    {
        var a = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 3, threads: 1);
        var b = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 3, threads: 1);
        var c = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 4, threads: 1);

        for (int l = 0; l < Shape.LayerSizes.Count; l++)
        {
            Assert.That(a.Matrix(l).Data, Is.EqualTo(b.Matrix(l).Data));
            Assert.That(a.Matrix(l).Data, Is.Not.EqualTo(c.Matrix(l).Data));
        }
    }

    [TestCase(FeedbackInit.Gaussian)]
    [TestCase(FeedbackInit.Uniform)]
    [TestCase(FeedbackInit.XavierUniform)]
    public void Initialisation_HasTheDocumentedScale(FeedbackInit init)
    {
        var shape = new FeedbackShape(100, [400]);
        var projector = new DenseProjector(shape, init, null, seed: 1, threads: 1);
        float[] data = projector.Matrix(0).Data;
        double mean = data.Average(x => (double)x);
        double std = Math.Sqrt(data.Average(x => ((double)x - mean) * ((double)x - mean)));
        double expectedStd = init switch
        {
            FeedbackInit.Gaussian => 1 / Math.Sqrt(400),
            FeedbackInit.Uniform => 1 / Math.Sqrt(400) / Math.Sqrt(3),
            _ => Math.Sqrt(6.0 / 500) / Math.Sqrt(3),
        };

        // 40 000 samples: the sample std is within 2 % of the true one with overwhelming probability.
        Assert.That(mean, Is.EqualTo(0).Within(expectedStd * 0.05));
        Assert.That(std, Is.EqualTo(expectedStd).Within(expectedStd * 0.02));
        if (init != FeedbackInit.Gaussian)
        {
            double bound = init == FeedbackInit.Uniform ? 1 / Math.Sqrt(400) : Math.Sqrt(6.0 / 500);
            Assert.That(data.Max(x => Math.Abs((double)x)), Is.LessThanOrEqualTo(bound));
        }
    }

    [Test]
    public void Counts_MatchTheWorkDone()
    {
        var projector = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 7, threads: 1);
        int batch = 5;
        Matrix error = TestData.RandomMatrix(batch, 10, seed: 1);
        Matrix[] signals = Shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

        projector.Project(error, signals);
        projector.Project(error, signals);

        long sum = Shape.TotalLayerSize;
        Assert.That(projector.Counts[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(2 * batch * 10 * sum));
        Assert.That(projector.Counts[HardwareAction.FeedbackBitsRead], Is.EqualTo(2 * 32 * 10 * sum));
        Assert.That(projector.Counts[HardwareAction.ErrorBytesRead], Is.EqualTo(2 * 3 * 4 * batch * 10));
        Assert.That(projector.Counts[HardwareAction.SignalBytesWritten], Is.EqualTo(2 * 4 * batch * sum));
    }

    [Test]
    public void Project_RejectsMismatchedShapes()
    {
        var projector = new DenseProjector(Shape, FeedbackInit.Gaussian, null, seed: 7, threads: 1);
        Matrix[] good = Shape.LayerSizes.Select(n => new Matrix(2, n)).ToArray();

        Assert.That(() => projector.Project(new Matrix(2, 9), good), Throws.ArgumentException.With.Message.Contains("10 columns"));
        Assert.That(() => projector.Project(new Matrix(2, 10), good[..2]), Throws.ArgumentException.With.Message.Contains("3 signal"));
        Matrix[] bad = [good[0], new Matrix(2, 8), good[2]];
        Assert.That(() => projector.Project(new Matrix(2, 10), bad), Throws.ArgumentException.With.Message.Contains("2×7"));
        Assert.That(() => new DenseProjector(Shape, FeedbackInit.Gaussian, -1, 1, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new DenseProjector(Shape, FeedbackInit.Gaussian, null, 1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
