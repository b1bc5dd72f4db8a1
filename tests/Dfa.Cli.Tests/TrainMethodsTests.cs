using System.Text.Json;
using Dfa.Testing;

namespace Dfa.Cli.Tests;

/// <summary>
/// <c>dfa train</c> with issue 6's methods on a tiny CNN (blocks conv1, conv2, hidden1, output): each runs, records what
/// it did in <c>summary.json</c>, repeats bit for bit, and every wrong combination is one clean line with exit 2 and no
/// run folder.
/// </summary>
public sealed class TrainMethodsTests
{
    private const string TinyCnn = """
        batch_size: 16
        epochs: 1
        model: {input_shape: [2, 6, 6], conv: [4, 3], conv_kernel: 3, conv_padding: 1, pool: 2, hidden: [16], activation: relu}
        data: {dataset: synthetic, synthetic: {inputs: 72, classes: 5, train: 96, test: 32, teacher_hidden: 16, seed: 3}}
        seed: 2
        threads: 1
        """;

    [Test]
    public void Hybrid_RecordsItsModulesAndWarmup_AndRepeats()
    {
        JsonElement summary = RunTwiceIdentically("backward_method=HYBRID", "hybrid.warmup_steps=3");

        Assert.That(summary.GetProperty("algorithm").GetString(), Is.EqualTo("HYBRID"));
        Assert.That(summary.GetProperty("warmup_steps").GetInt64(), Is.EqualTo(3));
        JsonElement modules = summary.GetProperty("modules");
        Assert.That(modules.EnumerateArray().Select(m => Names(m.GetProperty("blocks"))), Is.EqualTo(new[]
        {
            new[] { "conv1" }, ["conv2"], ["hidden1", "output"],
        }));

        // Only the dense module projects: e (5) onto hidden1 (16), once per step of 6 steps.
        JsonElement dense = modules[2];
        Assert.That(dense.GetProperty("error_size").GetInt32(), Is.EqualTo(5));
        Assert.That(dense.GetProperty("feedback_counts").GetProperty("Fp32MultiplyAdd").GetInt64(), Is.EqualTo(96L * 5 * 16));
        Assert.That(modules[0].TryGetProperty("feedback_counts", out _), Is.False);
    }

    [Test]
    public void Modular_ProjectsTheLowerModulesErrorOfItsOutputWidth()
    {
        JsonElement summary = RunTwiceIdentically("backward_method=MODULAR", "modular.boundaries=[hidden1]");

        Assert.That(summary.GetProperty("algorithm").GetString(), Is.EqualTo("MODULAR"));
        JsonElement modules = summary.GetProperty("modules");
        Assert.That(modules.GetArrayLength(), Is.EqualTo(2));

        // The lower module's error is conv2's pooled output (3 channels; 6×6 → 3×3 → 1×1 after the two 2×2 pools),
        // projected onto conv1's 4×3×3 = 36 outputs for each of the 96 samples.
        JsonElement lower = modules[0];
        Assert.That(lower.GetProperty("error_size").GetInt32(), Is.EqualTo(3));
        Assert.That(lower.GetProperty("feedback_counts").GetProperty("Fp32MultiplyAdd").GetInt64(), Is.EqualTo(96L * 3 * 36));
        Assert.That(summary.GetProperty("feedback_seed").ValueKind, Is.EqualTo(JsonValueKind.Number));
    }

    [Test]
    public void Hdfa_CountsItsBackpropAndDfaSteps()
    {
        JsonElement summary = RunTwiceIdentically("backward_method=HDFA", "hdfa.p=0.5", "hdfa.gamma=0.25");

        JsonElement hdfa = summary.GetProperty("hdfa");
        Assert.That(hdfa.GetProperty("p").GetDouble(), Is.EqualTo(0.5));
        Assert.That(hdfa.GetProperty("backprop_steps").GetInt64() + hdfa.GetProperty("dfa_steps").GetInt64(), Is.EqualTo(6));
        Assert.That(summary.GetProperty("steps").GetInt64(), Is.EqualTo(6));
        Assert.That(summary.GetProperty("backend").GetString(), Is.EqualTo("dense"));
    }

