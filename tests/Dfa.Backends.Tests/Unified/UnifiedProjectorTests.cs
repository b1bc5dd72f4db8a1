using Dfa.Backends.Unified;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;
using Dfa.Testing;

namespace Dfa.Backends.Tests.Unified;

public sealed class UnifiedProjectorTests
{
    private static readonly FeedbackShape Shape = new(10, [33, 257, 7, 257]);

    [TestCase(1)]
    [TestCase(17)]
    [TestCase(129)]
    public void Project_MatchesTheScaledSlicesOfOneProjection(int batch)
    {
        var projector = new UnifiedProjector(Shape, seed: 5, threads: 2);
        Matrix error = TestData.RandomMatrix(batch, 10, seed: 3);
        Matrix[] signals = Shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

        projector.Project(error, signals);

        Matrix b = projector.Matrix;
        for (int l = 0; l < signals.Length; l++)
        {
            double scale = Math.Sqrt(257.0 / Shape.LayerSizes[l]);
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < Shape.LayerSizes[l]; j++)
                {
                    double expected = 0;
                    for (int i = 0; i < 10; i++)
                    {
                        expected += (double)error[r, i] * b[i, j];
                    }

                    // Ten products of magnitude ≲ 0.1 and one float rescale: 1e-5 absolute is ample.
                    Assert.That(signals[l][r, j], Is.EqualTo(scale * expected).Within(1e-5), $"layer {l} [{r},{j}]");
                }
            }
        }
    }

    [Test]
    public void Matrix_HasLaunaysScale_AndEachLayerGetsVariance1OverELl()
    {
        var shape = new FeedbackShape(100, [1000, 250]);
        var projector = new UnifiedProjector(shape, seed: 1, threads: 1);
        float[] b = projector.Matrix.Data;
        double std = Math.Sqrt(b.Average(x => (double)x * x));
        double expected = 1 / Math.Sqrt(1000.0 * 100);

        // 100 000 draws: the sample std is within 1 % of the true one with overwhelming probability.
        Assert.That(std, Is.EqualTo(expected).Within(expected * 0.01));
        Assert.That(projector.LayerScale(0), Is.EqualTo(1f));
        Assert.That(projector.LayerScale(1) * expected, Is.EqualTo(1 / Math.Sqrt(100.0 * 250)).Within(1e-12));
    }

    [Test]
    public void Matrix_IsNamedBySeed()
    {
        Assert.That(new UnifiedProjector(Shape, 9, 1).Matrix.Data, Is.EqualTo(new UnifiedProjector(Shape, 9, 1).Matrix.Data));
        Assert.That(new UnifiedProjector(Shape, 9, 1).Matrix.Data, Is.Not.EqualTo(new UnifiedProjector(Shape, 10, 1).Matrix.Data));
    }

    [Test]
    public void Counts_OneProjectionPerStepPlusTheRescales()
    {
        var projector = new UnifiedProjector(Shape, seed: 5, threads: 1);
        const int batch = 4;
        Matrix[] signals = Shape.LayerSizes.Select(n => new Matrix(batch, n)).ToArray();

        projector.Project(TestData.RandomMatrix(batch, 10, seed: 1), signals);

        Assert.That(projector.Counts[HardwareAction.Fp32MultiplyAdd], Is.EqualTo(batch * 10 * 257));
        Assert.That(projector.Counts[HardwareAction.Fp32Multiply], Is.EqualTo(batch * (33 + 7)));
        Assert.That(projector.Counts[HardwareAction.FeedbackBitsRead], Is.EqualTo(32 * 10 * 257));
        Assert.That(projector.Counts[HardwareAction.ErrorBytesRead], Is.EqualTo(4 * batch * 10));
        Assert.That(projector.Counts[HardwareAction.SignalBytesWritten], Is.EqualTo(4 * batch * (33 + 257 + 7 + 257)));
    }

    [Test]
    public void Project_RejectsMismatchedShapes()
    {
        var projector = new UnifiedProjector(Shape, seed: 5, threads: 1);
        Matrix[] good = Shape.LayerSizes.Select(n => new Matrix(2, n)).ToArray();

        Assert.That(() => projector.Project(new Matrix(2, 11), good), Throws.ArgumentException.With.Message.Contains("10 columns"));
        Assert.That(() => projector.Project(new Matrix(3, 10), good), Throws.ArgumentException.With.Message.Contains("3×33"));
    }

    [Test]
    public void Backend_RefusesOptionsThatDoNotApply()
    {
        var backend = new UnifiedBackend();

        Assert.That(() => backend.Create(Shape, new FeedbackConfig { Init = FeedbackInit.Uniform }, 1, 1),
            Throws.InstanceOf<DfaInputException>().With.Message.Contains("do not apply to the unified backend"));
        Assert.That(() => backend.Create(Shape, new FeedbackConfig { Scale = 2 }, 1, 1), Throws.InstanceOf<DfaInputException>());
        Assert.That(backend.Create(Shape, new FeedbackConfig(), 1, 1), Is.InstanceOf<UnifiedProjector>());
    }
}
