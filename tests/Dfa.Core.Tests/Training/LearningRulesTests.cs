using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Losses;
using Dfa.Core.Optim;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

/// <summary>
/// Sign symmetry (uSF, brSF, frSF), Kolen–Pollack and DRTP, each step checked against a scalar double-precision
/// reference on a tiny tanh network (tolerance 1e-5 on gradients of order 0.1, the float rounding of sums of a few dozen
/// terms), plus the properties that define each rule: uSF is FA through <c>s·sign(W)</c> bit for bit, brSF redraws its
/// magnitudes every step, frSF keeps them, Kolen–Pollack's <c>B</c> converges to <c>W</c>, DRTP's hidden updates do not
/// depend on any weight above them.
/// </summary>
public sealed class LearningRulesTests
{
    private static readonly int[] Labels = [0, 1, 2, 0, 1, 2];

    private static TrainConfig SmallConfig(params int[] hidden) => new()
    {
        Model = new ModelConfig { Hidden = hidden, Activation = ActivationKind.Tanh },
        Threads = 1,
    };

    [TestCase(SignSymmetryInit.Xavier)]
    [TestCase(SignSymmetryInit.Pytorch)]
    public void Usf_IsFeedbackAlignmentThroughTheScaledSignsOfW_BitForBit(SignSymmetryInit init)
    {
        TrainConfig config = SmallConfig(9, 7);
        Network usfNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network faNet = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);

        // s = the init's standard deviation: √(2/(in+out)) for Xavier, 1/√(3·in) for PyTorch's default.
        Matrix Signs(Parameter w)
        {
            double s = init == SignSymmetryInit.Xavier ? Math.Sqrt(2.0 / (w.Value.Cols + w.Value.Rows)) : 1 / Math.Sqrt(3.0 * w.Value.Cols);
            var b = new Matrix(w.Value.Rows, w.Value.Cols);
            for (int i = 0; i < b.Length; i++)
            {
                b.Data[i] = (float)s * Math.Sign(w.Value.Data[i]);
            }

            return b;
        }

        RunStep(usfNet, new SignSymmetry(usfNet, SignSymmetryVariant.Uniform, 1, init), inputs, Labels);
        RunStep(faNet, new FeedbackAlignment(faNet, Signs), inputs, Labels);

