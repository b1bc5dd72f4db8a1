using System.Globalization;
using System.Text.Json;
using Dfa.Testing;

namespace Dfa.Cli.Tests;

/// <summary>
/// <c>dfa train</c>'s alignment logging: it records what it should, and it never changes the run it watches (same
/// weights bit for bit with it on or off, including the optical backend whose camera noise is a random stream).
/// </summary>
public sealed class TrainAlignmentLoggingTests
{
    private const string Config = """
        batch_size: 32
        epochs: 2
        lr: 1e-3
        backward_method: DFA
        model: {hidden: [32, 24], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 400, test: 100, teacher_hidden: 16, seed: 3}
        seed: 11
        threads: 2
        """;

    [TestCase("dense")]
    [TestCase("sparse")]
    [TestCase("binary")]
    [TestCase("optical")]
    public void AlignmentLogging_LeavesWeightsAndCountsBitIdentical(string backend)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string on = temp.Combine("on"), off = temp.Combine("off");

        CliResult a = CliRunner.Run("train", "-c", config, "--out", on, "--backend", backend, "--set", "logging.alignment_every=3", "--set", "logging.alignment_samples=64");
        CliResult b = CliRunner.Run("train", "-c", config, "--out", off, "--backend", backend, "--set", "logging.alignment_every=0", "--set", "logging.plots=false");

