using Dfa.Core.Config;
using Dfa.Core.Serialization;
using Dfa.Core.Training;
using Dfa.Testing;
using static Dfa.Testing.ModelTestNetworks;

namespace Dfa.Core.Tests.Serialization;

/// <summary>
/// <c>init_from</c>: which tensors a load replaces (the named blocks, exactly), what it leaves alone (every other
/// block, bit for bit as seeded), and the one-line error for each way a file and a network can disagree.
/// </summary>
public sealed class ModelLoaderTests
{
    [Test]
    public void Apply_SomeBlocks_LoadsThemAndLeavesTheOthersAtTheirSeededInit()
    {
        Network source = BuildMlp(seed: 1);
        Scramble(source, 21);
        Network target = BuildMlp(seed: 2);
        Network fresh = BuildMlp(seed: 2);

        ModelLoadReport report = ModelLoader.Apply(WeightsFile.Read(WeightsFile.ToBytes(source), "m.bin"), target, ["hidden2", "hidden1"]);

        Assert.That(report.Blocks, Is.EqualTo(new[] { "hidden1", "hidden2" }), "network order");
        Assert.That(report.Tensors, Is.EqualTo(14));
        Assert.That(Bits(target, "hidden1"), Is.EqualTo(Bits(source, "hidden1")));
        Assert.That(Bits(target, "hidden2"), Is.EqualTo(Bits(source, "hidden2")));
        Assert.That(Bits(target, "output"), Is.EqualTo(Bits(fresh, "output")));
        Assert.That(Bits(target, "output"), Is.Not.EqualTo(Bits(source, "output")));
    }

    /// <summary>Transfer learning: conv blocks of a CNN into a CNN with another FC head; the head keeps its own init.</summary>
    [Test]
    public void Apply_ConvBlocksIntoAnotherHead_IgnoresTheFilesOtherBlocks()
    {
        Network trained = BuildCnn(seed: 3, hidden: "[16]");
        Scramble(trained, 22);
        Network target = BuildCnn(seed: 4, hidden: "[32, 8]");
        Network fresh = BuildCnn(seed: 4, hidden: "[32, 8]");
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(trained), "cnn.bin");

        ModelLoader.Apply(file, target, ["conv1", "conv2"]);

        Assert.That(Bits(target, "conv1").Concat(Bits(target, "conv2")), Is.EqualTo(Bits(trained, "conv1").Concat(Bits(trained, "conv2"))));
        foreach (string block in new[] { "hidden1", "hidden2", "output" })
        {
            Assert.That(Bits(target, block), Is.EqualTo(Bits(fresh, block)), block);
        }

        var all = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, BuildCnn(seed: 4, hidden: "[32, 8]"), []));
        Assert.That(all!.Message, Is.EqualTo("cnn.bin: tensor 'fc1.weight' of block 'hidden1' is 16×3 float32 in the file, 32×3 float32 in this network"));
    }

    [Test]
    public void Apply_ShapeMismatch_NamesTheTensorAndBothShapes()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1, hidden: "[8, 6]")), "m.bin");

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, BuildMlp(seed: 1, hidden: "[8, 7]"), []));

        Assert.That(ex!.Message, Is.EqualTo("m.bin: tensor 'fc2.weight' of block 'hidden2' is 6×8 float32 in the file, 7×8 float32 in this network"));
    }

    [Test]
    public void Apply_UnknownBlock_ListsTheNetworksBlocks()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1)), "m.bin");

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, BuildMlp(seed: 1), ["conv1"]));

        Assert.That(ex!.Message, Is.EqualTo("init_from.blocks: 'conv1' is not a block of this network (hidden1, hidden2, output)"));
    }

    [Test]
    public void Apply_BlockWithNoTensorsInTheFile_IsAnError()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1, hidden: "[8]")), "m.bin");

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, BuildMlp(seed: 1, hidden: "[8, 6]"), ["hidden2"]));

        Assert.That(ex!.Message, Is.EqualTo("m.bin: holds no tensors of block 'hidden2' (it holds blocks: hidden1, output)"));
    }

    [Test]
    public void Apply_FileHasTensorsTheBlockLacks_IsAnError()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1, batchNorm: true)), "m.bin");

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, BuildMlp(seed: 1, batchNorm: false), ["hidden1"]));

        Assert.That(ex!.Message, Is.EqualTo(
            "m.bin: block 'hidden1' holds 'bn1.weight', 'bn1.bias', 'bn1.running_mean', 'bn1.running_var', 'bn1.num_batches_tracked', which this network's block does not have"));
    }

    [Test]
    public void Apply_MissingTensor_NamesItAndLeavesTheNetworkUntouched()
    {
        ModelFile file = WeightsFile.Read(WeightsFile.ToBytes(BuildMlp(seed: 1, batchNorm: false)), "m.bin");
        Network target = BuildMlp(seed: 2, batchNorm: true);
        var before = Bits(target);

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(file, target, []));

        Assert.That(ex!.Message, Is.EqualTo("m.bin: block 'hidden1' has no tensor 'bn1.weight' (1×8 float32)"));
        Assert.That(Bits(target), Is.EqualTo(before));
    }

    [Test]
    public void Apply_FromConfig_ResolvesARunFolderToItsWeightsAndRecordsTheFile()
    {
        using var temp = new TempFolder();
        Network source = BuildMlp(seed: 1);
        Scramble(source, 23);
        byte[] bytes = WeightsFile.ToBytes(source);
        File.WriteAllBytes(temp.Combine("weights.bin"), bytes);
        TrainConfig config = Mlp() with { InitFrom = new InitFromConfig { Path = temp.Path, Blocks = ["output"] } };
        Network target = BuildMlp(seed: 2);

        ModelLoadReport? report = ModelLoader.Apply(config, target);

        Assert.That(report, Is.Not.Null);
        Assert.That(report!.Path, Is.EqualTo(Path.GetFullPath(temp.Combine("weights.bin"))));
        Assert.That(report.Sha256, Is.EqualTo(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
        Assert.That(report.Blocks, Is.EqualTo(new[] { "output" }));
        Assert.That(Bits(target, "output"), Is.EqualTo(Bits(source, "output")));
        Assert.That(ModelLoader.Apply(Mlp(), BuildMlp(seed: 2)), Is.Null, "no init_from: nothing to do");
    }

    [Test]
    public void Apply_FromConfig_MissingPathOrCorruptFile_NamesTheFile()
    {
        using var temp = new TempFolder();
        TrainConfig missing = Mlp() with { InitFrom = new InitFromConfig { Path = temp.Path } };
        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(missing, BuildMlp(seed: 2)));
        Assert.That(ex!.Message, Is.EqualTo($"{Path.GetFullPath(temp.Combine("weights.bin"))}: no such weights file"));

        byte[] bytes = WeightsFile.ToBytes(BuildMlp(seed: 1));
        bytes[^10] ^= 0x04;
        string corrupt = temp.Combine("corrupt.bin");
        File.WriteAllBytes(corrupt, bytes);
        TrainConfig config = Mlp() with { InitFrom = new InitFromConfig { Path = corrupt } };
        ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(config, BuildMlp(seed: 2)));
        Assert.That(ex!.Message, Does.StartWith($"{Path.GetFullPath(corrupt)}: checksum mismatch (CRC-32C stored "));
    }
}
