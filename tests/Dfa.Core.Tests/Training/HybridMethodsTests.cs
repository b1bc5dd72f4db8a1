using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

/// <summary>
/// Modular DFA (and the hybrid built from it), HDFA and frozen blocks. Each method is checked against the methods it
/// must reduce to, bit for bit, and against a hand-written step where it differs from them.
/// </summary>
public sealed class HybridMethodsTests
{
    private static readonly Dataset Train = TestData.Blobs(96, 72, 5, seed: 4);

    // Blocks: conv1, conv2, hidden1, output.
    private static TrainConfig Cnn() => ConfigLoader.Parse(
        """
        batch_size: 16
        epochs: 1
        lr: 3e-3
        model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
        seed: 2
        threads: 2
        """,
        "cnn.yaml");

    // Blocks: hidden1, hidden2, hidden3, output.
    private static TrainConfig Mlp() => ConfigLoader.Parse(
        "batch_size: 16\nepochs: 1\nlr: 3e-3\nmodel: {hidden: [24, 20, 12], activation: tanh}\nseed: 3\nthreads: 2\n", "mlp.yaml");

    public static IEnumerable<TestCaseData> Networks()
    {
        yield return new TestCaseData("cnn").SetArgDisplayNames("cnn");
        yield return new TestCaseData("mlp").SetArgDisplayNames("mlp");
    }

    [TestCaseSource(nameof(Networks))]
    public void Modular_OneModule_IsDfaBitForBit(string kind)
    {
        TrainConfig config = kind == "cnn" ? Cnn() : Mlp();
        float[] dfa = Train3Steps(config, n => new DirectFeedbackAlignment(Projector(n.FeedbackBlocks, 9)));
        float[] modular = Train3Steps(config, n => new ModularDfa(n, [0], (_, shape) => Gaussian(shape, 9)));

        Assert.That(modular, Is.EqualTo(dfa));
    }

    [TestCaseSource(nameof(Networks))]
    public void Modular_EveryBlockAlone_IsBackpropBitForBit(string kind)
    {
        TrainConfig config = kind == "cnn" ? Cnn() : Mlp();
        float[] bp = Train3Steps(config, _ => new Backpropagation());
        float[] modular = Train3Steps(config, n => new ModularDfa(
            n, Enumerable.Range(0, n.Blocks.Count).ToArray(), (_, _) => throw new AssertionException("a one-block module needs no projector")));

        Assert.That(modular, Is.EqualTo(bp));
    }

    [Test]
    public void Modular_TwoModules_ProjectsEachModulesErrorAndBackpropagatesBetweenThem()
    {
        // Modules [hidden1, hidden2] and [hidden3, output]: the top module is DFA from e; hidden2's output gradient is
        // BP through hidden3 of hidden3's own DFA delta; hidden1 gets a projection of that gradient.
        TrainConfig config = Mlp();
        Network network = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed);
        var shapes = new List<(int Module, FeedbackShape Shape)>();
        var algorithm = new ModularDfa(network, [0, 2], (m, shape) =>
        {
            shapes.Add((m, shape));
            return Gaussian(shape, 20 + (ulong)m);
        });
        Assert.That(shapes, Is.EqualTo(new[] { (0, new FeedbackShape(20, [24])), (1, new FeedbackShape(5, [12])) }));

        Matrix e = ForwardAndError(network, out Matrix input);
        algorithm.ComputeGradients(network, e);
        float[] got = network.Parameters.SelectMany(p => p.Gradient.Span.ToArray()).ToArray();

        // The same step by hand, block by block.
        NetworkBlock[] b = [.. network.Blocks];
        network.Forward(input, training: true);
        Matrix top = Gaussian(new FeedbackShape(5, [12]), 21).FeedbackMatrix(0);
        Matrix lower = Gaussian(new FeedbackShape(20, [24]), 20).FeedbackMatrix(0);
        b[3].Backward(e, needInputGradient: false);
        Matrix e2 = b[2].Backward(Times(e, top), needInputGradient: true)!.Clone();
        b[1].Backward(e2, needInputGradient: false);
        b[0].Backward(Times(e2, lower), needInputGradient: false);
        float[] expected = network.Parameters.SelectMany(p => p.Gradient.Span.ToArray()).ToArray();

