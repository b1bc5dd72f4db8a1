using Dfa.Core.Config;
using Dfa.Core.Layers;
using Dfa.Core.Networks;
using Dfa.Core.Training;
using Dfa.Testing;

namespace Dfa.Core.Tests.Networks;

/// <summary>
/// The one network description: a config's spec has exactly the blocks, sizes and parameters of the network
/// <see cref="NetworkBuilder"/> allocates from it, and its layers' counts follow their formulas.
/// </summary>
public sealed class NetworkSpecTests
{
    private static IEnumerable<string> ShippedConfigs() =>
    [
        "seed.yaml",
        "mnist-dfa-tanh.yaml",
        .. Directory.GetFiles(RepoPaths.Combine("configs", "cnn"), "*.yaml").Select(p => Path.Combine("cnn", Path.GetFileName(p))).Order(StringComparer.Ordinal),
        "mnist-bp-tanh.yaml",
        "mnist-fa-tanh.yaml",
        .. Directory.GetFiles(RepoPaths.Combine("configs", "rules"), "*.yaml").Select(p => Path.Combine("rules", Path.GetFileName(p))).Order(StringComparer.Ordinal),
        .. Directory.GetFiles(RepoPaths.Combine("configs", "cnn", "rules"), "*.yaml").Select(p => Path.Combine("cnn", "rules", Path.GetFileName(p))).Order(StringComparer.Ordinal),
    ];

    [TestCaseSource(nameof(ShippedConfigs))]
    public void Spec_IsTheBuiltNetwork_ForShippedConfigs(string relative)
    {
        AssertMatchesNetwork(ConfigLoader.Load(RepoPaths.Combine("configs", relative)), 784, 10);
    }

    [TestCase("use_BatchNorm1D=true", "model.activation=prelu")]
    [TestCase("use_LayerNorm1D=true", "p_drop=0.2")]
    [TestCase("model.pool_kind=avg", "model.conv_stride=2")]
    [TestCase("model.pool=1", "model.activation=prelu")]
    public void Spec_IsTheBuiltNetwork_WithNormsPreluDropoutAndPools(string a, string b)
    {
        TrainConfig config = ConfigLoader.Parse("{}", "test", ["model.input_shape=[3, 12, 12]", "model.conv=[4, 6]", "model.conv_kernel=3", "model.conv_padding=1", "model.hidden=[20, 12]", a, b]);
        AssertMatchesNetwork(config, 3 * 12 * 12, 7);
    }

