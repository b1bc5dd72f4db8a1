using System.Text.Json;
using Dfa.Testing;

namespace Dfa.Cli.Tests;

public sealed class TrainCommandTests
{
    private const string SyntheticConfig = """
        batch_size: 32
        epochs: 3
        lr: 1e-3
        verbose: True
        backward_method: DFA
        optimizer_algorithm: ADAM
        model: {hidden: [32, 32], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 500, test: 200, teacher_hidden: 16, seed: 3}
        seed: 7
        threads: 1
        """;

    private static readonly string[] TimingFields = ["samples_per_second", "train_seconds"];

    [Test]
    public void Train_WritesMetricsSummaryAndWeights()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);
        string outDir = temp.Combine("run");

        CliResult result = CliRunner.Run("train", "--config", config, "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "metrics.csv"));
        Assert.That(csv, Has.Length.EqualTo(4));
        Assert.That(csv[0], Does.StartWith("epoch,learning_rate,train_loss,train_accuracy"));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement root = summary.RootElement;
        Assert.That(root.GetProperty("algorithm").GetString(), Is.EqualTo("DFA"));
        Assert.That(root.GetProperty("backend").GetString(), Is.EqualTo("dense"));
        Assert.That(root.GetProperty("epochs").GetInt32(), Is.EqualTo(3));
        Assert.That(root.GetProperty("test_accuracy").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(root.GetProperty("test_loss").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("final_train_loss").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("samples_per_second").GetDouble(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("seed").GetUInt64(), Is.EqualTo(7UL));
        Assert.That(root.GetProperty("threads").GetInt32(), Is.EqualTo(1));
        Assert.That(root.GetProperty("feedback_counts").GetProperty("Fp32MultiplyAdd").GetInt64(), Is.GreaterThan(0));
        Assert.That(root.GetProperty("feedback_storage").GetProperty("matrix_bytes").GetInt64(), Is.GreaterThan(0));
        Assert.That(File.Exists(Path.Combine(outDir, "weights.bin")));
        Assert.That(Directory.GetFiles(outDir, "*.tmp"), Is.Empty);
        Assert.That(result.Output, Does.Contain("test accuracy"));
    }

    [TestCase("DFA")]
    [TestCase("BP")]
    [TestCase("FA")]
    public void Train_TwiceWithTheSameSeed_GivesIdenticalNumbersAndWeights(string algorithm)
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        CliResult a = CliRunner.Run("train", "-c", config, "-o", temp.Combine("a"), "--set", $"backward_method={algorithm}");
        CliResult b = CliRunner.Run("train", "-c", config, "-o", temp.Combine("b"), "--set", $"backward_method={algorithm}");

        Assert.That(a.ExitCode, Is.EqualTo(0), a.Error);
        Assert.That(b.ExitCode, Is.EqualTo(0), b.Error);
        Assert.That(File.ReadAllBytes(temp.Combine("b", "weights.bin")), Is.EqualTo(File.ReadAllBytes(temp.Combine("a", "weights.bin"))));
        Assert.That(ResultFields(temp.Combine("b")), Is.EqualTo(ResultFields(temp.Combine("a"))));
    }

    [Test]
    public void Train_SetOverridesAndBackendOptionApply()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine("r"), "--set", "epochs=1", "--set", "model.hidden=[8]", "--backend", "dense");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("r", "summary.json")));
        Assert.That(summary.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(1));
        Assert.That(summary.RootElement.GetProperty("network").GetString(), Does.Contain("20→8"));
    }

    [Test]
    public void Train_WithTheUnifiedBackend_LearnsAndSaysSo()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine("r"), "--backend", "unified", "--set", "model.hidden=[32, 16]",
            "--set", "epochs=15", "--set", "lr=5e-3");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("r", "summary.json")));
        Assert.That(summary.RootElement.GetProperty("backend").GetString(), Is.EqualTo("unified"));
        Assert.That(summary.RootElement.GetProperty("test_accuracy").GetDouble(), Is.GreaterThan(0.6), "5 classes: chance is 0.2 (measured 0.815)");
    }

    [TestCase("batch_size: [1\n", "c.yaml:")]
    [TestCase("batch_sise: 32\n", "did you mean 'batch_size'")]
    [TestCase("epochs: many\n", "c.yaml:1:")]
    [TestCase("lr: -0.1\n", "c.yaml:1:")]
    public void Train_BadConfig_OneLineExitCode2AndNoOutputFolder(string yaml, string expected)
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", yaml);
        string outDir = temp.Combine("never");

        CliResult result = CliRunner.Run("train", "--config", config, "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
        Assert.That(result.ErrorLines[0], Does.StartWith("dfa: error: ").And.Contain(expected));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Train_MissingConfigFile_IsBadInput()
    {
        CliResult result = CliRunner.Run("train", "--config", "/nonexistent/dfa.yaml");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("/nonexistent/dfa.yaml"));
    }

    [Test]
    public void Train_UnknownBackend_ListsTheValidOnes()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine("x"), "--backend", "quantum");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines.Single(), Does.Contain("unknown feedback backend 'quantum'").And.Contain("dense"));
        Assert.That(Directory.Exists(temp.Combine("x")), Is.False);
    }

    [Test]
    public void Train_MistypedBackendInTheFile_IsAnErrorAtItsPosition_WithASuggestion_EvenForBp()
    {
        // feedback.backend is checked when the config loads, for every method, so a typo is never recorded as a run's backend.
        using var temp = new TempFolder();
        foreach (string method in (string[])["DFA", "BP"])
        {
            string config = Write(temp, $"{method}.yaml", SyntheticConfig.Replace("backward_method: DFA", $"backward_method: {method}", StringComparison.Ordinal) + "\nfeedback: {backend: sparce}\n");

            CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine(method));

            Assert.That(result.ExitCode, Is.EqualTo(2), method);
            Assert.That(result.ErrorLines.Single(), Does.Match($@"{method}\.yaml:\d+:\d+: feedback\.backend: unknown feedback backend 'sparce'.*did you mean 'sparse'\?"), method);
            Assert.That(Directory.Exists(temp.Combine(method)), Is.False);
        }
    }

    [Test]
    public void Train_UnwritableOutputFolder_IsBadInput()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);
        string blocker = Write(temp, "file", "not a folder");

        CliResult underFile = CliRunner.Run("train", "-c", config, "-o", Path.Combine(blocker, "run"));
        CliResult inProc = CliRunner.Run("train", "-c", config, "-o", "/proc/dfa-run");

        foreach (CliResult result in new[] { underFile, inProc })
        {
            Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
            Assert.That(result.ErrorLines.Single(), Does.Contain("cannot write to output folder"));
        }
    }

    [Test]
    public void Train_NetworkTooLargeToAllocate_IsBadInputAndLeavesNoFolder()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine("run"), "--set", "model.hidden=[100000, 100000]");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines.Single(), Does.Contain("too large"));
        Assert.That(Directory.Exists(temp.Combine("run")), Is.False);
    }

    [Test]
    public void Train_BatchNormWithALastBatchOfOneSample_IsBadInput()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);

        // 500 training samples, batch 499: the last batch holds one sample.
        CliResult result = CliRunner.Run("train", "-c", config, "-o", temp.Combine("run"), "--set", "use_BatchNorm1D=true", "--set", "batch_size=499");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines.Single(), Does.Contain("last batch of one sample"));
        Assert.That(Directory.Exists(temp.Combine("run")), Is.False);
    }

    [Test]
    public void Train_IntoAReusedFolder_ReplacesThePreviousResults()
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", SyntheticConfig);
        string run = temp.Combine("run");
        Assert.That(CliRunner.Run("train", "-c", config, "-o", run).ExitCode, Is.EqualTo(0));

        CliResult second = CliRunner.Run("train", "-c", config, "-o", run, "--set", "epochs=1");

        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.csv")), Has.Length.EqualTo(2));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "summary.json")));
        Assert.That(summary.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public void Train_NoArguments_IsBadInput()
    {
        CliResult result = CliRunner.Run("train");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("--config"));
    }

    [TestCase("BP", 0)]
    [TestCase("DFA", 0)]
    [TestCase("FA", 2)]
    public void Train_Cnn_RunsWithBpAndDfa_AndFaIsACleanInputError(string algorithm, int exitCode)
    {
        using var temp = new TempFolder();
        string config = Write(temp, "c.yaml", """
            batch_size: 16
            epochs: 1
            model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
            data: {dataset: synthetic, synthetic: {inputs: 72, classes: 5, train: 96, test: 32, teacher_hidden: 16, seed: 3}}
            seed: 2
            threads: 1
            """);
        string outDir = temp.Combine("run");

        CliResult result = CliRunner.Run("train", "--config", config, "--out", outDir, "--set", $"backward_method={algorithm}");

        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.Error);
        if (exitCode == 0)
        {
            Assert.That(result.Output, Does.Contain("conv1: conv2d, relu, maxpool2d"));
            Assert.That(File.Exists(Path.Combine(outDir, "weights.bin")));
        }
        else
        {
            Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(result.Error, Does.Contain("backward_method FA").And.Contain("conv2d"));
            Assert.That(Directory.Exists(outDir), Is.False);
        }
    }

    private static Dictionary<string, string> ResultFields(string runDir)
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "summary.json")));
        return doc.RootElement.EnumerateObject()
            .Where(p => !TimingFields.Contains(p.Name))
            .ToDictionary(p => p.Name, p => p.Value.GetRawText());
    }

    private static string Write(TempFolder temp, string name, string content)
    {
        string path = temp.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }
}