    [Test]
    public void Hdfa_WithModularBoundaries_TakesModularDfaSteps()
    {
        JsonElement summary = RunTwiceIdentically("backward_method=HDFA", "hdfa.p=0.5", "modular.boundaries=[hidden1]");

        Assert.That(summary.GetProperty("hdfa").GetProperty("dfa_step").GetString(), Is.EqualTo("MODULAR"));
        JsonElement modules = summary.GetProperty("modules");
        Assert.That(modules.GetArrayLength(), Is.EqualTo(2));

        // Only the DFA steps project: the conv module's error (conv2's 3 outputs) onto conv1's 36, per sample of a DFA step.
        long dfaSteps = summary.GetProperty("hdfa").GetProperty("dfa_steps").GetInt64();
        Assert.That(dfaSteps, Is.InRange(1, 5));
        Assert.That(modules[0].GetProperty("feedback_counts").GetProperty("Fp32MultiplyAdd").GetInt64(), Is.EqualTo(dfaSteps * 16 * 3 * 36));
    }

    [TestCase("DFA")]
    [TestCase("FA")]
    [TestCase("BP")]
    public void FrozenBackbone_TrainsOnlyTheHead(string method)
    {
        JsonElement summary = RunTwiceIdentically($"backward_method={method}", "freeze=[conv1, conv2]");

        Assert.That(Names(summary.GetProperty("frozen_blocks")), Is.EqualTo(new[] { "conv1", "conv2" }));
        if (method == "DFA")
        {
            // Feedback reaches hidden1 only: 96 samples × e = 5 × 16.
            Assert.That(summary.GetProperty("feedback_counts").GetProperty("Fp32MultiplyAdd").GetInt64(), Is.EqualTo(96L * 5 * 16));
        }
    }

    [TestCase("dense")]
    [TestCase("sparse")]
    [TestCase("binary")]
    [TestCase("unified")]
    [TestCase("optical")]
    public void PureDfaIntoConvFeatureMaps_RunsOnEveryBackend(string backend)
    {
        JsonElement summary = RunTwiceIdentically("backward_method=DFA", $"feedback.backend={backend}");

        Assert.That(summary.GetProperty("backend").GetString(), Is.EqualTo(backend));
        Assert.That(summary.GetProperty("feedback_storage").GetProperty("layout").GetString(), Is.Not.Empty);
    }

    [TestCase("freeze=[conv2]", "freeze: the frozen blocks must be the network's first blocks")]
    [TestCase("freeze=[conv1, conv2, hidden1, output]", "leave the output block training")]
    [TestCase("freeze=[convv1]", "freeze: 'convv1' is not a block of this network (blocks: conv1, conv2, hidden1, output)")]
    [TestCase("backward_method=MODULAR|modular.boundaries=[fc1]", "modular.boundaries: 'fc1' is not a block of this network")]
    [TestCase("backward_method=HYBRID|model.conv=[]|model.input_shape=[]", "backward_method HYBRID trains convolutional blocks")]
    [TestCase("freeze=[conv1, conv2, hidden1]", "freeze leaves only the output block to train")]
    [TestCase("hdfa.p=1.5", "hdfa.p")]
    public void BadMethodSettings_AreOneCleanLine(string sets, string message)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, TinyCnn);
        string outDir = temp.Combine("run");
        string[] overrides = sets.Split('|');
        if (!overrides.Any(o => o.StartsWith("backward_method", StringComparison.Ordinal)))
        {
            overrides = [.. overrides, "backward_method=DFA"];
        }

        CliResult result = CliRunner.Run(["train", "--config", config, "--out", outDir, .. overrides.SelectMany(o => new[] { "--set", o })]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain(message));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    private static string[] Names(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static JsonElement RunTwiceIdentically(params string[] sets)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, TinyCnn);
        string[] overrides = sets.SelectMany(s => new[] { "--set", s }).ToArray();
        var weights = new List<byte[]>();
        JsonElement summary = default;
        foreach (string run in new[] { "a", "b" })
        {
            CliResult result = CliRunner.Run(["train", "--config", config, "--out", temp.Combine(run), .. overrides]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            weights.Add(File.ReadAllBytes(Path.Combine(temp.Combine(run), "weights.bin")));
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Combine(run), "summary.json")));
            summary = doc.RootElement.Clone();
        }

        Assert.That(weights[1], Is.EqualTo(weights[0]), "same seed, same bits");
        Assert.That(summary.GetProperty("test_loss").GetDouble(), Is.GreaterThan(0));
        return summary;
    }
}
