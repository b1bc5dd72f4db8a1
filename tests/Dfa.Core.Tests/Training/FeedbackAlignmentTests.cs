using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Losses;
using Dfa.Core.Optim;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

public sealed class FeedbackAlignmentTests
{
    private static TrainConfig SmallConfig(params int[] hidden) => new()
    {
        Model = new ModelConfig { Hidden = hidden, Activation = ActivationKind.Tanh },
        Threads = 1,
    };

    [TestCase(false, 0.0)]
    [TestCase(true, 0.25)]
    public void Fa_WithFeedbackEqualToTheWeights_IsBackpropagationBitForBit(bool batchNorm, double dropout)
    {
        // Norms and dropout back-propagate as in BP; only the Linear layers' Wᵀ is swapped, here for W itself.
        TrainConfig config = SmallConfig(9, 7) with { UseBatchNorm = batchNorm, DropoutP = dropout };
        Network bpNet = NetworkBuilder.Build(config, inputs: 5, classes: 4, seed: 3);
        Network faNet = NetworkBuilder.Build(config, inputs: 5, classes: 4, seed: 3);
        Matrix inputs = TestData.RandomMatrix(8, 5, seed: 4);
        int[] labels = [0, 1, 2, 3, 0, 1, 2, 3];

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(faNet, new FeedbackAlignment(faNet, w => w.Value), inputs, labels);

        for (int i = 0; i < bpNet.Parameters.Count; i++)
        {
            Assert.That(faNet.Parameters[i].Gradient.Data, Is.EqualTo(bpNet.Parameters[i].Gradient.Data), bpNet.Parameters[i].Name);
        }
    }

    [Test]
    public void Fa_GivesTheOutputLayerItsTrueGradient_AndTheHiddenLayersAnotherOne()
    {
        TrainConfig config = SmallConfig(8, 8);
        Network bpNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network faNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        int[] labels = [0, 1, 2, 0, 1, 2];

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(faNet, new FeedbackAlignment(faNet, feedbackSeed: 77), inputs, labels);

        Parameter[] bpOut = [.. bpNet.OutputBlock.Layers[0].Parameters];
        Parameter[] faOut = [.. faNet.OutputBlock.Layers[0].Parameters];
        Assert.That(faOut[0].Gradient.Data, Is.EqualTo(bpOut[0].Gradient.Data));
        Assert.That(faOut[1].Gradient.Data, Is.EqualTo(bpOut[1].Gradient.Data));
        for (int block = 0; block < 2; block++)
        {
            Matrix fa = ((Linear)faNet.Blocks[block].Layers[0]).Weight.Gradient;
            Matrix bp = ((Linear)bpNet.Blocks[block].Layers[0]).Weight.Gradient;
            Assert.That(fa.Data, Is.Not.EqualTo(bp.Data), $"block {block}");
        }
    }

    [Test]
    public void Fa_HiddenGradients_MatchAScalarReferenceThroughTheFeedbackMatrices()
    {
        // Widths 8 and 8 so that using B in the wrong layer would still type-check: the values must tell them apart.
        TrainConfig config = SmallConfig(8, 8);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network twin = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        int[] labels = [0, 1, 2, 0, 1, 2];
        Matrix h1 = twin.Blocks[0].Forward(inputs, training: true).Clone();
        Matrix h2 = twin.Blocks[1].Forward(h1, training: true).Clone();
        Matrix logits = twin.Blocks[2].Forward(h2, training: true);
        var error = new Matrix(6, 3);
        new SoftmaxCrossEntropy().Compute(logits, labels, error);
        var fa = new FeedbackAlignment(network, feedbackSeed: 21);
        Matrix b3 = fa.FeedbackMatrices["fc3.weight"], b2 = fa.FeedbackMatrices["fc2.weight"];

        RunStep(network, fa, inputs, labels);

        // δ2 = (E·B3) ⊙ (1 − h2²), δ1 = (δ2·B2) ⊙ (1 − h1²), dW_l = δ_lᵀ·(input of layer l), all in double.
        double[,] delta2 = Delta(error, b3, h2);
        double[,] delta1 = Delta(ToFloat(delta2), b2, h1);
        AssertWeightGradient(network, 1, delta2, h1);
        AssertWeightGradient(network, 0, delta1, inputs);
    }

    [Test]
    public void Fa_FeedbackMatrices_AreFixedAcrossSteps_AndNamedByTheSeed()
    {
        TrainConfig config = SmallConfig(8, 6);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        var fa = new FeedbackAlignment(network, feedbackSeed: 5);
        Dictionary<string, float[]> before = fa.FeedbackMatrices.ToDictionary(kv => kv.Key, kv => (float[])kv.Value.Data.Clone());
        IOptimizer sgd = Optimizers.Create(config with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.1 }, network.Parameters);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        for (int step = 0; step < 3; step++)
        {
            RunStep(network, fa, inputs, [0, 1, 2, 0, 1, 2]);
            sgd.Step();
        }

        Assert.That(fa.FeedbackMatrices.Keys, Is.EquivalentTo(new[] { "fc2.weight", "fc3.weight" }), "the first layer needs no B");
        foreach ((string name, float[] values) in before)
        {
            Assert.That(fa.FeedbackMatrices[name].Data, Is.EqualTo(values), name);
        }