        Assert.That(got, Is.EqualTo(expected));
    }

    [Test]
    public void Modular_BadModuleStarts_AreRejected()
    {
        Network network = NetworkBuilder.Build(Mlp(), Train.Features, Train.Classes, 3);
        IFeedbackProjector Make(int m, FeedbackShape s) => Gaussian(s, 1);
        Assert.Throws<ArgumentException>(() => _ = new ModularDfa(network, [1], Make));
        Assert.Throws<ArgumentException>(() => _ = new ModularDfa(network, [0, 2, 2], Make));
        Assert.Throws<ArgumentException>(() => _ = new ModularDfa(network, [0, 4], Make));
        Assert.Throws<ArgumentException>(() => _ = new ModularDfa(network, [0], (_, s) => Gaussian(new FeedbackShape(5, [3]), 1)));
    }

    [Test]
    public void HybridWarmup_HoldsTheConvBlocksStillThenTrainsThem()
    {
        TrainConfig config = Cnn();
        Network network = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed);
        var hybrid = new ModularDfa(network, [0, 1, 2], (_, shape) => Gaussian(shape, 9), warmupSteps: 2, warmupFrom: 2);
        Parameter[] dense = network.Blocks.Skip(2).SelectMany(bl => bl.Layers).SelectMany(l => l.Parameters).ToArray();
        Parameter[] conv = network.Parameters.Except(dense).ToArray();
        var optimizer = new WarmupOptimizer(new Adam(dense, 3e-3), new Adam(conv, 3e-3));
        var trainer = new Trainer(network, hybrid, optimizer, new ConstantRate(3e-3), config);
        float[] convBefore = Flatten(conv);
        float[] denseBefore = Flatten(dense);

        trainer.Step(Train, Enumerable.Range(0, 16).ToArray());
        trainer.Step(Train, Enumerable.Range(16, 16).ToArray());
        Assert.That(Flatten(conv), Is.EqualTo(convBefore), "the conv blocks are held during the warm-up");
        Assert.That(Flatten(dense), Is.Not.EqualTo(denseBefore));
        Assert.That(optimizer.HeldGroupSteps, Is.Zero);

        trainer.Step(Train, Enumerable.Range(32, 16).ToArray());
        Assert.That(Flatten(conv), Is.Not.EqualTo(convBefore), "BP reaches the conv blocks after the warm-up");
        Assert.That(optimizer.HeldGroupSteps, Is.EqualTo(1));

        // After the warm-up a step is the modular step: conv gradients are BP from hidden1's DFA delta.
        Assert.That(hybrid.InWarmup, Is.False);
    }

    [Test]
    public void Hdfa_PZero_IsDfaAndPOne_IsBackprop_WithTheirOwnMomenta()
    {
        TrainConfig config = Mlp();

        // γ = 1 and p = 0: every step is DFA with its own SGD momentum, i.e. plain SGD-momentum DFA.
        float[] dfa = Train3Steps(config, n => new DirectFeedbackAlignment(Projector(n.FeedbackBlocks, 9)), (n, _) => new Sgd(n.Parameters, 0.05, 0.9));
        float[] hdfa0 = Train3Steps(config, n => new HdfaAlgorithm(Projector(n.FeedbackBlocks, 9), 0, new Rng(1)), SgdHdfa(1.0));
        Assert.That(hdfa0, Is.EqualTo(dfa).Within(1e-6f));

        float[] bp = Train3Steps(config, _ => new Backpropagation(), (n, _) => new Sgd(n.Parameters, 0.05, 0.9));
        float[] hdfa1 = Train3Steps(config, n => new HdfaAlgorithm(Projector(n.FeedbackBlocks, 9), 1, new Rng(1)), SgdHdfa(0.3));
        Assert.That(hdfa1, Is.EqualTo(bp).Within(1e-6f));
    }

    [Test]
    public void Hdfa_DrawsBackpropWithProbabilityP_Repeatably()
    {
        Network network = NetworkBuilder.Build(Mlp(), Train.Features, Train.Classes, 3);
        var a = new HdfaAlgorithm(Projector(network.FeedbackBlocks, 9), 0.1, Rng.Derive(7, "hdfa"));
        var b = new HdfaAlgorithm(Projector(network.FeedbackBlocks, 9), 0.1, Rng.Derive(7, "hdfa"));
        Matrix e = ForwardAndError(network, out _);
        var pattern = new List<bool>();
        for (int i = 0; i < 2000; i++)
        {
            a.ComputeGradients(network, e);
            b.ComputeGradients(network, e);
            Assert.That(b.LastStepUsedBackprop, Is.EqualTo(a.LastStepUsedBackprop));
            pattern.Add(a.LastStepUsedBackprop);
        }

        // Binomial(2000, 0.1): mean 200, sd 13.4; ±5 sd.
        Assert.That(pattern.Count(x => x), Is.InRange(133, 267));
        Assert.That(a.LastStep, Is.EqualTo(pattern[^1] ? StepKind.Backprop : StepKind.Dfa));
    }

    [Test]
    public void HdfaOptimizer_Sgd_MatchesAlgorithm1StepByStep()
    {
        // One parameter of three elements, steps DFA, BP, DFA, DFA with known gradients; reference in double.
        var p = new Parameter("w", new Matrix(1, 3, [0.5f, -1f, 2f]), isWeight: true);
        bool bpStep = false;
        HdfaOptimizer opt = HdfaOptimizer.Sgd([p], 0.1, momentum: 0.9, dampening: 0, gamma: 0.7, weightDecay: 0.01);
        double[] w = [0.5, -1, 2];
        double[] vBp = new double[3], vDfa = new double[3];
        bool seenBp = false, seenDfa = false;
        float[][] grads = [[1f, 2f, -1f], [0.5f, -0.5f, 0.25f], [-2f, 1f, 0f], [0.1f, 0.2f, 0.3f]];
        bool[] kinds = [false, true, false, false];
        for (int s = 0; s < kinds.Length; s++)
        {
            bpStep = kinds[s];
            grads[s].CopyTo(p.Gradient.Span);
            opt.Step(bpStep ? StepKind.Backprop : StepKind.Dfa);
            double[] own = bpStep ? vBp : vDfa;
            bool first = bpStep ? !seenBp : !seenDfa;
            for (int k = 0; k < 3; k++)
            {
                double g = grads[s][k] + (0.01 * w[k]);
                own[k] = first ? g : (0.9 * own[k]) + g;
                double u = bpStep ? own[k] : (0.7 * own[k]) + (0.3 * vBp[k]);
                w[k] -= 0.1 * u;
            }

            seenBp |= bpStep;
            seenDfa |= !bpStep;
            for (int k = 0; k < 3; k++)
            {
                Assert.That(p.Value.Span[k], Is.EqualTo(w[k]).Within(1e-6), $"step {s} element {k}");
            }
        }

        Assert.That((opt.BackpropSteps, opt.DfaSteps), Is.EqualTo((1L, 3L)));
    }

    [Test]
    public void HdfaOptimizer_Adam_MixesTheBiasCorrectedDirections()
    {
        var p = new Parameter("w", new Matrix(1, 2, [1f, -1f]), isWeight: true);
        bool bpStep = true;
        HdfaOptimizer opt = HdfaOptimizer.Adam([p], 0.01, 0.9, 0.999, 1e-8, gamma: 0.25, weightDecay: 0);
        p.Gradient.Span[0] = 2f;
        p.Gradient.Span[1] = -4f;
        opt.Step(bpStep ? StepKind.Backprop : StepKind.Dfa);

        // First BP step: m̂ = g, v̂ = g², so the direction is sign(g) (up to eps).
        Assert.That(p.Value.Span[0], Is.EqualTo(1 - 0.01).Within(1e-6));
        Assert.That(p.Value.Span[1], Is.EqualTo(-1 + 0.01).Within(1e-6));

        bpStep = false;
        p.Gradient.Span[0] = -3f;
        p.Gradient.Span[1] = -1f;
        opt.Step(bpStep ? StepKind.Backprop : StepKind.Dfa);

        // First DFA step: own direction sign(g_DFA) mixed with the BP direction sign(g_BP): 0.25·(−1) + 0.75·(+1) = 0.5 and
        // 0.25·(−1) + 0.75·(−1) = −1.
        Assert.That(p.Value.Span[0], Is.EqualTo(0.99 - (0.01 * 0.5)).Within(1e-6));
        Assert.That(p.Value.Span[1], Is.EqualTo(-0.99 + 0.01).Within(1e-6));
    }

    [Test]
    public void Freeze_FrozenBlocksNeverChange_AndTheRestTrainsAsWithoutThem()
    {
        TrainConfig config = Cnn();
        Network full = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed);
        Network frozen = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed).WithFrozenBlocks(2);
        Assert.That(frozen.FeedbackBlocks.Select(b => b.Name), Is.EqualTo(new[] { "hidden1" }));
        Assert.That(frozen.TrainableParameters.Select(p => p.Name), Is.EqualTo(new[] { "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias" }));

        float[] convBefore = Flatten(frozen.Parameters.Take(4));
        var trainer = new Trainer(frozen, new Backpropagation(), new Adam(frozen.TrainableParameters, 3e-3), new ConstantRate(3e-3), config);
        trainer.Step(Train, Enumerable.Range(0, 16).ToArray());
        Assert.That(Flatten(frozen.Parameters.Take(4)), Is.EqualTo(convBefore));

        // The dense blocks' gradients are BP's whether or not the conv blocks below are frozen.
        Matrix e = ForwardAndError(full, out _);
        new Backpropagation().ComputeGradients(full, e);
        float[] fullDense = Flatten(full.Parameters.Skip(4).Select(p => p.Gradient));
        Network fresh = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed).WithFrozenBlocks(2);
        Matrix e2 = ForwardAndError(fresh, out _);
        new Backpropagation().ComputeGradients(fresh, e2);
        Assert.That(Flatten(fresh.Parameters.Skip(4).Select(p => p.Gradient)), Is.EqualTo(fullDense));
    }

    private static Func<Network, ITrainingAlgorithm, IOptimizer> SgdHdfa(double gamma) =>
        (n, a) => HdfaOptimizer.Sgd(n.Parameters, 0.05, 0.9, 0, gamma, 0);

    private static float[] Train3Steps(TrainConfig config, Func<Network, ITrainingAlgorithm> algorithm, Func<Network, ITrainingAlgorithm, IOptimizer>? optimizer = null)
    {
        Network network = NetworkBuilder.Build(config, Train.Features, Train.Classes, config.Seed);
        ITrainingAlgorithm a = algorithm(network);
        IOptimizer o = optimizer?.Invoke(network, a) ?? new Adam(network.Parameters, 3e-3);
        var trainer = new Trainer(network, a, o, new ConstantRate(3e-3), config);
        for (int s = 0; s < 3; s++)
        {
            trainer.Step(Train, Enumerable.Range(s * 16, 16).ToArray());
        }

        return Flatten(network.Parameters);
    }

    private static Matrix ForwardAndError(Network network, out Matrix input)
    {
        input = new Matrix(8, Train.Features);
        for (int i = 0; i < 8; i++)
        {
            Train.Sample(i).CopyTo(input.Row(i));
        }

        Matrix logits = network.Forward(input, training: true);
        Matrix e = TestData.RandomMatrix(8, logits.Cols, 33, 0.1f);
        return e;
    }

    private static Matrix Times(Matrix a, Matrix b)
    {
        var c = new Matrix(a.Rows, b.Cols);
        Gemm.Multiply(a, Transpose.No, b, Transpose.No, c);
        return c;
    }

    private static MatrixProjector Projector(IReadOnlyList<NetworkBlock> blocks, ulong seed) =>
        Gaussian(new FeedbackShape(5, blocks.Select(b => b.OutputSize).ToArray()), seed);

    private static MatrixProjector Gaussian(FeedbackShape shape, ulong seed) => MatrixProjector.Gaussian(shape, seed);

    private static float[] Flatten(IEnumerable<Parameter> parameters) => parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray();

    private static float[] Flatten(IEnumerable<Matrix> matrices) => matrices.SelectMany(m => m.Span.ToArray()).ToArray();
}