        for (int i = 0; i < usfNet.Parameters.Count; i++)
        {
            Assert.That(usfNet.Parameters[i].Gradient.Data, Is.EqualTo(faNet.Parameters[i].Gradient.Data), usfNet.Parameters[i].Name);
        }
    }

    [TestCase(SignSymmetryVariant.Uniform)]
    [TestCase(SignSymmetryVariant.BatchwiseRandom)]
    [TestCase(SignSymmetryVariant.FixedRandom)]
    public void SignSymmetry_HiddenGradients_MatchAScalarReference_ThroughWsSigns(SignSymmetryVariant variant)
    {
        TrainConfig config = SmallConfig(8, 8);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        var rule = new SignSymmetry(network, variant, feedbackSeed: 21);
        IReadOnlyDictionary<string, Matrix> b = rule.FeedbackMatrices;

        // Every B has W's signs (0 where W is 0) and a magnitude below the Xavier half-width a = √(6/(in+out)).
        foreach (Parameter w in rule.FeedbackWeights)
        {
            double a = Math.Sqrt(6.0 / (w.Value.Rows + w.Value.Cols));
            for (int i = 0; i < w.Value.Length; i++)
            {
                Assert.That(Math.Sign(b[w.Name].Data[i]), Is.EqualTo(Math.Sign(w.Value.Data[i])), $"{w.Name}[{i}]");
                Assert.That(Math.Abs(b[w.Name].Data[i]), Is.LessThanOrEqualTo(a + 1e-7), $"{w.Name}[{i}]");
            }
        }

        AssertHiddenGradientsFollow(network, rule, b["fc3.weight"], b["fc2.weight"], inputs);
    }

    [Test]
    public void Brsf_RedrawsItsMagnitudesEveryStep_FrsfKeepsThem_AndBothFollowTheSignsOfW()
    {
        TrainConfig config = SmallConfig(8, 6);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        var brsf = new SignSymmetry(network, SignSymmetryVariant.BatchwiseRandom, feedbackSeed: 5);
        var frsf = new SignSymmetry(network, SignSymmetryVariant.FixedRandom, feedbackSeed: 5);
        Linear output = (Linear)network.OutputBlock.Layers[0];
        float[] brsf0 = brsf.FeedbackMatrices["fc3.weight"].Data, frsf0 = frsf.FeedbackMatrices["fc3.weight"].Data;

        Assert.That(brsf.FeedbackMatrices["fc3.weight"].Data, Is.EqualTo(brsf0), "reading B again draws nothing");
        brsf.AfterStep();
        frsf.AfterStep();
        float[] brsf1 = brsf.FeedbackMatrices["fc3.weight"].Data;
        Assert.That(brsf1, Is.Not.EqualTo(brsf0), "brSF: new magnitudes after a step");
        Assert.That(brsf1.Select(Math.Sign), Is.EqualTo(brsf0.Select(Math.Sign)), "same W, same signs");
        Assert.That(frsf.FeedbackMatrices["fc3.weight"].Data, Is.EqualTo(frsf0), "frSF: the same magnitudes");

        // Flipping W's signs flips B's, magnitudes kept (frSF) and, at the same step, the same draws (brSF).
        TensorPrimitivesNegate(output.Weight.Value.Data);
        Assert.That(frsf.FeedbackMatrices["fc3.weight"].Data, Is.EqualTo(frsf0.Select(x => -x).ToArray()));
        Assert.That(brsf.FeedbackMatrices["fc3.weight"].Data, Is.EqualTo(brsf1.Select(x => -x).ToArray()));
    }

    [Test]
    public void Brsf_DrawsDoNotDependOnTheThreadCount()
    {
        TrainConfig config = SmallConfig(300, 200);
        Network network = NetworkBuilder.Build(config, inputs: 100, classes: 10, seed: 3);
        var one = new SignSymmetry(network, SignSymmetryVariant.BatchwiseRandom, feedbackSeed: 5, threads: 1);
        var two = new SignSymmetry(network, SignSymmetryVariant.BatchwiseRandom, feedbackSeed: 5, threads: 2);
        foreach ((string name, Matrix b) in one.FeedbackMatrices)
        {
            Assert.That(two.FeedbackMatrices[name].Data, Is.EqualTo(b.Data), name);
        }
    }

    [TestCase(0.0)]
    [TestCase(0.1)]
    public void KolenPollack_Step_MatchesAScalarReference_AndGivesBWsChangeAndDecay(double decay)
    {
        TrainConfig config = SmallConfig(8, 8) with { Optimizer = OptimizerKind.Sgd, LearningRate = 0.5 };
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        var kp = new KolenPollack(network, feedbackSeed: 21, decay: decay);
        IReadOnlyDictionary<string, Matrix> b0 = kp.FeedbackMatrices;
        Dictionary<string, float[]> w0 = network.Parameters.ToDictionary(p => p.Name, p => (float[])p.Value.Data.Clone());

        AssertHiddenGradientsFollow(network, kp, b0["fc3.weight"], b0["fc2.weight"], inputs);
        Optimizers.Create(config, network.Parameters).Step();
        kp.AfterStep();

        // SGD without momentum: W⁺ = W⁻ − η·g. Then B = (1 − λ)(B₀ + W⁺ − W⁻) = (1 − λ)(B₀ − η·g), W = (1 − λ)·W⁺ for
        // weights, biases untouched.
        foreach (Parameter p in network.Parameters)
        {
            for (int i = 0; i < p.Value.Length; i++)
            {
                double stepped = w0[p.Name][i] - (0.5 * p.Gradient.Data[i]);
                double expected = p.IsWeight ? (1 - decay) * stepped : stepped;
                Assert.That(p.Value.Data[i], Is.EqualTo(expected).Within(1e-6), $"{p.Name}[{i}]");
                if (b0.TryGetValue(p.Name, out Matrix? b))
                {
                    double expectedB = (1 - decay) * (b.Data[i] - (0.5 * p.Gradient.Data[i]));
                    Assert.That(kp.FeedbackMatrices[p.Name].Data[i], Is.EqualTo(expectedB).Within(1e-6), $"B of {p.Name}[{i}]");
                }
            }
        }
    }

    [Test]
    public void KolenPollack_BConvergesToW_TheAngleFallsToZero()
    {
        // A small teacher problem, Adam, decay λ = 0.02: B − W shrinks by 0.98 per step (0.98^300 ≈ 0.2 %).
        TrainConfig config = SmallConfig(24, 16) with { LearningRate = 3e-3 };
        Network network = NetworkBuilder.Build(config, inputs: 12, classes: 4, seed: 8);
        var kp = new KolenPollack(network, feedbackSeed: 13, decay: 0.02);
        IOptimizer adam = Optimizers.Create(config, network.Parameters);
        Dataset data = TestData.Blobs(96, 12, 4, seed: 2);
        Dictionary<string, float[]> gap0 = Gaps(kp);
        var angles = new List<double>();
        double firstLoss = 0, lastLoss = 0;
        for (int step = 0; step < 300; step++)
        {
            int[] rows = [.. Enumerable.Range(0, 32).Select(i => ((step * 32) + i) % data.Count)];
            double loss = RunStep(network, kp, Batch(data, rows), [.. rows.Select(r => data.Labels[r])]);
            (firstLoss, lastLoss) = (step == 0 ? loss : firstLoss, loss);
            adam.Step();
            kp.AfterStep();
            angles.Add(WeightAlignment.OfBackwardMatrices(network, kp.FeedbackMatrices).Max(a => a.Degrees));
        }

        Assert.That(angles[0], Is.GreaterThan(30), "B starts independent of W");
        Assert.That(angles[^1], Is.LessThan(0.5), "B has converged to W");
        Assert.That(angles[^1], Is.LessThan(angles[100]).And.LessThan(angles[0]));
        Assert.That(lastLoss, Is.LessThan(firstLoss), "it learns");

        // In exact arithmetic B − W = (1 − λ)^t (B₀ − W₀); in float, within a small multiple of the weights' rounding.
        double factor = Math.Pow(0.98, 300);
        foreach ((string name, float[] gap) in Gaps(kp))
        {
            for (int i = 0; i < gap.Length; i++)
            {
                Assert.That(gap[i], Is.EqualTo(factor * gap0[name][i]).Within(1e-5), $"{name}[{i}]");
            }
        }

        Dictionary<string, float[]> Gaps(KolenPollack rule) => rule.FeedbackWeights.ToDictionary(
            w => w.Name, w => rule.FeedbackMatrices[w.Name].Data.Zip(w.Value.Data, (b, x) => b - x).ToArray());
    }

    [TestCase(OptimizerKind.Adam)]
    [TestCase(OptimizerKind.Sgd)]
    public void Trainer_CallsAfterStep_OncePerStep_WithEveryOptimizer(OptimizerKind optimizer)
    {
        // Adam takes the trainer's fused checked path, SGD the separate checks: both must end a step with AfterStep
        // (once the fused path skipped it, so Kolen–Pollack's B never moved and brSF never redrew its magnitudes).
        TrainConfig config = SmallConfig(8) with { Optimizer = optimizer };
        Network network = NetworkBuilder.Build(config, inputs: 12, classes: 4, seed: 8);
        var counting = new CountingAlgorithm(new Backpropagation());
        var trainer = new Trainer(network, counting, Optimizers.Create(config, network.Parameters), new ConstantRate(1e-3), config);
        Dataset data = TestData.Blobs(64, 12, 4, seed: 2);
        int[] rows = [.. Enumerable.Range(0, 16)];
        for (int step = 1; step <= 5; step++)
        {
            trainer.Step(data, rows);
            Assert.That(counting.AfterSteps, Is.EqualTo(step));
        }
    }

    [Test]
    public void KolenPollack_ThroughTheTrainerWithAdam_BConvergesToW()
    {
        // The same teacher problem as KolenPollack_BConvergesToW_TheAngleFallsToZero, stepped by the Trainer (whose
        // Adam path fuses the NaN checks) instead of by hand: 300 steps at λ = 0.02 leave B − W at 0.98^300 ≈ 0.2 %.
        TrainConfig config = SmallConfig(24, 16) with { LearningRate = 3e-3 };
        Network network = NetworkBuilder.Build(config, inputs: 12, classes: 4, seed: 8);
        var kp = new KolenPollack(network, feedbackSeed: 13, decay: 0.02);
        var trainer = new Trainer(network, kp, Optimizers.Create(config, network.Parameters), new ConstantRate(3e-3), config);
        Dataset data = TestData.Blobs(96, 12, 4, seed: 2);
        double first = WeightAlignment.OfBackwardMatrices(network, kp.FeedbackMatrices).Max(a => a.Degrees);
        for (int step = 0; step < 300; step++)
        {
            trainer.Step(data, [.. Enumerable.Range(0, 32).Select(i => ((step * 32) + i) % data.Count)]);
        }

        double last = WeightAlignment.OfBackwardMatrices(network, kp.FeedbackMatrices).Max(a => a.Degrees);
        Assert.That(first, Is.GreaterThan(30), "B starts independent of W");
        Assert.That(last, Is.LessThan(0.5), "B has converged to W");
    }

    [Test]
    public void Brsf_ThroughTheTrainerWithAdam_CountsItsSteps_AndRedrawsItsMagnitudes()
    {
        TrainConfig config = SmallConfig(8, 6);
        Network network = NetworkBuilder.Build(config, inputs: 12, classes: 4, seed: 3);
        var brsf = new SignSymmetry(network, SignSymmetryVariant.BatchwiseRandom, 7);
        var trainer = new Trainer(network, brsf, Optimizers.Create(config, network.Parameters), new ConstantRate(1e-3), config);
        Dataset data = TestData.Blobs(64, 12, 4, seed: 2);
        int[] rows = [.. Enumerable.Range(0, 16)];
        var magnitudes = new List<float[]>();
        for (int step = 0; step < 3; step++)
        {
            trainer.Step(data, rows);
            magnitudes.Add([.. brsf.FeedbackMatrices.Values.SelectMany(b => b.Data.Select(Math.Abs))]);
        }

        Assert.That(brsf.Steps, Is.EqualTo(3));
        Assert.That(magnitudes[1], Is.Not.EqualTo(magnitudes[0]), "brSF draws new magnitudes every batch");
        Assert.That(magnitudes[2], Is.Not.EqualTo(magnitudes[1]));
    }

    [Test]
    public void Drtp_HiddenGradients_AreTheTargetsProjection_ThroughEachBlocksOwnDerivative()
    {
        TrainConfig config = SmallConfig(8, 6);
        Network network = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network twin = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        Matrix b1 = TestData.RandomMatrix(3, 8, seed: 11), b2 = TestData.RandomMatrix(3, 6, seed: 12);
        Matrix h1 = twin.Blocks[0].Forward(inputs, training: true).Clone();
        Matrix h2 = twin.Blocks[1].Forward(h1, training: true).Clone();
        Matrix logits = twin.Blocks[2].Forward(h2, training: true);
        var error = new Matrix(6, 3);
        new SoftmaxCrossEntropy().Compute(logits, Labels, error);
        var targets = new Matrix(6, 3);
        for (int r = 0; r < 6; r++)
        {
            targets[r, Labels[r]] = 1f;
        }

        RunStep(network, new DirectRandomTargetProjection(new MatrixProjector(b1, b2)), inputs, Labels);

        // δ_l = (Y*·B_l) ⊙ (1 − h_l²), dW_l = δ_lᵀ·(input of block l); the output block's is eᵀ·h2 (its true gradient).
        AssertWeightGradient(network, 0, Delta(targets, b1, h1), inputs);
        AssertWeightGradient(network, 1, Delta(targets, b2, h2), h1);
        AssertWeightGradient(network, 2, ToDouble(error), h2);
    }

    [Test]
    public void Drtp_HiddenUpdates_DoNotDependOnTheOutputWeights_OrOnAnyBlockAbove()
    {
        TrainConfig config = SmallConfig(8, 6);
        Network a = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Network b = NetworkBuilder.Build(config, inputs: 5, classes: 3, seed: 3);
        Linear bOutput = (Linear)b.OutputBlock.Layers[0], bHidden2 = (Linear)b.Blocks[1].Layers[0];
        TestData.RandomMatrix(3, 6, seed: 40, scale: 5f).CopyTo(bOutput.Weight.Value);
        TestData.RandomMatrix(6, 8, seed: 41, scale: 5f).CopyTo(bHidden2.Weight.Value);
        Matrix inputs = TestData.RandomMatrix(6, 5, seed: 4);
        var projector = MatrixProjector.Gaussian(new FeedbackShape(3, [8, 6]), seed: 9);

        RunStep(a, new DirectRandomTargetProjection(projector), inputs, Labels);
        RunStep(b, new DirectRandomTargetProjection(projector), inputs, Labels);

        static IEnumerable<float[]> FirstBlock(Network n) => n.Blocks[0].Layers.SelectMany(l => l.Parameters).Select(p => p.Gradient.Data);
        Assert.That(FirstBlock(b), Is.EqualTo(FirstBlock(a)), "hidden1 sees only its input and the labels");
        Assert.That(((Linear)b.Blocks[1].Layers[0]).Bias!.Gradient.Data, Is.Not.EqualTo(((Linear)a.Blocks[1].Layers[0]).Bias!.Gradient.Data),
            "hidden2's own weights shape its derivative, so its update changes with them");
        Assert.That(() => new DirectRandomTargetProjection(projector).ComputeGradients(a, new Matrix(6, 3)), Throws.InvalidOperationException);
    }

    private static TrainConfig Cnn() => ConfigLoader.Parse(
        """
        batch_size: 16
        lr: 3e-3
        model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
        seed: 2
        threads: 1
        """,
        "cnn.yaml");

    [Test]
    public void Fa_ThroughConvolutions_WithBEqualToW_IsBackpropagationBitForBit()
    {
        Network bpNet = NetworkBuilder.Build(Cnn(), 72, 5, seed: 2);
        Network faNet = NetworkBuilder.Build(Cnn(), 72, 5, seed: 2);
        Matrix inputs = TestData.RandomMatrix(9, 72, seed: 4);
        int[] labels = [0, 1, 2, 3, 4, 0, 1, 2, 3];
        var fa = new FeedbackAlignment(faNet, w => w.Value);
        Assert.That(fa.FeedbackWeights.Select(w => w.Name), Is.EqualTo(new[] { "conv2.weight", "fc1.weight", "fc2.weight" }), "every layer above conv1 has a B");

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(faNet, fa, inputs, labels);

        for (int i = 0; i < bpNet.Parameters.Count; i++)
        {
            Assert.That(faNet.Parameters[i].Gradient.Data, Is.EqualTo(bpNet.Parameters[i].Gradient.Data), bpNet.Parameters[i].Name);
        }
    }

    [Test]
    public void Fa_ThroughConvolutions_PassesConv1sErrorThroughConv2sKernelB()
    {
        // B of conv2 = 2·W of conv2, every other B = W: conv1's error is twice BP's, exactly (a power of two scales every
        // rounding step alike, and ReLU's and max pooling's backward are linear in the error); everything above is BP's.
        Network bpNet = NetworkBuilder.Build(Cnn(), 72, 5, seed: 2);
        Network faNet = NetworkBuilder.Build(Cnn(), 72, 5, seed: 2);
        Matrix inputs = TestData.RandomMatrix(9, 72, seed: 4);
        int[] labels = [0, 1, 2, 3, 4, 0, 1, 2, 3];
        Matrix Double(Parameter w)
        {
            Matrix b = w.Value.Clone();
            if (w.Name == "conv2.weight")
            {
                for (int i = 0; i < b.Length; i++)
                {
                    b.Data[i] *= 2f;
                }
            }

            return b;
        }

        RunStep(bpNet, new Backpropagation(), inputs, labels);
        RunStep(faNet, new FeedbackAlignment(faNet, Double), inputs, labels);

        for (int i = 0; i < bpNet.Parameters.Count; i++)
        {
            float[] expected = bpNet.Parameters[i].Gradient.Data;
            if (bpNet.Parameters[i].Name.StartsWith("conv1.", StringComparison.Ordinal))
            {
                expected = [.. expected.Select(x => 2f * x)];
            }

            Assert.That(faNet.Parameters[i].Gradient.Data, Is.EqualTo(expected), bpNet.Parameters[i].Name);
        }
    }

    [TestCase(TrainingAlgorithmKind.Fa)]
    [TestCase(TrainingAlgorithmKind.Usf)]
    [TestCase(TrainingAlgorithmKind.Brsf)]
    [TestCase(TrainingAlgorithmKind.Frsf)]
    [TestCase(TrainingAlgorithmKind.KolenPollack)]
    public void ChainRules_TrainACnn_AndAreRepeatable(TrainingAlgorithmKind kind)
    {
        Dataset train = TestData.Blobs(320, 72, 5, seed: 4);
        Dataset test = TestData.Blobs(80, 72, 5, seed: 4, sampleSeed: 5);
        TrainConfig config = Cnn() with { Epochs = 6 };

        (TrainingResult a, float[] wa) = Run(kind, config, train, test);
        (TrainingResult b, float[] wb) = Run(kind, config, train, test);

        Assert.That(a.Last.TrainLoss, Is.LessThan(a.Epochs[0].TrainLoss * 0.9));
        Assert.That(wb, Is.EqualTo(wa));
        Assert.That(b.Last.TestLoss, Is.EqualTo(a.Last.TestLoss));

        static (TrainingResult, float[]) Run(TrainingAlgorithmKind kind, TrainConfig config, Dataset train, Dataset test)
        {
            Network network = NetworkBuilder.Build(config, train.Features, train.Classes, config.Seed);
            FeedbackChainAlgorithm rule = kind switch
            {
                TrainingAlgorithmKind.Fa => new FeedbackAlignment(network, 7),
                TrainingAlgorithmKind.Usf => new SignSymmetry(network, SignSymmetryVariant.Uniform, 7),
                TrainingAlgorithmKind.Brsf => new SignSymmetry(network, SignSymmetryVariant.BatchwiseRandom, 7),
                TrainingAlgorithmKind.Frsf => new SignSymmetry(network, SignSymmetryVariant.FixedRandom, 7),
                _ => new KolenPollack(network, 7, decay: 0.01),
            };
            var trainer = new Trainer(network, rule, Optimizers.Create(config, network.Parameters),
                LearningRateSchedules.Create(config.LearningRate, config.LrScheduler), config);
            TrainingResult result = trainer.Run(train, null, test);
            return (result, network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray());
        }
    }

    [TestCase("fa.yaml", TrainingAlgorithmKind.Fa)]
    [TestCase("usf.yaml", TrainingAlgorithmKind.Usf)]
    [TestCase("brsf.yaml", TrainingAlgorithmKind.Brsf)]
    [TestCase("frsf.yaml", TrainingAlgorithmKind.Frsf)]
    [TestCase("kp.yaml", TrainingAlgorithmKind.KolenPollack)]
    [TestCase("drtp.yaml", TrainingAlgorithmKind.Drtp)]
    public void ShippedMlpRuleConfigs_AreTheDfaRunsNetworkAndBudget(string file, TrainingAlgorithmKind algorithm)
    {
        // configs/rules/*.yaml: 784-800-800-10 tanh, Adam, 30 epochs, as configs/mnist-dfa-tanh.yaml; only the rule's keys differ.
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "rules", file));
        TrainConfig dfa = ConfigLoader.Load(RepoPaths.Combine("configs", "mnist-dfa-tanh.yaml"));
        string[] methodKeys = ["backward_method", "feedback", "sign_symmetry", "kolen_pollack"];
        bool Shared(KeyValuePair<string, string> kv) => !methodKeys.Any(k => kv.Key == k || kv.Key.StartsWith(k + ".", StringComparison.Ordinal));

        Assert.That(config.Algorithm, Is.EqualTo(algorithm));
        Assert.That(ConfigLoader.Describe(config).Where(Shared), Is.EqualTo(ConfigLoader.Describe(dfa).Where(Shared)));
        Assert.That((config.Epochs, config.Optimizer, config.Model.Hidden), Is.EqualTo((30, OptimizerKind.Adam, (IReadOnlyList<int>)[800, 800])));
    }

    private static void AssertHiddenGradientsFollow(Network network, ITrainingAlgorithm rule, Matrix b3, Matrix b2, Matrix inputs)
    {
        // The reference runs forward on the same network first: the rule's own step then recomputes the same values.
        Matrix h1 = network.Blocks[0].Forward(inputs, training: true).Clone();
        Matrix h2 = network.Blocks[1].Forward(h1, training: true).Clone();
        Matrix logits = network.Blocks[2].Forward(h2, training: true);
        var error = new Matrix(inputs.Rows, logits.Cols);
        new SoftmaxCrossEntropy().Compute(logits, Labels, error);
        b3 = b3.Clone();
        b2 = b2.Clone();

        RunStep(network, rule, inputs, Labels);

        // δ2 = (E·B3) ⊙ (1 − h2²), δ1 = (δ2·B2) ⊙ (1 − h1²), dW_l = δ_lᵀ·(input of layer l), all in double.
        double[,] delta2 = Delta(error, b3, h2);
        double[,] delta1 = Delta(ToFloat(delta2), b2, h1);
        AssertWeightGradient(network, 2, ToDouble(error), h2);
        AssertWeightGradient(network, 1, delta2, h1);
        AssertWeightGradient(network, 0, delta1, inputs);
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

    private static double[,] ToDouble(Matrix m)
    {
        var d = new double[m.Rows, m.Cols];
        for (int r = 0; r < m.Rows; r++)
        {
            for (int c = 0; c < m.Cols; c++)
            {
                d[r, c] = m[r, c];
            }
        }

        return d;
    }

    private static Matrix ToFloat(double[,] values)
    {
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

    private static void TensorPrimitivesNegate(float[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = -values[i];
        }
    }

    private static Matrix Batch(Dataset data, int[] rows)
    {
        var m = new Matrix(rows.Length, data.Features);
        for (int i = 0; i < rows.Length; i++)
        {
            data.Sample(rows[i]).CopyTo(m.Row(i));
        }

        return m;
    }

    private static double RunStep(Network network, ITrainingAlgorithm algorithm, Matrix inputs, int[] labels)
    {
        Matrix logits = network.Forward(inputs, training: true);
        var gradient = new Matrix(logits.Rows, logits.Cols);
        double loss = new SoftmaxCrossEntropy().Compute(logits, labels, gradient);
        algorithm.ComputeGradients(network, gradient, labels);
        return loss;
    }
}

/// <summary>Delegates to another algorithm and counts the trainer's <see cref="ITrainingAlgorithm.AfterStep"/> calls.</summary>
internal sealed class CountingAlgorithm(ITrainingAlgorithm inner) : ITrainingAlgorithm
{
    public int AfterSteps { get; private set; }

    public string Name => inner.Name;

    public StepKind LastStep => inner.LastStep;

    public void ComputeGradients(Network network, Matrix outputGradient) => inner.ComputeGradients(network, outputGradient);

    public void ComputeGradients(Network network, Matrix outputGradient, ReadOnlySpan<int> labels) => inner.ComputeGradients(network, outputGradient, labels);

    public void AfterStep()
    {
        inner.AfterStep();
        AfterSteps++;
    }
}