        Network other = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 99);
        var same = new FeedbackAlignment(other, feedbackSeed: 5);
        var different = new FeedbackAlignment(other, feedbackSeed: 6);
        foreach ((string name, float[] values) in before)
        {
            Assert.That(same.FeedbackMatrices[name].Data, Is.EqualTo(values), name);
            Assert.That(different.FeedbackMatrices[name].Data, Is.Not.EqualTo(values), name);
        }

        // Default range: U(±1/√in), the range of the layer's own initial weights.
        Assert.That(before["fc2.weight"], Has.All.InRange(-1 / Math.Sqrt(8), 1 / Math.Sqrt(8)));
        Assert.That(before["fc3.weight"], Has.All.InRange(-1 / Math.Sqrt(6), 1 / Math.Sqrt(6)));
    }

    [Test]
    public void Fa_CopiesTheMatricesItIsGiven()
    {
        Network network = NetworkBuilder.Build(SmallConfig(4), inputs: 3, classes: 2, seed: 1);
        Linear output = (Linear)network.OutputBlock.Layers[0];
        var fa = new FeedbackAlignment(network, w => w.Value);
        float[] b = (float[])fa.FeedbackMatrices["fc2.weight"].Data.Clone();

        output.Weight.Value.Data[0] += 1f;

        Assert.That(fa.FeedbackMatrices["fc2.weight"].Data, Is.EqualTo(b));
    }

    [TestCase(1)]
    [TestCase(2)]
    public void Fa_SameSeedAndThreads_GiveTheSameWeightsBitForBit(int threads)
    {
        float[][] a = Train(threads), b = Train(threads);

        for (int i = 0; i < a.Length; i++)
        {
            Assert.That(b[i], Is.EqualTo(a[i]), $"parameter {i}");
        }

        static float[][] Train(int threads)
        {
            TrainConfig config = SmallConfig(40, 30) with { Threads = threads, LearningRate = 1e-2 };
            Network network = NetworkBuilder.Build(config, inputs: 12, classes: 4, seed: 8);
            var fa = new FeedbackAlignment(network, feedbackSeed: 13, threads: threads);
            IOptimizer adam = Optimizers.Create(config, network.Parameters);
            for (int step = 0; step < 4; step++)
            {
                Matrix inputs = TestData.RandomMatrix(32, 12, seed: (ulong)(100 + step));
                RunStep(network, fa, inputs, Enumerable.Range(0, 32).Select(i => (i * 7 + step) % 4).ToArray());
                adam.Step();
            }

            return network.Parameters.Select(p => (float[])p.Value.Data.Clone()).ToArray();
        }
    }

    [Test]
    public void Fa_RejectsAnotherNetwork_AndFeedbackOfTheWrongShape()
    {
        Network network = NetworkBuilder.Build(SmallConfig(4), inputs: 3, classes: 2, seed: 1);
        Network other = NetworkBuilder.Build(SmallConfig(4), inputs: 3, classes: 2, seed: 1);
        var fa = new FeedbackAlignment(network, feedbackSeed: 1);
        Matrix inputs = TestData.RandomMatrix(2, 3, seed: 4);

        Assert.That(() => RunStep(other, fa, inputs, [0, 1]), Throws.ArgumentException.With.Message.Contains("another network"));
        Assert.That(() => new FeedbackAlignment(network, _ => new Matrix(2, 3)), Throws.ArgumentException.With.Message.Contains("'fc2.weight' is 2×3; the weight is 2×4"));
        Assert.That(() => new FeedbackAlignment(network, feedbackSeed: 1, scale: 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    private static double[,] Delta(Matrix upstream, Matrix b, Matrix h)
    {
        var delta = new double[h.Rows, h.Cols];
        for (int r = 0; r < h.Rows; r++)
        {
            for (int j = 0; j < h.Cols; j++)
            {
                double signal = 0;
                for (int c = 0; c < upstream.Cols; c++)
                {
                    signal += (double)upstream[r, c] * b[c, j];
                }

                delta[r, j] = signal * (1 - ((double)h[r, j] * h[r, j]));
            }
        }

        return delta;
    }

    private static Matrix ToFloat(double[,] values)
    {
        // Back to float for the next Delta: the layer works in float too, and the tolerance below covers the rounding.
        var m = new Matrix(values.GetLength(0), values.GetLength(1));
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < m.Cols; c++)
            {
                m[r, c] = (float)values[r, c];
            }
        }

        return m;
    }

    private static void AssertWeightGradient(Network network, int block, double[,] delta, Matrix input)
    {
        Matrix actual = ((Linear)network.Blocks[block].Layers[0]).Weight.Gradient;
        for (int j = 0; j < actual.Rows; j++)
        {
            for (int i = 0; i < input.Cols; i++)
            {
                double expected = 0;
                for (int r = 0; r < input.Rows; r++)
                {
                    expected += delta[r, j] * input[r, i];
                }

                Assert.That(actual[j, i], Is.EqualTo(expected).Within(1e-5), $"block {block} weight [{j},{i}]");
            }
        }
    }

    private static void RunStep(Network network, ITrainingAlgorithm algorithm, Matrix inputs, int[] labels)
    {
        Matrix logits = network.Forward(inputs, training: true);
        var gradient = new Matrix(logits.Rows, logits.Cols);
        new SoftmaxCrossEntropy().Compute(logits, labels, gradient);
        algorithm.ComputeGradients(network, gradient);
    }
}