        Assert.That(a.ExitCode, Is.EqualTo(0), a.Error);
        Assert.That(b.ExitCode, Is.EqualTo(0), b.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(on, "weights.bin")), Is.EqualTo(File.ReadAllBytes(Path.Combine(off, "weights.bin"))));
        using JsonDocument sa = JsonDocument.Parse(File.ReadAllText(Path.Combine(on, "summary.json")));
        using JsonDocument sb = JsonDocument.Parse(File.ReadAllText(Path.Combine(off, "summary.json")));
        Assert.That(sa.RootElement.GetProperty("feedback_counts").GetRawText(), Is.EqualTo(sb.RootElement.GetProperty("feedback_counts").GetRawText()));
        Assert.That(sb.RootElement.TryGetProperty("alignment", out _), Is.False);
        Assert.That(File.Exists(Path.Combine(off, "alignment.csv")), Is.False);
        Assert.That(File.Exists(Path.Combine(off, "loss.png")), Is.False);
    }

    [Test]
    public void FaRun_LogsGradientAndWeightAlignment_AndRecordsItsFeedbackSeed()
    {
        // FA is probed through its own algorithm: its update against BP's gradient per hidden block, and the B that
        // carries each block's error against the W it replaces. Logging does not change the weights.
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run"), quiet = temp.Combine("quiet");

        CliResult result = CliRunner.Run("train", "-c", config, "--out", run, "--set", "backward_method=FA", "--set", "feedback.seed=42",
            "--set", "logging.alignment_every=3", "--set", "logging.plots=false");
        CliResult off = CliRunner.Run("train", "-c", config, "--out", quiet, "--set", "backward_method=FA", "--set", "feedback.seed=42",
            "--set", "logging.alignment_every=0", "--set", "logging.plots=false");

        Assert.That((result.ExitCode, off.ExitCode), Is.EqualTo((0, 0)), result.Error + off.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(run, "weights.bin")), Is.EqualTo(File.ReadAllBytes(Path.Combine(quiet, "weights.bin"))));
        string[] rows = File.ReadAllLines(Path.Combine(run, "alignment.csv"));
        Assert.That(rows[0], Does.StartWith("step,epoch,hidden1_gradient_deg,hidden1_bias_gradient_deg,hidden1_weight_deg,hidden2_gradient_deg"));
        double[] last = [.. rows[^1].Split(',').Skip(2).Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.That(last, Has.All.InRange(0.0, 180.0));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        JsonElement root = summary.RootElement;
        Assert.That(root.GetProperty("algorithm").GetString(), Is.EqualTo("FA"));
        Assert.That(root.GetProperty("backend").GetString(), Is.EqualTo("none"));
        Assert.That(root.GetProperty("feedback_seed").GetUInt64(), Is.EqualTo(42));
        Assert.That(root.GetProperty("alignment").GetProperty("final").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.TryGetProperty("feedback_analysis", out _), Is.False, "FA's B is analysed by its angle to W, not by a spectrum");
    }

    [Test]
    public void AlignmentCsv_HasStepZeroEveryIntervalAndTheLastStep_WithAnglesInRange()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult result = CliRunner.Run("train", "-c", config, "--out", run, "--set", "logging.alignment_every=5");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] lines = File.ReadAllLines(Path.Combine(run, "alignment.csv"));
        Assert.That(lines[0], Is.EqualTo(
            "step,epoch,hidden1_gradient_deg,hidden1_bias_gradient_deg,hidden1_weight_deg,hidden2_gradient_deg,hidden2_bias_gradient_deg,hidden2_weight_deg"));

        // 400 samples / 32 = 13 steps per epoch, 26 in all: step 0, 5, 10, 15, 20, 25, then the final 26.
        long[] steps = lines.Skip(1).Select(l => long.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToArray();
        Assert.That(steps, Is.EqualTo(new long[] { 0, 5, 10, 15, 20, 25, 26 }));
        foreach (string line in lines.Skip(1))
        {
            double[] angles = line.Split(',').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            Assert.That(angles, Has.All.InRange(0.0, 180.0));
        }

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        JsonElement alignment = summary.RootElement.GetProperty("alignment");
        Assert.That(alignment.GetProperty("measurements").GetInt32(), Is.EqualTo(7));
        JsonElement final = alignment.GetProperty("final");
        Assert.That(final.GetArrayLength(), Is.EqualTo(2));
        Assert.That(final[0].GetProperty("step").GetInt64(), Is.EqualTo(26));
        JsonElement analysis = summary.RootElement.GetProperty("feedback_analysis");
        Assert.That(analysis[0].GetProperty("rows").GetInt32(), Is.EqualTo(5));
        Assert.That(analysis[0].GetProperty("cols").GetInt32(), Is.EqualTo(32));
        Assert.That(analysis[0].GetProperty("rank").GetInt32(), Is.EqualTo(5));
        Assert.That(analysis[1].GetProperty("cols").GetInt32(), Is.EqualTo(24));
        foreach (string png in new[] { "loss.png", "accuracy.png", "alignment.png" })
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(run, png));
            Assert.That(bytes.Take(4), Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }), png);
        }
    }

    [Test]
    public void Hdfa_WithPureDfaSteps_LogsItsDfaStepsAlignment_AndWithModularStepsLogsNone()
    {
        // Pure-DFA HDFA is probed through its DFA step's projector; modular DFA steps have no single projector to probe.
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string pure = temp.Combine("pure"), modular = temp.Combine("modular");

        CliResult a = CliRunner.Run("train", "-c", config, "--out", pure, "--set", "backward_method=HDFA", "--set", "hdfa.p=0.5",
            "--set", "logging.alignment_every=5", "--set", "logging.plots=false");
        CliResult b = CliRunner.Run("train", "-c", config, "--out", modular, "--set", "backward_method=HDFA", "--set", "hdfa.p=0.5",
            "--set", "modular.boundaries=[hidden2]", "--set", "logging.alignment_every=5", "--set", "logging.plots=false");

        Assert.That((a.ExitCode, b.ExitCode), Is.EqualTo((0, 0)), a.Error + b.Error);
        string[] rows = File.ReadAllLines(Path.Combine(pure, "alignment.csv"));
        Assert.That(rows[0], Does.StartWith("step,epoch,hidden1_gradient_deg"));
        double[] last = [.. rows[^1].Split(',').Skip(2).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.That(last, Has.All.InRange(0.0, 180.0));
        Assert.That(File.Exists(Path.Combine(modular, "alignment.csv")), Is.False);
    }

    [Test]
    public void Bp_RecordsNoAlignment()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult result = CliRunner.Run("train", "-c", config, "--out", run, "--set", "backward_method=BP");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.Exists(Path.Combine(run, "alignment.csv")), Is.False);
        Assert.That(File.Exists(Path.Combine(run, "loss.png")), Is.True);
    }

    [Test]
    public void SaturatedRun_UndefinedAnglesAreBlankNullAndDashed_NeverNaN()
    {
        // A huge SGD step saturates tanh: the DFA update vanishes and its angle is undefined, the loss stays finite.
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string run = temp.Combine("run");

        CliResult result = CliRunner.Run(
            "train", "-c", config, "--out", run, "--set", "optimizer_algorithm=SGD", "--set", "lr=1e6", "--set", "epochs=3",
            "--set", "logging.alignment_every=3", "--set", "logging.alignment_samples=64");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string last = File.ReadAllLines(Path.Combine(run, "alignment.csv"))[^1];
        Assert.That(last.Split(',')[2], Is.Empty, "the final gradient angle is undefined in this run");
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.That(summary.RootElement.GetProperty("alignment").GetProperty("final")[0].GetProperty("gradient_deg").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(result.Output, Does.Not.Contain("NaN"));
        Assert.That(result.Output, Does.Contain("gradient —"));
    }
}
