using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Training;
using Dfa.Core.Yaml;
using Dfa.Testing;

namespace Dfa.Core.Tests.Training;

/// <summary>
/// Convolutional networks from <c>model.conv</c>: the blocks and shapes the builder makes, the config and shape errors
/// it reports, and that BP and DFA train such a network deterministically (the layers themselves are checked against
/// scalar references and finite differences in the Layers tests).
/// </summary>
public sealed class CnnBuilderTests
{
    private static TrainConfig Cnn(TrainingAlgorithmKind algorithm = TrainingAlgorithmKind.Bp) => ConfigLoader.Parse(
        """
        batch_size: 16
        lr: 3e-3
        model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
        seed: 2
        threads: 2
        """,
        "cnn.yaml") with
    { Algorithm = algorithm };

    [Test]
    public void Build_MnistCnn_HasTheExpectedBlocksShapesAndNames()
    {
        TrainConfig config = ConfigLoader.Parse(
            "model: {input_shape: [1, 28, 28], conv: [32, 64], conv_kernel: 5, conv_padding: 2, pool: 2, hidden: [1024], activation: relu}", "c.yaml");

        Network network = NetworkBuilder.Build(config, inputs: 784, classes: 10, seed: 1);

        Assert.That(network.Blocks.Select(b => b.Name), Is.EqualTo(new[] { "conv1", "conv2", "hidden1", "output" }));
        Assert.That(network.HiddenBlocks.Select(b => b.OutputSize), Is.EqualTo(new[] { 32 * 14 * 14, 64 * 7 * 7, 1024 }));
        Assert.That(network.Blocks[0].Layers.Select(l => l.Kind), Is.EqualTo(new[] { "conv2d", "relu", "maxpool2d" }));
        Assert.That(network.Parameters.Select(p => p.Name).Take(4), Is.EqualTo(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias" }));
        Assert.That(network.Parameters[2].Value.Rows, Is.EqualTo(64));
        Assert.That(network.Parameters[2].Value.Cols, Is.EqualTo(32 * 5 * 5));

        // 1·32·25+32 + 32·64·25+64 + 3136·1024+1024 + 1024·10+10.
        Assert.That(network.ParameterCount, Is.EqualTo(832 + 51_264 + 3_212_288 + 10_250));
    }

    /// <summary>
    /// The shipped CNN configs load and build the same MNIST network with the same budget, differing only in how it
    /// trains (the method's keys, its feedback backend, which blocks it freezes or loads, and where it writes).
    /// </summary>
    [TestCase("bp.yaml", TrainingAlgorithmKind.Bp)]
    [TestCase("dfa.yaml", TrainingAlgorithmKind.Dfa)]
    [TestCase("hybrid.yaml", TrainingAlgorithmKind.Hybrid)]
    [TestCase("hdfa.yaml", TrainingAlgorithmKind.Hdfa)]
    [TestCase("modular.yaml", TrainingAlgorithmKind.Modular)]
    [TestCase("frozen.yaml", TrainingAlgorithmKind.Dfa)]
    public void ShippedCnnConfigs_BuildTheSameMnistCnn(string file, TrainingAlgorithmKind algorithm)
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", file));
        TrainConfig bp = ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", "bp.yaml"));
        string[] methodKeys = ["backward_method", "feedback", "hybrid", "modular", "hdfa", "freeze", "init_from", "output"];
        bool Shared(KeyValuePair<string, string> kv) => !methodKeys.Any(k => kv.Key == k || kv.Key.StartsWith(k + ".", StringComparison.Ordinal));

        Assert.That(config.Algorithm, Is.EqualTo(algorithm));
        Assert.That(ConfigLoader.Describe(config).Where(Shared), Is.EqualTo(ConfigLoader.Describe(bp).Where(Shared)));
        Assert.That(config.Output, Is.EqualTo($"runs/cnn/{Path.GetFileNameWithoutExtension(file)}"));
        Network network = NetworkBuilder.Build(config, inputs: 784, classes: 10, seed: config.Seed);
        Assert.That(network.HiddenBlocks.Select(b => b.OutputSize), Is.EqualTo(new[] { 32 * 14 * 14, 64 * 7 * 7, 1024 }));
    }

    /// <summary>
    /// configs/cnn/rules: the same MNIST CNN and budget as configs/cnn/bp.yaml, differing only in the rule and its keys,
    /// and for DRTP its tanh activations (ReLU diverged under DRTP; see the config's comment).
    /// </summary>
    [TestCase("fa.yaml", TrainingAlgorithmKind.Fa)]
    [TestCase("usf.yaml", TrainingAlgorithmKind.Usf)]
    [TestCase("brsf.yaml", TrainingAlgorithmKind.Brsf)]
    [TestCase("frsf.yaml", TrainingAlgorithmKind.Frsf)]
    [TestCase("kp.yaml", TrainingAlgorithmKind.KolenPollack)]
    [TestCase("drtp.yaml", TrainingAlgorithmKind.Drtp)]
    public void ShippedCnnRuleConfigs_TrainTheSameMnistCnnOnTheSameBudget(string file, TrainingAlgorithmKind algorithm)
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", "rules", file));
        TrainConfig bp = ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", "bp.yaml"));
        string[] methodKeys = ["backward_method", "feedback", "sign_symmetry", "kolen_pollack", "output", .. algorithm == TrainingAlgorithmKind.Drtp ? new[] { "model.activation" } : []];
        bool Shared(KeyValuePair<string, string> kv) => !methodKeys.Any(k => kv.Key == k || kv.Key.StartsWith(k + ".", StringComparison.Ordinal));

        Assert.That(config.Algorithm, Is.EqualTo(algorithm));
        Assert.That(ConfigLoader.Describe(config).Where(Shared), Is.EqualTo(ConfigLoader.Describe(bp).Where(Shared)));
        Assert.That(config.Output, Is.EqualTo($"runs/cnn/rules/{Path.GetFileNameWithoutExtension(file)}"));
    }

