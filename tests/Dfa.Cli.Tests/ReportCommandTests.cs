using System.Globalization;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core.Config;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Cli.Tests;

/// <summary><c>dfa report</c>: accuracy against the simulated step of each run's own method, from run folders.</summary>
public sealed class ReportCommandTests
{
    private const string Synthetic = """
        batch_size: 32
        epochs: 1
        lr: 1e-3
        verbose: False
        backward_method: {0}
        optimizer_algorithm: ADAM
        model: {{hidden: [16, 12]}}
        data: {{dataset: synthetic, synthetic: {{inputs: 20, classes: 5, train: 128, test: 64}}}}
        logging: {{alignment_every: 0, tensorboard: false, plots: false, histograms: false}}
        seed: 3
        threads: 1
        """;

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    [Test]
    public void Report_OnTrainedRuns_PricesEachRunsResolvedConfig()
    {
        using var temp = new TempFolder();
        foreach (string method in new[] { "BP", "DFA" })
        {
            string config = temp.Combine(method + ".yaml");
            File.WriteAllText(config, string.Format(CultureInfo.InvariantCulture, Synthetic, method));
            CliResult train = CliRunner.Run("train", "--config", config, "--out", temp.Combine("run-" + method));
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
        }

        // The summary's resolved_config rebuilds the config it trained with.
        using (JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("run-DFA", "summary.json"))))
        {
            string[] pairs = [.. summary.RootElement.GetProperty("resolved_config").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}")];
            TrainConfig original = ConfigLoader.Load(temp.Combine("DFA.yaml"), null, Registry.Schema);
            Assert.That(ConfigLoader.Describe(ConfigLoader.Parse("{}", "r", pairs, Registry.Schema)), Is.EqualTo(ConfigLoader.Describe(original)));
        }

        string md = temp.Combine("report.md");
        CliResult result = CliRunner.Run("report", temp.Combine("run-BP"), temp.Combine("run-DFA"), "--profile", "cpu-avx512-2core", "--out", md);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] lines = File.ReadAllLines(md);
        Assert.That(lines[0], Does.Contain("cpu-avx512-2core"));
        string bpRow = lines.Single(l => l.Contains("run-BP", StringComparison.Ordinal));
        string dfaRow = lines.Single(l => l.Contains("run-DFA", StringComparison.Ordinal));
        Assert.That(bpRow, Does.Contain("| BP |").And.EndWith("| 1.00× |"));
        Assert.That(dfaRow, Does.Contain("| DFA (dense) |"));

        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load("cpu-avx512-2core"));
        MethodCost bp = ConfigCosts.Price(ConfigLoader.Load(temp.Combine("BP.yaml"), null, Registry.Schema), "bp", 32, prices, Registry);
        MethodCost dfa = ConfigCosts.Price(ConfigLoader.Load(temp.Combine("DFA.yaml"), null, Registry.Schema), "dfa", 32, prices, Registry);
        Assert.That(dfaRow, Does.EndWith($"| {(dfa.CriticalPathSeconds / bp.CriticalPathSeconds).ToString("0.00", CultureInfo.InvariantCulture)}× |"));
        Assert.That(dfaRow, Does.Contain(CostReport.Seconds(dfa.CriticalPathSeconds)));
        using JsonDocument run = JsonDocument.Parse(File.ReadAllText(temp.Combine("run-DFA", "summary.json")));
        double accuracy = run.RootElement.GetProperty("test_accuracy").GetDouble();
        Assert.That(dfaRow, Does.Contain($"| {(accuracy * 100).ToString("0.00", CultureInfo.InvariantCulture)} % |"));
    }

    private static IEnumerable<string> ShippedConfigs() =>
        new[] { "cnn", "backends", "rules", Path.Combine("cnn", "rules") }.SelectMany(d => Directory.GetFiles(RepoPaths.Combine("configs", d), "*.yaml"))
            .Concat(Directory.GetFiles(RepoPaths.Combine("configs"), "*.yaml").Where(f => !Path.GetFileName(f).StartsWith("compare", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(RepoPaths.Combine("configs"), f)).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(ShippedConfigs))]
    public void ResolvedConfigPairs_RebuildEveryShippedConfig(string relative)
    {
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", relative), null, Registry.Schema);
        IReadOnlyList<KeyValuePair<string, string>> pairs = ConfigLoader.Describe(config);
        TrainConfig rebuilt = ConfigLoader.Parse("{}", "resolved", [.. pairs.Select(kv => $"{kv.Key}={kv.Value}")], Registry.Schema);
        Assert.That(ConfigLoader.Describe(rebuilt), Is.EqualTo(pairs));
    }

    [Test]
    public void Report_WithoutABpRun_LeavesTheRatioEmpty()
    {
        using var temp = new TempFolder();
        WriteSummary(temp.Combine("hybrid"), ["backward_method=MODULAR", "modular.boundaries=[hidden2]", "model.hidden=[16, 12]"], 0.5);
        CliResult result = CliRunner.Run("report", temp.Combine("hybrid"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string row = result.Output.Split('\n').Single(l => l.Contains("hybrid", StringComparison.Ordinal) && l.StartsWith('|'));
        Assert.That(row, Does.Contain("MODULAR at hidden2 (dense)").And.Contain("50.00 %").And.EndWith("| — |"));
        Assert.That(result.Output, Does.Contain(Commands.ReportCommand.DefaultProfile));
    }

    [TestCase("missing")]
    [TestCase("no-summary")]
    [TestCase("corrupt")]
    [TestCase("no-config")]
    [TestCase("bad-value")]
    public void Report_OnABadRunFolder_IsOneCleanErrorNamingIt(string kind)
    {
        using var temp = new TempFolder();
        string folder = temp.Combine(kind);
        if (kind != "missing")
        {
            Directory.CreateDirectory(folder);
        }

        string summary = Path.Combine(folder, "summary.json");
        switch (kind)
        {
            case "corrupt":
                File.WriteAllText(summary, "{\"algorithm\": ");
                break;
            case "no-config":
                File.WriteAllText(summary, "{\"algorithm\": \"BP\", \"test_accuracy\": 0.9}");
                break;
            case "bad-value":
                File.WriteAllText(summary, "{\"resolved_config\": {\"lr\": \"fast\"}}");
                break;
        }

        CliResult result = CliRunner.Run("report", folder);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(kind));
    }

    [Test]
    public void Report_OnACompareFolder_PricesEveryMemberFromItsOwnResolvedConfig()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, string.Format(CultureInfo.InvariantCulture, Synthetic, "DFA"));
        string cmp = temp.Combine("cmp");
        string profiles = RepoPaths.Combine("hardware-profiles");
        CliResult compare = CliRunner.Run("compare", "-c", config, "--hidden", "24,20", "--backends", "dense", "--profiles", "cpu-avx512-2core", "--dir", profiles, "--out", cmp);
        Assert.That(compare.ExitCode, Is.EqualTo(0), compare.Error);
        Assert.That(compare.Output, Does.Contain("1 epoch each").And.Not.Contain("1 epochs"));

        CliResult result = CliRunner.Run("report", cmp, "--profile", "cpu-avx512-2core", "--dir", profiles);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        var prices = new Prices(ProfileCatalog.Open(profiles).Load("cpu-avx512-2core"));
        foreach ((string member, string method) in new[] { ("bp", "BP"), ("dfa-dense", "DFA") })
        {
            string row = result.Output.Split('\n').Single(l => l.StartsWith('|') && l.Contains(Path.Combine(cmp, member) + " |", StringComparison.Ordinal));
            TrainConfig trained = ConfigLoader.Load(config, ["model.hidden=[24,20]", $"backward_method={method}"], Registry.Schema);
            MethodCost cost = ConfigCosts.Price(trained, member, 32, prices, Registry);
            MethodCost asTheFileReads = ConfigCosts.Price(ConfigLoader.Load(config, [$"backward_method={method}"], Registry.Schema), member, 32, prices, Registry);
            Assert.That(cost.TimeSeconds, Is.Not.EqualTo(asTheFileReads.TimeSeconds), "the test must tell the two networks apart");
            Assert.That(row, Does.Contain($"| {CostReport.Seconds(cost.TimeSeconds)} |"), row);
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(cmp, member, "summary.json")));
            double accuracy = summary.RootElement.GetProperty("test_accuracy").GetDouble();
            Assert.That(row, Does.Contain($"| {(accuracy * 100).ToString("0.00", CultureInfo.InvariantCulture)} % |"));
        }

        Assert.That(result.Output.Split('\n').Count(l => l.StartsWith('|')), Is.EqualTo(4), "header, rule and two members");
    }

    [Test]
    public void Report_OnAnExperimentFolder_PricesEveryMember()
    {
        using var temp = new TempFolder();
        string baseConfig = temp.Combine("base.yaml");
        File.WriteAllText(baseConfig, string.Format(CultureInfo.InvariantCulture, Synthetic, "DFA"));
        string outDir = temp.Combine("exp");
        CliResult experiment = CliRunner.Run("experiment", "dropout", "--quick", "--base", baseConfig, "--set", "epochs=1", "--set", "data.train_samples=128", "--out", outDir);
        Assert.That(experiment.ExitCode, Is.EqualTo(0), experiment.Error);

        CliResult result = CliRunner.Run("report", Path.Combine(outDir, "dropout"), "--profile", "cpu-avx512-2core");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        foreach (string member in new[] { "p0", "p0.1", "p0.3", "p0.5" })
        {
            string folder = Path.Combine(outDir, "dropout", member);
            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
            double accuracy = summary.RootElement.GetProperty("test_accuracy").GetDouble();
            Assert.That(
                result.Output.Split('\n').Where(l => l.StartsWith($"| {folder} |", StringComparison.Ordinal)).ToArray(),
                Has.Length.EqualTo(1).And.All.Contains($"| {(accuracy * 100).ToString("0.00", CultureInfo.InvariantCulture)} % |"),
                member);
        }
    }

    [Test]
    public void Report_OnAStudyFolder_PricesEveryRunItLists()
    {
        using var temp = new TempFolder();
        string study = temp.Combine("study");
        foreach (string method in new[] { "BP", "DFA" })
        {
            string config = temp.Combine(method + ".yaml");
            File.WriteAllText(config, string.Format(CultureInfo.InvariantCulture, Synthetic, method));
            CliResult train = CliRunner.Run("train", "--config", config, "--out", Path.Combine(study, "runs", method));
            Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
        }

        File.WriteAllText(Path.Combine(study, "study.json"), """
            {"config": "c.yaml", "vary": [], "seeds": 1, "quick": false,
             "points": [{"settings": {"backward_method": "BP"}, "runs": ["runs/BP"]}, {"settings": {"backward_method": "DFA"}, "runs": ["runs/DFA"]}]}
            """);

        CliResult result = CliRunner.Run("report", study, "--profile", "cpu-avx512-2core");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"| {Path.Combine(study, "runs", "BP")} | BP |"));
        Assert.That(result.Output, Does.Contain($"| {Path.Combine(study, "runs", "DFA")} | DFA (dense) |"));
    }

    /// <summary>A summary without the resolved config names a config file; pricing that file as it reads now could be wrong, silently.</summary>
    [Test]
    public void Report_OnASummaryWithoutItsResolvedConfig_RefusesInOneLine()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, string.Format(CultureInfo.InvariantCulture, Synthetic, "DFA"));
        string folder = temp.Combine("old-run");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["config"] = config, ["test_accuracy"] = 0.5 }));

        CliResult result = CliRunner.Run("report", folder);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("old-run").And.Contain("resolved_config"));
    }

    private static void WriteSummary(string folder, string[] overrides, double accuracy)
    {
        TrainConfig config = ConfigLoader.Parse("{}", "t", ["data.dataset=synthetic", "data.synthetic.inputs=20", "data.synthetic.classes=5", .. overrides], Registry.Schema);
        Directory.CreateDirectory(folder);
        var resolved = ConfigLoader.Describe(config).ToDictionary(kv => kv.Key, kv => kv.Value);
        File.WriteAllText(Path.Combine(folder, "summary.json"), JsonSerializer.Serialize(new Dictionary<string, object> { ["test_accuracy"] = accuracy, ["resolved_config"] = resolved }));
    }
}
