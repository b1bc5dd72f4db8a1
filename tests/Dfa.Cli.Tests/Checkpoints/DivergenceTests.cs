using System.Text.Json.Nodes;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Checkpoints;

/// <summary>
/// A learning rate that jumps to 10³⁹ in epoch 2 (StepLR, γ = 10⁴²; beyond float32, so the step size is ∞) drives Adam's first step of that epoch to ±∞ in
/// the first layer's weights: the run stops with exit code 3 naming step 17 (16 batches per epoch) and
/// <c>fc1.weight</c>, records it in <c>summary.json</c>, and leaves the epoch-1 checkpoint as it was; resuming from it
/// diverges again at the same step, the same way.
/// </summary>
public sealed class DivergenceTests
{
    private const string Config = """
        batch_size: 32
        epochs: 3
        lr: 1e-3
        verbose: false
        backward_method: DFA
        optimizer_algorithm: ADAM
        lr_schdulear: {use_lr_schdulear: true, kind: step, step_size: 1, gamma: 1e42}
        model: {hidden: [32, 32], activation: relu}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 500, test: 200, teacher_hidden: 16, seed: 3}
        checkpoint: {every_steps: 5}
        logging: {alignment_every: 0, tensorboard: false, plots: false}
        seed: 7
        threads: 1
        """;

    [Test]
    public void HugeLearningRate_StopsWithExit3_NamingStepAndParameter_AndResumesIntoTheSameDivergence()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult first = CliRunner.Run("train", "--config", config, "--out", run);

        Assert.That(first.ExitCode, Is.EqualTo(3), first.Output + first.Error);
        Assert.That(first.Output, Does.Contain("step 17").And.Contain("fc1.weight").And.Contain("--resume"));
        JsonObject summary = Summary(run);
        Assert.Multiple(() =>
        {
            Assert.That((bool)summary["diverged"]!, Is.True);
            Assert.That((long)summary["diverged_step"]!, Is.EqualTo(17));
            Assert.That((string?)summary["diverged_parameter"], Is.EqualTo("fc1.weight"));
            Assert.That((int)summary["epochs"]!, Is.EqualTo(1));
            Assert.That(File.Exists(Path.Combine(run, "weights.bin")), Is.False, "a diverged run writes no final weights");
        });

        byte[] checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoint.bin"));
        CliResult again = CliRunner.Run("train", "--resume", run);

        Assert.That(again.ExitCode, Is.EqualTo(3), again.Output + again.Error);
        Assert.That(again.Output, Does.Contain("resuming at step 16").And.Contain("step 17").And.Contain("fc1.weight"));
        Assert.That(File.ReadAllBytes(Path.Combine(run, "checkpoint.bin")), Is.EqualTo(checkpoint), "the last good checkpoint must stay untouched");
        JsonObject resumed = Summary(run);
        Assert.That(resumed.ToJsonString(), Is.EqualTo(summary.ToJsonString()));
    }

    [Test]
    public void Resume_WithAChangedConfig_IsRefusedNamingTheKey()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config.Replace("gamma: 1e42", "gamma: 0.5", StringComparison.Ordinal).Replace("epochs: 3", "epochs: 2", StringComparison.Ordinal));
        string run = temp.Combine("run");
        Assert.That(CliRunner.Run("train", "--config", config, "--out", run).ExitCode, Is.EqualTo(0));

        CliResult changed = CliRunner.Run("train", "--resume", run, "--set", "lr=0.01");
        CliResult shrunk = CliRunner.Run("train", "--resume", run, "--set", "epochs=1");
        CliResult none = CliRunner.Run("train", "--resume", temp.Combine("nowhere"));
        CliResult empty = CliRunner.Run("train", "--resume", temp.Path);

        Assert.Multiple(() =>
        {
            Assert.That(changed.ExitCode, Is.EqualTo(2));
            Assert.That(changed.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(changed.Error, Does.Contain("lr is 0.001 in the checkpoint, 0.01 now"));
            Assert.That(shrunk.ExitCode, Is.EqualTo(2));
            Assert.That(shrunk.Error, Does.Contain("epochs can only grow"));
            Assert.That(none.ExitCode, Is.EqualTo(2));
            Assert.That(none.Error, Does.Contain("that folder does not exist"));
            Assert.That(empty.ExitCode, Is.EqualTo(2));
            Assert.That(empty.Error, Does.Contain("no checkpoint.bin"));
        });

        CliResult grown = CliRunner.Run("train", "--resume", run, "--set", "epochs=3");
        Assert.That(grown.ExitCode, Is.EqualTo(0), grown.Error);
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.csv")), Has.Length.EqualTo(4));
    }

    private static JsonObject Summary(string run)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        root.Remove("samples_per_second");
        root.Remove("train_seconds");
        return root;
    }
}
