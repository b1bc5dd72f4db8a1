using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Analysis;

public sealed class AlignmentTests
{
    private static Network Build(int inputs, int classes, ulong seed, params int[] hidden) => NetworkBuilder.Build(
        new TrainConfig { Model = new ModelConfig { Hidden = hidden, Activation = ActivationKind.Tanh }, Threads = 1 },
        inputs,
        classes,
        seed);

    private static int[] Labels(int count, int classes) => Enumerable.Range(0, count).Select(i => i % classes).ToArray();

    [Test]
    public void FeedbackEqualToTheOutputWeights_GivesZeroGradientAndWeightAngles()
    {
        // One hidden layer: BP's hidden signal is E·W_2 and DFA's is E·B, so B = W_2 (e × n_1, aliased) makes them equal.
        Network network = Build(inputs: 5, classes: 4, seed: 3, 16);
        var projector = new MatrixProjector(((Linear)network.OutputBlock.Layers[0]).Weight.Value);
        Matrix inputs = TestData.RandomMatrix(9, 5, seed: 4);

        IReadOnlyList<LayerGradientAlignment> gradient = GradientAlignment.Measure(network, inputs, Labels(9, 4), projector);
        IReadOnlyList<LayerWeightAlignment> weight = WeightAlignment.Measure(network, projector);

        TestContext.Out.WriteLine($"gradient {gradient[0].WeightDegrees:G3}° bias {gradient[0].BiasDegrees:G3}° weight {weight[0].Degrees:G3}°");
        Assert.That(gradient, Has.Count.EqualTo(1));
        Assert.That(gradient[0].Block, Is.EqualTo(network.HiddenBlocks[0].Name));
        Assert.That(gradient[0].WeightDegrees, Is.EqualTo(0).Within(1e-3));
        Assert.That(gradient[0].BiasDegrees, Is.EqualTo(0).Within(1e-3));
        Assert.That(weight, Has.Count.EqualTo(1));
        Assert.That(weight[0].Degrees, Is.EqualTo(0).Within(1e-3));
    }

    [Test]
    public void GradientAlignment_LeavesWeightsAndGradientsAsItFoundThem()
    {
        Network network = Build(inputs: 6, classes: 3, seed: 8, 10, 7);
        MatrixProjector projector = MatrixProjector.Gaussian(new FeedbackShape(3, [10, 7]), seed: 21);
        float[][] weights = network.Parameters.Select(p => (float[])p.Value.Data.Clone()).ToArray();
        for (int i = 0; i < network.Parameters.Count; i++)
        {
            network.Parameters[i].Gradient.Span.Fill(0.25f + i);
        }

        GradientAlignment.Measure(network, TestData.RandomMatrix(8, 6, seed: 2), Labels(8, 3), projector);

        for (int i = 0; i < network.Parameters.Count; i++)
        {
            Parameter p = network.Parameters[i];
            Assert.That(p.Value.Data, Is.EqualTo(weights[i]), p.Name);
            Assert.That(p.Gradient.Data, Is.All.EqualTo(0.25f + i), p.Name);
        }
    }

    [Test]
    public void RandomFeedback_GivesAnglesNearNinetyDegreesAtInitialisation()
    {
        // Random B is independent of the forward weights: in 10 × 64 dimensions vec(B) and vec(M) are nearly orthogonal
        // (the cosine's spread is about 1/√640 ≈ 0.04, i.e. ±2.3°). The gradient angle is noisier (a 32-sample batch
        // shares its inputs between both gradients), hence its wider band; seeds fixed.
        Network network = Build(inputs: 20, classes: 10, seed: 11, 64, 64);
        MatrixProjector projector = MatrixProjector.Gaussian(new FeedbackShape(10, [64, 64]), seed: 40);
        Matrix inputs = TestData.RandomMatrix(32, 20, seed: 12);

        IReadOnlyList<LayerGradientAlignment> gradient = GradientAlignment.Measure(network, inputs, Labels(32, 10), projector);
        IReadOnlyList<LayerWeightAlignment> weight = WeightAlignment.Measure(network, projector);

        Assert.That(gradient, Has.Count.EqualTo(2));
        Assert.That(weight, Has.Count.EqualTo(2));
        TestContext.Out.WriteLine(string.Join("; ", gradient.Select(a => $"{a.Block} gradient {a.WeightDegrees:F2}° bias {a.BiasDegrees:F2}°")));
        TestContext.Out.WriteLine(string.Join("; ", weight.Select(a => $"{a.Block} weight {a.Degrees:F2}°")));
        foreach (LayerGradientAlignment a in gradient)
        {
            Assert.That(a.WeightDegrees, Is.InRange(60.0, 120.0), a.Block);
            Assert.That(a.BiasDegrees, Is.InRange(45.0, 135.0), a.Block);
        }

        foreach (LayerWeightAlignment a in weight)
        {
            Assert.That(a.Degrees, Is.InRange(75.0, 105.0), a.Block);
        }
    }

