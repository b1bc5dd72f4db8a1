using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Backends.Sparse;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Cli.Tests.Compare;

/// <summary><c>dfa compare</c>'s edge cases: option sections of one backend, member pricing, BP only, reruns, bad input.</summary>
[NonParallelizable]
public sealed class CompareEdgeCaseTests
{
    private const string Config = """
        batch_size: 32
        epochs: 1
        lr: 1e-3
        backward_method: DFA
        model: {hidden: [32, 24], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 160, test: 50, teacher_hidden: 16, seed: 3}
        logging: {alignment_every: 0, tensorboard: false, plots: false}
        seed: 7
        threads: 1
        """;

    private const string SparseK3 = "\nfeedback: {backend: sparse, sparse: {connections: 3}}\n";

    private static string[] Common(string outDir) =>
        ["--out", outDir, "--profiles", "gpu-a100-80gb-sxm4", "--dir", RepoPaths.Combine("hardware-profiles")];

    [Test]
    public void Compare_ConfigWithOneBackendsOptionSection_GivesItToThatMemberOnly()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config + SparseK3);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "dense,sparse", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Layout(outDir, "dfa-sparse"), Does.Contain("k=3"));
        Assert.That(Layout(outDir, "dfa-dense"), Does.StartWith("float32"));
    }

    /// <summary>
    /// The costs are the simulator's prices of the work the backend predicts at the options the member trained with
    /// (sparse k = 3 here), built independently of the command's own plan code.
    /// </summary>
    [Test]
    public void Compare_PricesAMemberAtTheOptionsItTrainedWith()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config + SparseK3);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "sparse", "--no-bp", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        JsonElement costs = doc.RootElement.GetProperty("members")[0].GetProperty("costs");
        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();
        var registry = services.GetRequiredService<FeedbackBackendRegistry>();
        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load("gpu-a100-80gb-sxm4"));
        var trained = new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 3 });
        Assert.That(costs.EnumerateArray().Select(c => c.GetProperty("outputs").GetInt32()), Is.EqualTo(new[] { 5, 1000 }));
        foreach (JsonElement c in costs.EnumerateArray())
        {
            int e = c.GetProperty("outputs").GetInt32();
            NetworkSpec w = WorkloadCatalog.Mlp([20, 32, 24], e);
            MethodCost expected = CostModel.Price(
                CostPlans.MethodFor("sparse", w), 32, s => new FeedbackPlan("sparse", registry.Get("sparse").Predict(s, trained, 32)), prices, OptimizerKind.Adam);
            Assert.That(c.GetProperty("feedback_s").GetDouble(), Is.EqualTo(expected.Phases[1].Seconds), $"e={e}");
            Assert.That(c.GetProperty("step_s").GetDouble(), Is.EqualTo(expected.TimeSeconds), $"e={e}");
            Assert.That(c.GetProperty("critical_path_s").GetDouble(), Is.EqualTo(expected.CriticalPathSeconds), $"e={e}");
            Assert.That(c.GetProperty("energy_j").GetDouble(), Is.EqualTo(expected.EnergyJ), $"e={e}");
        }
    }

    [Test]
    public void Compare_NetworkTooLargeToAllocate_IsBadInput()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "dense", "--no-bp", "--hidden", "16777216,16777216", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("too large"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Compare_BackendsNone_ComparesBpAlone()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "none", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Directory.GetDirectories(outDir).Select(Path.GetFileName), Is.EqualTo(new[] { "bp" }));
    }

    [Test]
    public void Compare_BackendsNoneWithoutBp_HasNothingToCompare()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "none", "--no-bp", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("nothing to compare"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Compare_RerunWithoutAlignment_RemovesTheOldAlignmentPlot()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult first = CliRunner.Run(["compare", "-c", config, "--backends", "dense", "--set", "logging.alignment_every=2", .. Common(outDir)]);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Error);
        Assert.That(File.Exists(Path.Combine(outDir, "compare-alignment.png")), Is.True);

        CliResult second = CliRunner.Run(["compare", "-c", config, "--backends", "dense", .. Common(outDir)]);

        Assert.That(second.ExitCode, Is.EqualTo(0), second.Error);
        Assert.That(File.Exists(Path.Combine(outDir, "compare-alignment.png")), Is.False);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Not.Contain("compare-alignment.png"));
    }

    [Test]
    public void Compare_DfaMemberWithoutAlignmentLogging_IsNotLabelledBp()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(["compare", "-c", config, "--backends", "dense", .. Common(outDir)]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string dense = File.ReadAllLines(Path.Combine(outDir, "report.md")).Single(l => l.StartsWith("| dfa-dense | ", StringComparison.Ordinal) && l.Contains('%'));
        Assert.That(dense, Does.Not.Contain("(BP)"));
    }

    [Test]
    public void Compare_DivergingMembers_ExitThree_WithReportSummaryAndPlots()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(
        [
            "compare", "-c", config, "--backends", "dense", "--set", "model.activation=relu", "--set", "optimizer_algorithm=SGD", "--set", "lr=1e20",
            "--set", "logging.plots=true", "--set", "logging.alignment_every=1", .. Common(outDir),
        ]);

        Assert.That(result.ExitCode, Is.EqualTo(3), result.Error);
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("diverged (step"));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.That(doc.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("diverged").GetBoolean()), Has.All.True);
        foreach (string png in new[] { "compare-loss.png", "compare-accuracy.png", "compare-alignment.png" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, png)), png);
        }
    }

    private static string Layout(string outDir, string member)
    {
        using JsonDocument run = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, member, "summary.json")));
        return run.RootElement.GetProperty("feedback_storage").GetProperty("layout").GetString()!;
    }
}
