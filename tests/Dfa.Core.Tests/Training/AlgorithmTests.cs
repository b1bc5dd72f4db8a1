using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Losses;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

public sealed class AlgorithmTests
{
    private static TrainConfig SmallConfig(ActivationKind activation, params int[] hidden) => new()
    {
        Model = new ModelConfig { Hidden = hidden, Activation = activation },
        Threads = 1,
    };

    [TestCase(ActivationKind.Tanh)]
    [TestCase(ActivationKind.Sigmoid)]
    [TestCase(ActivationKind.Gelu)]
    public void Backpropagation_MatchesFiniteDifferencesOfTheWholeNetwork(ActivationKind activation)
    {
        Network network = NetworkBuilder.Build(SmallConfig(activation, 6, 5), inputs: 4, classes: 3, seed: 5);
        Matrix inputs = TestData.RandomMatrix(7, 4, seed: 9);
        int[] labels = [0, 1, 2, 1, 0, 2, 2];
        var loss = new SoftmaxCrossEntropy();
        Matrix logits = network.Forward(inputs, training: true);
        var gradient = new Matrix(logits.Rows, logits.Cols);
        loss.Compute(logits, labels, gradient);

        new Backpropagation().ComputeGradients(network, gradient);

        // Central differences in float32 with h = 1e-2 on a smooth loss: truncation O(h²) ≈ 1e-4 relative,
        // rounding ≈ 1e-7/h ≈ 1e-5; 2e-3 absolute + 2 % relative covers both with margin.
        const float h = 1e-2f;
        foreach (Parameter p in network.Parameters)
        {
            for (int i = 0; i < p.Value.Length; i++)
            {
                float saved = p.Value.Data[i];
                p.Value.Data[i] = saved + h;
                double plus = loss.Compute(network.Forward(inputs, training: true), labels, null);
                p.Value.Data[i] = saved - h;
                double minus = loss.Compute(network.Forward(inputs, training: true), labels, null);
                p.Value.Data[i] = saved;
                double numeric = (plus - minus) / (2 * h);
                Assert.That(p.Gradient.Data[i], Is.EqualTo(numeric).Within(2e-3 + (0.02 * Math.Abs(numeric))), $"{p.Name}[{i}]");
            }
        }
    }

    [Test]
    public void Dfa_WithFeedbackEqualToTheOutputWeights_IsExactlyBackpropagation()
    {
        // With one hidden layer, BP's hidden signal is E·W_out and DFA's is E·B: B = W_out makes them identical.
        TrainConfig config = SmallConfig(ActivationKind.Tanh, 16);
        Network bpNet = NetworkBuilder.Build(config, inputs: 5, classes: 4, seed: 3);
        Network dfaNet = NetworkBuilder.Build(config, inputs: 5, classes: 4, seed: 3);
        Matrix inputs = TestData.RandomMatrix(9, 5, seed: 4);
        int[] labels = [0, 1, 2, 3, 0, 1, 2, 3, 0];
        var projector = new MatrixProjector(((Linear)dfaNet.OutputBlock.Layers[0]).Weight.Value);

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(dfaNet, new DirectFeedbackAlignment(projector), inputs, labels);

        for (int i = 0; i < bpNet.Parameters.Count; i++)
        {
            Assert.That(dfaNet.Parameters[i].Gradient.Data, Is.EqualTo(bpNet.Parameters[i].Gradient.Data).Within(1e-6), bpNet.Parameters[i].Name);
        }
    }

    [Test]
    public void Dfa_GivesTheOutputLayerItsTrueGradient()
    {
        TrainConfig config = SmallConfig(ActivationKind.Tanh, 8, 8);
        Network bpNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network dfaNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        int[] labels = [0, 1, 2, 0, 1, 2];
        var random = new MatrixProjector(TestData.RandomMatrix(3, 8, seed: 8), TestData.RandomMatrix(3, 8, seed: 9));

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(dfaNet, new DirectFeedbackAlignment(random), inputs, labels);

        Parameter[] bpOut = [.. bpNet.OutputBlock.Layers[0].Parameters];
        Parameter[] dfaOut = [.. dfaNet.OutputBlock.Layers[0].Parameters];
        Assert.That(dfaOut[0].Gradient.Data, Is.EqualTo(bpOut[0].Gradient.Data));
        Assert.That(dfaOut[1].Gradient.Data, Is.EqualTo(bpOut[1].Gradient.Data));
        Assert.That(dfaNet.Parameters[0].Gradient.Data, Is.Not.EqualTo(bpNet.Parameters[0].Gradient.Data));
    }

    [Test]
    public void Dfa_GivesEachHiddenLayerItsOwnProjectedSignal()
    {
        // Equal widths, so swapping the signals of the two layers would type-check: the values must tell them apart.
        TrainConfig config = SmallConfig(ActivationKind.Tanh, 8, 8);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network twin = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        int[] labels = [0, 1, 2, 0, 1, 2];
        Matrix b1 = TestData.RandomMatrix(3, 8, seed: 8);
        Matrix b2 = TestData.RandomMatrix(3, 8, seed: 9);
        Matrix h1 = twin.Blocks[0].Forward(inputs, training: true).Clone();
        Matrix h2 = twin.Blocks[1].Forward(h1, training: true).Clone();
        Matrix logits = twin.Blocks[2].Forward(h2, training: true);
        var error = new Matrix(6, 3);
        new SoftmaxCrossEntropy().Compute(logits, labels, error);

        RunStep(network, new DirectFeedbackAlignment(new MatrixProjector(b1, b2)), inputs, labels);

        // δ_l = (E·B_l) ⊙ (1 − h_l²), dW_l = δ_lᵀ·(input of layer l), written out in double.
        AssertWeightGradient(network, 0, error, b1, h1, inputs);
        AssertWeightGradient(network, 1, error, b2, h2, h1);
    }

    [Test]
    public void Dfa_RejectsAProjectorOfTheWrongShape()
    {
        Network network = NetworkBuilder.Build(SmallConfig(ActivationKind.Tanh, 8), inputs: 5, classes: 3, seed: 3);
        var wrong = new MatrixProjector(TestData.RandomMatrix(3, 7, seed: 1));
        Matrix inputs = TestData.RandomMatrix(2, 5, seed: 4);

        Assert.That(() => RunStep(network, new DirectFeedbackAlignment(wrong), inputs, [0, 1]),
            Throws.ArgumentException.With.Message.Contains("hidden widths [8]"));
    }

    private static void AssertWeightGradient(Network network, int block, Matrix error, Matrix b, Matrix h, Matrix input)
    {
        Matrix actual = ((Linear)network.Blocks[block].Layers[0]).Weight.Gradient;
        for (int j = 0; j < h.Cols; j++)
        {
            for (int i = 0; i < input.Cols; i++)
            {
                double expected = 0;
                for (int r = 0; r < h.Rows; r++)
                {
                    double signal = 0;
                    for (int c = 0; c < error.Cols; c++)
                    {
                        signal += (double)error[r, c] * b[c, j];
                    }

                    expected += signal * (1 - ((double)h[r, j] * h[r, j])) * input[r, i];
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