    [Test]
    public void Build_AvgPoolAndNoPool()
    {
        TrainConfig avg = Cnn() with { Model = Cnn().Model with { PoolKind = PoolKind.Avg } };
        TrainConfig none = Cnn() with { Model = Cnn().Model with { Pool = 1 } };

        Assert.That(NetworkBuilder.Build(avg, 72, 5, 1).Blocks[0].Layers[^1].Kind, Is.EqualTo("avgpool2d"));
        Network flat = NetworkBuilder.Build(none, 72, 5, 1);
        Assert.That(flat.Blocks[0].Layers.Select(l => l.Kind), Is.EqualTo(new[] { "conv2d", "relu" }));
        Assert.That(flat.HiddenBlocks[1].OutputSize, Is.EqualTo(3 * 6 * 6));
    }

    [Test]
    public void Config_ConvWithoutInputShape_IsAnErrorAtTheKey()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Parse("model:\n  conv: [8]\n", "c.yaml"))!;

        Assert.That(e.Message, Does.StartWith("c.yaml:2:9:").And.Contain("model.input_shape"));
    }

    [Test]
    public void Build_InputShapeNotMatchingTheData_IsAnInputError()
    {
        var e = Assert.Throws<DfaInputException>(() => NetworkBuilder.Build(Cnn(), inputs: 784, classes: 5, seed: 1))!;

        Assert.That(e.Message, Does.Contain("model.input_shape [2, 6, 6] has 72 values per sample, but the data has 784 features"));
    }

    [Test]
    public void Build_KernelLargerThanTheMap_NamesTheBlock()
    {
        TrainConfig config = Cnn() with { Model = Cnn().Model with { ConvKernel = 9, ConvPadding = 0 } };

        var e = Assert.Throws<DfaInputException>(() => NetworkBuilder.Build(config, 72, 5, 1))!;

        Assert.That(e.Message, Does.StartWith("model.conv[0]: "));
    }

    [TestCase(TrainingAlgorithmKind.Bp)]
    [TestCase(TrainingAlgorithmKind.Dfa)]
    public void Train_Cnn_LowersTheLossAndIsRepeatable(TrainingAlgorithmKind algorithm)
    {
        Dataset train = TestData.Blobs(320, 72, 5, seed: 4);
        Dataset test = TestData.Blobs(80, 72, 5, seed: 4, sampleSeed: 5);
        TrainConfig config = Cnn(algorithm) with { Epochs = 4 };

        (TrainingResult a, float[] wa) = Run(config, train, test);
        (TrainingResult b, float[] wb) = Run(config, train, test);

        // BP learns these blobs quickly; DFA through convolutional feature maps learns, but slowly (the known failure
        // the survey's Section 2.2 is about), so it only has to improve.
        double factor = algorithm == TrainingAlgorithmKind.Bp ? 0.9 : 0.99;
        Assert.That(a.Last.TrainLoss, Is.LessThan(a.Epochs[0].TrainLoss * factor));
        Assert.That(wb, Is.EqualTo(wa));
        Assert.That(b.Last.TestLoss, Is.EqualTo(a.Last.TestLoss));
    }

    private static (TrainingResult Result, float[] Weights) Run(TrainConfig config, Dataset train, Dataset test)
    {
        Network network = NetworkBuilder.Build(config, train.Features, train.Classes, config.Seed);
        ITrainingAlgorithm algorithm = config.Algorithm == TrainingAlgorithmKind.Bp
            ? new Backpropagation()
            : new DirectFeedbackAlignment(MatrixProjector.Gaussian(
                new FeedbackShape(train.Classes, network.HiddenBlocks.Select(b => b.OutputSize).ToArray()), config.Seed));
        var trainer = new Trainer(network, algorithm, Optimizers.Create(config, network.Parameters),
            LearningRateSchedules.Create(config.LearningRate, config.LrScheduler), config);
        TrainingResult result = trainer.Run(train, null, test);
        return (result, network.Parameters.SelectMany(p => p.Value.Span.ToArray()).ToArray());
    }
}
