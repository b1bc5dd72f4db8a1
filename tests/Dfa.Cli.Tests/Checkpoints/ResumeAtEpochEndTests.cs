using System.Text.Json.Nodes;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Checkpoints;

/// <summary>
/// In-process companions of <see cref="KillAndResumeTests"/> for the state the child-process test does not reach: a run
/// stopped after epoch 1 (<c>--set epochs=1</c>) and resumed with <c>--resume DIR --set epochs=3</c> must equal a
/// 3-epoch run, for the hybrid's warm-up clock and split optimizer (the warm-up ends inside epoch 2), the optical
/// backend's noise and drift stream, HDFA's SGD form with BatchNorm running statistics, and every learning rule's state:
/// FA's and frSF's matrices rebuilt from their seed, brSF's step count (it names the draws), Kolen–Pollack's learned
/// <c>B</c> (saved), DRTP's projector, each with its alignment history.
/// </summary>
public sealed class ResumeAtEpochEndTests
{
    private const string TinyCnn = """
        batch_size: 16
        epochs: 3
        verbose: false
        backward_method: HYBRID
        hybrid: {warmup_steps: 8}
        model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
        data: {dataset: synthetic, synthetic: {inputs: 72, classes: 5, train: 96, test: 32, teacher_hidden: 16, seed: 3}}
        logging: {tensorboard: false, plots: false}
        seed: 2
        threads: 1
        """;

    private const string Mlp = """
        batch_size: 32
        epochs: 3
        lr: 1e-3
        verbose: false
        model: {hidden: [32, 32], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 200, test: 100, teacher_hidden: 16, seed: 3}
        logging: {alignment_every: 3, alignment_samples: 32, tensorboard: false, plots: false}
        seed: 7
        threads: 1
        """;

    [TestCase("cnn", new string[0], TestName = "HybridWarmup")]
    [TestCase("mlp", new[] { "backward_method=DFA", "feedback.backend=optical", "feedback.optical.drift=0.02" }, TestName = "OpticalNoise")]
    [TestCase("mlp", new[] { "backward_method=HDFA", "optimizer_algorithm=SGD", "sgd.momentum=0.9", "use_BatchNorm1D=true", "hdfa.p=0.4" }, TestName = "HdfaSgdBatchNorm")]
    [TestCase("cnn", new[] { "backward_method=FA" }, TestName = "FaThroughConvolutions")]
    [TestCase("mlp", new[] { "backward_method=USF" }, TestName = "Usf")]
    [TestCase("mlp", new[] { "backward_method=BRSF" }, TestName = "BrsfStepCount")]
    [TestCase("cnn", new[] { "backward_method=BRSF" }, TestName = "BrsfCnn")]
    [TestCase("mlp", new[] { "backward_method=FRSF", "sign_symmetry.init=pytorch" }, TestName = "Frsf")]
    [TestCase("mlp", new[] { "backward_method=KOLEN_POLLACK", "kolen_pollack.decay=0.01" }, TestName = "KolenPollackB")]
    [TestCase("cnn", new[] { "backward_method=KOLEN_POLLACK", "kolen_pollack.decay=0.01" }, TestName = "KolenPollackCnn")]
    [TestCase("mlp", new[] { "backward_method=DRTP" }, TestName = "Drtp")]
    [TestCase("cnn", new[] { "backward_method=DRTP", "model.activation=tanh", "feedback.backend=binary" }, TestName = "DrtpCnnBinary")]
    public void StoppedAfterEpoch1_ThenResumed_EqualsA3EpochRun(string model, string[] sets)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, model == "cnn" ? TinyCnn : Mlp);
        string[] overrides = [.. sets.SelectMany(s => new[] { "--set", s })];
        string whole = temp.Combine("whole"), parts = temp.Combine("parts");

        CliResult reference = CliRunner.Run(["train", "--config", config, "--out", whole, .. overrides]);
        CliResult first = CliRunner.Run(["train", "--config", config, "--out", parts, .. overrides, "--set", "epochs=1"]);
        CliResult rest = CliRunner.Run("train", "--resume", parts, "--set", "epochs=3");

        Assert.That((reference.ExitCode, first.ExitCode, rest.ExitCode), Is.EqualTo((0, 0, 0)), reference.Error + first.Error + rest.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(parts, "weights.bin")), Is.EqualTo(File.ReadAllBytes(Path.Combine(whole, "weights.bin"))));
        Assert.That(Summary(parts), Is.EqualTo(Summary(whole)));
    }

    /// <summary>summary.json without timing fields and with <c>epochs_planned</c>, <c>config</c> and the resolved config's <c>epochs</c> left as they are (both runs end with epochs = 3).</summary>
    private static string Summary(string run)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        root.Remove("samples_per_second");
        root.Remove("train_seconds");
        return root.ToJsonString();
    }
}