    [Test]
    public void FeedbackEqualToTheForwardProducts_GivesZeroWeightAngles()
    {
        // Two hidden layers: B_1 = W_3·W_2 and B_2 = W_3 are exactly the M_l weight alignment compares against.
        Network network = Build(inputs: 4, classes: 3, seed: 6, 7, 5);
        var projector = new MatrixProjector(ToFloat(WeightAlignment.ForwardProduct(network, 0)), ToFloat(WeightAlignment.ForwardProduct(network, 1)));

        IReadOnlyList<LayerWeightAlignment> weight = WeightAlignment.Measure(network, projector);

        Assert.That(weight.Select(a => a.Degrees), Is.All.EqualTo(0).Within(1e-3));
    }

    [Test]
    public void GradientAlignment_WithBatchNormAndDropout_RunsInEvaluationModeAndKeepsRunningStatistics()
    {
        Network network = NetworkBuilder.Build(
            new TrainConfig
            {
                Model = new ModelConfig { Hidden = [12], Activation = ActivationKind.Relu },
                UseBatchNorm = true,
                DropoutP = 0.5,
                Threads = 1,
            },
            inputs: 5,
            classes: 4,
            seed: 2);
        BatchNorm1d norm = network.HiddenBlocks[0].Layers.OfType<BatchNorm1d>().Single();
        float[] mean = (float[])norm.RunningMean.Data.Clone();
        float[] variance = (float[])norm.RunningVar.Data.Clone();
        var projector = new MatrixProjector(((Linear)network.OutputBlock.Layers[0]).Weight.Value);
        Matrix inputs = TestData.RandomMatrix(10, 5, seed: 3);

        IReadOnlyList<LayerGradientAlignment> first = GradientAlignment.Measure(network, inputs, Labels(10, 4), projector);
        IReadOnlyList<LayerGradientAlignment> second = GradientAlignment.Measure(network, inputs, Labels(10, 4), projector);

        // No dropout mask and fixed statistics: repeatable, and B = W_out is still exactly BP.
        Assert.That(second, Is.EqualTo(first));
        Assert.That(first[0].WeightDegrees, Is.EqualTo(0).Within(1e-3));
        Assert.That(norm.RunningMean.Data, Is.EqualTo(mean));
        Assert.That(norm.RunningVar.Data, Is.EqualTo(variance));
    }

    [Test]
    public void ForwardProduct_IsTheProductOfTheLaterWeights()
    {
        Network network = Build(inputs: 4, classes: 3, seed: 5, 6, 5);
        var ml = TestData.ToMathNet(((Linear)network.Blocks[2].Layers[0]).Weight.Value)
            * TestData.ToMathNet(((Linear)network.Blocks[1].Layers[0]).Weight.Value);

        double[,] m0 = WeightAlignment.ForwardProduct(network, 0);
        double[,] m1 = WeightAlignment.ForwardProduct(network, 1);

        Assert.That(m0.GetLength(0), Is.EqualTo(3));
        Assert.That(m0.GetLength(1), Is.EqualTo(6));
        Assert.That(m1, Is.EqualTo(TestData.ToMathNet(((Linear)network.Blocks[2].Layers[0]).Weight.Value).ToArray()));
        Assert.That(m0, Is.EqualTo(ml.ToArray()).Within(1e-12));
    }

    [Test]
    public void Angles_OfKnownVectors()
    {
        Assert.That(Angles.Degrees([1f, 0f], [0f, 2f]), Is.EqualTo(90).Within(1e-12));
        Assert.That(Angles.Degrees([1f, 1f], [3f, 0f]), Is.EqualTo(45).Within(1e-6));
        // arccos is ill-conditioned at ±1: a cosine off by one double ulp moves the angle by about 1e-6°.
        Assert.That(Angles.Degrees([1f, 2f], [-2f, -4f]), Is.EqualTo(180).Within(1e-5));
        Assert.That(Angles.Degrees([0f, 0f], [1f, 2f]), Is.NaN);
    }

    private static Matrix ToFloat(double[,] m)
    {
        var f = new Matrix(m.GetLength(0), m.GetLength(1));
        for (int i = 0; i < f.Rows; i++)
        {
            for (int j = 0; j < f.Cols; j++)
            {
                f[i, j] = (float)m[i, j];
            }
        }

        return f;
    }
}
