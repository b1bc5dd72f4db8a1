using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Training;
using Dfa.Sim.Workloads;
using Dfa.Testing;

namespace Dfa.Sim.Tests.Workloads;

/// <summary>A config's workload against the network <c>NetworkBuilder</c> builds from the same config.</summary>
public sealed class ConfigWorkloadTests
{
    private static IEnumerable<string> ShippedConfigs() =>
    [
        .. Directory.GetFiles(RepoPaths.Combine("configs", "cnn"), "*.yaml").Select(p => Path.Combine("cnn", Path.GetFileName(p))).Order(StringComparer.Ordinal),
        "mnist-bp-tanh.yaml",
        "mnist-fa-tanh.yaml",
    ];

    [TestCaseSource(nameof(ShippedConfigs))]
    public void ParametersAndBlockSizes_EqualTheBuiltNetwork_ForShippedConfigs(string relative)
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", relative));
        AssertMatchesNetwork(config, 784, 10);
    }

    [TestCase("use_BatchNorm1D=true", "model.activation=prelu")]
    [TestCase("use_LayerNorm1D=true", "p_drop=0.2")]
    [TestCase("model.pool_kind=avg", "model.conv_stride=2")]
    [TestCase("model.pool=1", "model.activation=prelu")]
    public void ParametersAndBlockSizes_EqualTheBuiltNetwork_WithNormsPreluAndPools(string a, string b)
    {
        TrainConfig config = ConfigLoader.Parse("{}", "test", ["model.input_shape=[3, 12, 12]", "model.conv=[4, 6]", "model.conv_kernel=3", "model.conv_padding=1", "model.hidden=[20, 12]", a, b]);
        AssertMatchesNetwork(config, 3 * 12 * 12, 7);
    }

    [Test]
    public void TheCnnWorkload_HasTheHandCountedLayers()
    {
        // configs/cnn/bp.yaml: 1×28×28 → conv 5×5 pad 2 → 32×28×28 → pool → 32×14×14 → conv → 64×14×14 → pool → 64×7×7 → 1024 → 10.
        Workload w = ConfigWorkload.From(ConfigLoader.Load(RepoPaths.Combine("configs", "cnn", "bp.yaml")), 784, 10);
        Assert.That(w.Layers.Select(l => $"{l.Block}/{l.Name}/{l.Kind}/{l.OutputSize}/{l.IsFeedbackPoint}"), Is.EqualTo(new[]
        {
            "conv1/conv1/Conv2d/25088/False", "conv1/pool1/MaxPool/6272/True", "conv2/conv2/Conv2d/12544/False", "conv2/pool2/MaxPool/3136/True",
            "hidden1/fc1/Linear/1024/True", "output/fc2/Linear/10/False",
        }));
        Assert.That(w.Layers[0].ForwardMacs, Is.EqualTo(28L * 28 * 32 * 25));
        Assert.That(w.Layers[2].ForwardMacs, Is.EqualTo(14L * 14 * 64 * 32 * 25));
        Assert.That(w.FeedbackShape.LayerSizes, Is.EqualTo(new[] { 6272, 3136, 1024 }));
    }

    [Test]
    public void AnInputShapeThatIsNotTheData_IsAnInputError()
    {
        TrainConfig config = ConfigLoader.Parse("{}", "test", ["model.input_shape=[1, 28, 28]", "model.conv=[4]"]);
        Assert.That(() => ConfigWorkload.From(config, 100, 10), Throws.TypeOf<DfaInputException>().With.Message.Contains("model.input_shape"));
    }

    private static void AssertMatchesNetwork(TrainConfig config, int inputs, int classes)
    {
        Network network = NetworkBuilder.Build(config, inputs, classes, seed: 1);
        Workload w = ConfigWorkload.From(config, inputs, classes);
        Assert.That(w.Parameters, Is.EqualTo(network.ParameterCount));
        string[] blocks = [.. w.Layers.Select(l => l.Block).Distinct()];
        Assert.That(blocks, Is.EqualTo(network.Blocks.Select(b => b.Name)));
        int[] outputs = [.. blocks.Select(b => w.Layers.Last(l => l.Block == b).OutputSize)];
        Assert.That(outputs, Is.EqualTo(network.Blocks.Select(b => b.OutputSize)));
        Assert.That(w.FeedbackShape.LayerSizes, Is.EqualTo(network.HiddenBlocks.Select(b => b.OutputSize)));
    }
}
