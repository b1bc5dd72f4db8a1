using System.Security.Cryptography;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Serialization;
using Dfa.Core.Training;
using Dfa.Runs.Data;
using Dfa.Runs.Training;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Cli.Tests;

/// <summary>
/// <c>init_from</c> across runs: a network built from a finished run's <c>weights.bin</c> (with BatchNorm running
/// statistics) reproduces that run's final test loss and accuracy exactly before any training, and a second
/// <c>dfa train</c> records which file it started from.
/// </summary>
public sealed class TrainInitFromTests
{
    private const string Config = """
        batch_size: 32
        epochs: 2
        lr: 1e-3
        verbose: False
        backward_method: BP
        optimizer_algorithm: ADAM
        use_BatchNorm1D: True
        p_drop: 0.1
        model: {hidden: [16, 12], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 10, classes: 4, train: 300, test: 100, teacher_hidden: 8, seed: 3}
        seed: 7
        threads: 1
        """;

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    [Test]
    public void InitFrom_AFinishedRun_ReproducesItsFinalTestLossBeforeTraining_AndTheSecondRunRecordsTheFile()
    {
        using var temp = new TempFolder();
        string first = temp.Combine("first");
        File.WriteAllText(temp.Combine("a.yaml"), Config);
        CliResult a = CliRunner.Run("train", "-c", temp.Combine("a.yaml"), "-o", first);
        Assert.That(a.ExitCode, Is.EqualTo(0), a.Error);
        using JsonDocument firstSummary = JsonDocument.Parse(File.ReadAllText(Path.Combine(first, "summary.json")));
        Assert.That(firstSummary.RootElement.GetProperty("init_from").ValueKind, Is.EqualTo(JsonValueKind.Null));

        string second = temp.Combine("b.yaml");
        File.WriteAllText(second, Config.Replace("epochs: 2", "epochs: 1") + $"\ninit_from: {{path: '{first}'}}\n");
        TrainConfig config = ConfigLoader.Load(second);
        (Dataset train, _, Dataset test) = DataSources.Load(config, null, _ => { });
        TrainingSetup setup = TrainingSetup.For(config, train, Registry);
        Evaluation before = setup.Trainer.Evaluate(test);

        Assert.That(before.Loss, Is.EqualTo(firstSummary.RootElement.GetProperty("test_loss").GetDouble()), "exact: same weights, same statistics");
        Assert.That(before.Accuracy, Is.EqualTo(firstSummary.RootElement.GetProperty("test_accuracy").GetDouble()));
        Evaluation fresh = TrainingSetup.For(config with { InitFrom = null }, train, Registry).Trainer.Evaluate(test);
        Assert.That(fresh.Loss, Is.Not.EqualTo(before.Loss), "a seeded network evaluates differently");

        CliResult b = CliRunner.Run("train", "-c", second, "-o", temp.Combine("second"));
        Assert.That(b.ExitCode, Is.EqualTo(0), b.Error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("second", "summary.json")));
        JsonElement init = summary.RootElement.GetProperty("init_from");
        string weights = Path.Combine(first, "weights.bin");
        Assert.That(init.GetProperty("path").GetString(), Is.EqualTo(Path.GetFullPath(weights)));
        Assert.That(init.GetProperty("blocks").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "hidden1", "hidden2", "output" }));
        Assert.That(init.GetProperty("sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights)))));
        Assert.That(init.GetProperty("format_version").GetInt32(), Is.EqualTo(2));
        Assert.That(init.GetProperty("tensors").GetInt32(), Is.EqualTo(16));
    }

    /// <summary>
    /// The frozen-backbone flow across runs (Crafton 2019): a BP-trained CNN's conv blocks loaded under a fresh FC head,
    /// frozen, and the head trained with DFA; the second run's saved conv tensors are the first run's, byte for byte.
    /// </summary>
    [Test]
    public void InitFrom_ConvBlocksFrozenUnderADfaHead_KeepsThemBitExactInTheSecondRunsModel()
    {
        using var temp = new TempFolder();
        const string cnn = """
            batch_size: 16
            epochs: 1
            lr: 3e-3
            verbose: False
            backward_method: BP
            model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
            data:
              dataset: synthetic
              synthetic: {inputs: 72, classes: 3, train: 96, test: 48, teacher_hidden: 8, seed: 5}
            seed: 2
            threads: 1
            logging: {plots: false, tensorboard: false}
            """;
        File.WriteAllText(temp.Combine("bp.yaml"), cnn);
        File.WriteAllText(temp.Combine("frozen.yaml"), cnn.Replace("backward_method: BP", "backward_method: DFA").Replace("seed: 2", "seed: 9")
            + $"\ninit_from: {{path: '{temp.Combine("bp")}', blocks: [conv1, conv2]}}\nfreeze: [conv1, conv2]\n");

        CliResult bp = CliRunner.Run("train", "-c", temp.Combine("bp.yaml"), "-o", temp.Combine("bp"));
        CliResult frozen = CliRunner.Run("train", "-c", temp.Combine("frozen.yaml"), "-o", temp.Combine("frozen"));

        Assert.That(bp.ExitCode, Is.EqualTo(0), bp.Error);
        Assert.That(frozen.ExitCode, Is.EqualTo(0), frozen.Error);
        ModelFile before = WeightsFile.ReadFile(temp.Combine("bp", "weights.bin"));
        ModelFile after = WeightsFile.ReadFile(temp.Combine("frozen", "weights.bin"));
        Assert.That(after.Tensors.Select(t => t.Name), Is.EqualTo(before.Tensors.Select(t => t.Name)));
        for (int i = 0; i < before.Tensors.Count; i++)
        {
            bool conv = before.Tensors[i].Block is "conv1" or "conv2";
            bool same = before.Tensors[i].Data.Span.SequenceEqual(after.Tensors[i].Data.Span);
            Assert.That(same, Is.EqualTo(conv), before.Tensors[i].Name);
        }
    }

    [TestCase("{path: nowhere}", "nowhere")]
    [TestCase("{path: PATH, blocks: [conv1]}", "init_from.blocks: 'conv1' is not a block of this network (hidden1, hidden2, output)")]
    public void InitFrom_Bad_OneLineExitCode2AndNoOutputFolder(string initFrom, string expected)
    {
        using var temp = new TempFolder();
        string first = temp.Combine("first");
        Directory.CreateDirectory(first);
        Dfa.Core.Training.Network network = NetworkBuilder.Build(ConfigLoader.Parse(Config, "a.yaml"), inputs: 10, classes: 4, seed: 1);
        File.WriteAllBytes(Path.Combine(first, "weights.bin"), WeightsFile.ToBytes(network));
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config + $"\ninit_from: {initFrom.Replace("PATH", $"'{first}'")}\n");
        string outDir = temp.Combine("never");

        CliResult result = CliRunner.Run("train", "-c", config, "-o", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
        Assert.That(result.ErrorLines[0], Does.StartWith("dfa: error: ").And.Contain(expected));
        Assert.That(Directory.Exists(outDir), Is.False);
    }
}