    [Test]
    public void CnnSpec_HasTheHandCountedLayers()
    {
        // configs/cnn/bp.yaml: 1×28×28 → conv 5×5 pad 2 → 32×28×28 → pool → 32×14×14 → conv → 64×14×14 → pool → 64×7×7 → 1024 → 10.
        NetworkSpec spec = NetworkSpec.From(ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", "bp.yaml")), 784, 10);
        Assert.That(spec.Blocks.SelectMany(b => b.Layers.Select(l => $"{b.Name}/{l.Name}/{l.Kind}/{l.OutputSize}")), Is.EqualTo(new[]
        {
            "conv1/conv1/Conv2d/25088", "conv1/cact1/Activation/25088", "conv1/pool1/MaxPool/6272",
            "conv2/conv2/Conv2d/12544", "conv2/cact2/Activation/12544", "conv2/pool2/MaxPool/3136",
            "hidden1/fc1/Linear/1024", "hidden1/act1/Activation/1024", "output/fc2/Linear/10",
        }));
        Assert.That(spec.Blocks[0].Layers[0].ForwardMacs, Is.EqualTo(28L * 28 * 32 * 25));
        Assert.That(spec.Blocks[1].Layers[0].ForwardMacs, Is.EqualTo(14L * 14 * 64 * 32 * 25));
        Assert.That(spec.FeedbackShape.LayerSizes, Is.EqualTo(new[] { 6272, 3136, 1024 }));
        Assert.That(spec.ActivationsPerSample, Is.EqualTo(784 + 25088 + 6272 + 12544 + 3136 + 1024 + 10), "element-wise layers are fused into the layer before them");
        Assert.That(spec.Parameters, Is.EqualTo(3_274_634));
    }

    [Test]
    public void Conv2d_CountsFollowTheFormula()
    {
        // 3×10×10 input, 4 channels, 3×3, stride 2, padding 1 → 4×5×5.
        LayerSpec conv = LayerSpec.Convolution("c", new ConvShape(new ImageShape(3, 10, 10), 4, Kernel: 3, Stride: 2, Padding: 1));
        Assert.That((conv.InputSize, conv.OutputSize), Is.EqualTo((300, 100)));
        Assert.That(conv.ForwardMacs, Is.EqualTo(5 * 5 * 4 * 3 * 3 * 3));
        Assert.That(conv.WeightGradientMacs, Is.EqualTo(conv.ForwardMacs));
        Assert.That(conv.InputGradientMacs, Is.EqualTo(conv.ForwardMacs));
        Assert.That(conv.Parameters, Is.EqualTo((4 * 3 * 3 * 3) + 4));
    }

    [Test]
    public void Pooling_HasNoWeightsAndNoMacs()
    {
        LayerSpec pool = LayerSpec.Pooling("p", LayerKind.MaxPool, new PoolShape(new ImageShape(64, 55, 55), Window: 3, Stride: 2));
        Assert.That(pool.OutputSize, Is.EqualTo(64 * 27 * 27));
        Assert.That((pool.Parameters, pool.ForwardMacs, pool.WeightGradientMacs, pool.InputGradientMacs), Is.EqualTo((0L, 0L, 0L, 0L)));
        Assert.That(pool.Fused, Is.False, "a pooled map is a tensor between layers");
    }

    [Test]
    public void MismatchedSizes_AndAnOutputWithoutWeights_Throw()
    {
        Assert.That(
            () => new BlockSpec("b", [LayerSpec.Linear("fc1", 4, 3), LayerSpec.Linear("fc2", 5, 2)]),
            Throws.ArgumentException.With.Message.Contains("'fc2' takes 5 inputs but 'fc1' gives 3"));
        var hidden = new BlockSpec("hidden1", [LayerSpec.Linear("fc1", 4, 3)]);
        Assert.That(
            () => new NetworkSpec("n", [hidden, new BlockSpec("output", [LayerSpec.Linear("fc2", 5, 2)])]),
            Throws.ArgumentException.With.Message.Contains("block 'output' takes 5 inputs"));
        Assert.That(
            () => new NetworkSpec("n", [hidden, new BlockSpec("output", [new LayerSpec("relu", LayerKind.Activation, 3, 3)])]),
            Throws.ArgumentException.With.Message.Contains("no weights"));
        Assert.That(() => new NetworkSpec("n", [hidden]), Throws.ArgumentException.With.Message.Contains("no hidden block"));
        Assert.That(new NetworkSpec("input-only", [hidden], feedbackAtInput: true).FeedbackShape.LayerSizes, Is.EqualTo(new[] { 4 }));
    }

    [Test]
    public void AnInputShapeThatIsNotTheData_IsAnInputError_AndAKernelThatDoesNotFit_NamesTheBlock()
    {
        TrainConfig config = ConfigLoader.Parse("{}", "test", ["model.input_shape=[1, 28, 28]", "model.conv=[4]"]);
        Assert.That(() => NetworkSpec.From(config, 100, 10), Throws.TypeOf<DfaInputException>().With.Message.Contains("model.input_shape"));
        TrainConfig tooBig = ConfigLoader.Parse("{}", "test", ["model.input_shape=[1, 4, 4]", "model.conv=[4]", "model.conv_kernel=9", "model.conv_padding=0"]);
        Assert.That(() => NetworkSpec.From(tooBig, 16, 10), Throws.TypeOf<DfaInputException>().With.Message.StartsWith("model.conv[0]: conv2d: a kernel of 9 does not fit"));
    }

    [Test]
    public void Specs_CompareByValue()
    {
        TrainConfig config = ConfigLoader.Parse("{}", "test");
        Assert.That(NetworkSpec.From(config, 784, 10), Is.EqualTo(NetworkSpec.From(config, 784, 10)));
        Assert.That(NetworkSpec.From(config, 784, 10), Is.Not.EqualTo(NetworkSpec.From(config, 784, 11)));
    }

    private static void AssertMatchesNetwork(TrainConfig config, int inputs, int classes)
    {
        NetworkSpec spec = NetworkSpec.From(config, inputs, classes);
        Network network = NetworkBuilder.Build(config with { Threads = 1 }, inputs, classes, seed: 1);
        Assert.That(spec.Parameters, Is.EqualTo(network.ParameterCount));
        Assert.That(spec.Blocks.Select(b => b.Name), Is.EqualTo(network.Blocks.Select(b => b.Name)));
        Assert.That(spec.Blocks.Select(b => b.OutputSize), Is.EqualTo(network.Blocks.Select(b => b.OutputSize)));
        Assert.That(spec.Blocks.Select(b => b.Layers.Count), Is.EqualTo(network.Blocks.Select(b => b.Layers.Count)));
        Assert.That(spec.Blocks.Select(b => b.Parameters), Is.EqualTo(network.Blocks.Select(b => b.Layers.Sum(l => l.Parameters.Sum(p => (long)p.Value.Length)))));
        Assert.That(spec.FeedbackShape.LayerSizes, Is.EqualTo(network.HiddenBlocks.Select(b => b.OutputSize)));
    }
}
