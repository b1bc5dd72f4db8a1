using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core.Config;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Cli.Tests.Costing;

/// <summary><c>dfa cost --config</c>: each config's own network and method, with its schedule.</summary>
public sealed class ConfigCostTests
{
    private const string Profile = "cpu-avx512-2core";

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static string Cnn(string name) => RepoPaths.Combine("configs", "cnn", name + ".yaml");

    [Test]
    public void CostConfig_Json_IsEachConfigsOwnMethodPricedByTheMethodModel()
    {
        CliResult result = CliRunner.Run("cost", "--config", $"{Cnn("bp")},{Cnn("dfa")}", "--profile", Profile, "--format", "json");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(result.Output);
        JsonElement[] rows = [.. doc.RootElement.EnumerateArray()];
        Assert.That(rows.Select(r => r.GetProperty("method").GetString()), Is.EqualTo(new[] { "BP", "DFA" }));
        Assert.That(rows.Select(r => r.GetProperty("batch").GetInt32()), Is.EqualTo(new[] { 128, 128 }), "each config's batch_size");

        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load(Profile));
        foreach ((JsonElement row, string name) in rows.Zip(new[] { "bp", "dfa" }))
        {
            TrainConfig config = ConfigLoader.Load(Cnn(name));
            MethodCost expected = ConfigCosts.Price(config, Cnn(name), 128, prices, Registry);
            Assert.That(row.GetProperty("critical_path_s").GetDouble(), Is.EqualTo(expected.CriticalPathSeconds).Within(1e-12 * expected.CriticalPathSeconds));
            Assert.That(row.GetProperty("time_s").GetDouble(), Is.EqualTo(expected.TimeSeconds).Within(1e-12 * expected.TimeSeconds));
            Assert.That(row.GetProperty("energy_j").GetDouble(), Is.EqualTo(expected.EnergyJ).Within(1e-12 * expected.EnergyJ));
            JsonElement step = row.GetProperty("steps")[0];
            Assert.That(step.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("block").GetString()), Is.EqualTo(new[] { "conv1", "conv2", "hidden1", "output" }));
            Assert.That(step.GetProperty("critical_path").EnumerateArray().Select(t => t.GetString()), Is.EqualTo(expected.Steps[0].CriticalPath));
        }

        string[] dfaPath = [.. rows[1].GetProperty("steps")[0].GetProperty("critical_path").EnumerateArray().Select(t => t.GetString()!)];
        Assert.That(dfaPath, Does.Contain("projection:conv1..output"));
        Assert.That(rows[1].GetProperty("critical_path_s").GetDouble(), Is.LessThan(rows[0].GetProperty("critical_path_s").GetDouble()));
    }

    [Test]
    public void CostConfig_OnAnMlpConfig_PricesTheSameWorkAsTheCatalogWorkload()
    {
        // configs/mnist-bp-tanh.yaml trains 784-800-800-10: the mnist-mlp workload, so the step time is dfa cost --workload's.
        TrainConfig config = ConfigLoader.Load(RepoPaths.Combine("configs", "mnist-bp-tanh.yaml"));
        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load(Profile));
        MethodCost priced = ConfigCosts.Price(config, "mlp", config.BatchSize, prices, Registry);
        MethodCost row = CostPlans.Price(CostPlans.Bp, WorkloadCatalog.MnistMlp(10), config.BatchSize, prices, Registry, optimizer: config.Optimizer);
        Assert.That(priced.Operations, Is.EqualTo(row.Operations));
        Assert.That(priced.TimeSeconds, Is.EqualTo(row.TimeSeconds).Within(1e-12 * row.TimeSeconds));
        Assert.That(priced.CriticalPathSeconds, Is.EqualTo(row.CriticalPathSeconds).Within(1e-12 * row.CriticalPathSeconds), "one engine: one critical path");
    }

    [Test]
    public void CostWorkload_WithTheConfigsOptimizer_PrintsTheConfigsNumbers()
    {
        // Through the command line, as a user compares them: the workload step ends with Adam only when told.
        string config = RepoPaths.Combine("configs", "mnist-bp-tanh.yaml");
        CliResult fromConfig = CliRunner.Run("cost", "--config", config, "--profile", Profile, "--format", "json");
        CliResult fromWorkload = CliRunner.Run("cost", "--workload", "mnist-mlp", "--backend", "bp", "--outputs", "10", "--optimizer", "adam", "--profile", Profile, "--format", "json");
        CliResult withSgd = CliRunner.Run("cost", "--workload", "mnist-mlp", "--backend", "bp", "--outputs", "10", "--profile", Profile, "--format", "json");
        Assert.That(fromConfig.ExitCode + fromWorkload.ExitCode + withSgd.ExitCode, Is.EqualTo(0), fromConfig.Error + fromWorkload.Error + withSgd.Error);
        using JsonDocument a = JsonDocument.Parse(fromConfig.Output), b = JsonDocument.Parse(fromWorkload.Output), c = JsonDocument.Parse(withSgd.Output);
        foreach (string key in (string[])["time_s", "critical_path_s", "energy_j"])
        {
            double expected = a.RootElement[0].GetProperty(key).GetDouble();
            Assert.That(b.RootElement[0].GetProperty(key).GetDouble(), Is.EqualTo(expected).Within(1e-12 * expected), key);
            Assert.That(c.RootElement[0].GetProperty(key).GetDouble(), Is.LessThan(expected), key + ": SGD has no Adam pass");
        }
    }

    [Test]
    public void CostWorkload_OptimizerWithConfig_OrUnknown_IsOneLineError()
    {
        CliResult withConfig = CliRunner.Run("cost", "--config", RepoPaths.Combine("configs", "mnist-bp-tanh.yaml"), "--optimizer", "adam");
        Assert.That(withConfig.ExitCode, Is.EqualTo(2));
        Assert.That(withConfig.Error, Does.Contain("--optimizer does not apply with --config"));
        CliResult unknown = CliRunner.Run("cost", "--workload", "mnist-mlp", "--optimizer", "rmsprop");
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Error, Does.Contain("--optimizer takes sgd or adam; got 'rmsprop'"));
    }

    [Test]
    public void CostConfig_OnADeviceThatCannotRunTheOptions_SaysWhy()
    {
        // Graded spikes on Loihi (binary spikes only): priced, "fits" no, and the backend's reason in the table and the JSON.
        using var temp = new TempFolder();
        string config = temp.Combine("graded.yaml");
        File.WriteAllText(config, File.ReadAllText(RepoPaths.Combine("configs", "mnist-dfa-tanh.yaml"))
            .Replace("feedback: {backend: dense, init: gaussian}", "feedback: {backend: spiking, init: gaussian, spiking: {encoding: graded}}", StringComparison.Ordinal));
        CliResult table = CliRunner.Run("cost", "--config", config, "--profile", "neuromorphic-loihi");
        Assert.That(table.ExitCode, Is.EqualTo(0), table.Error);
        Assert.That(table.Output, Does.Contain("cannot run on neuromorphic-loihi").And.Contain("graded spikes need a chip that sends them"));
        CliResult json = CliRunner.Run("cost", "--config", config, "--profile", "neuromorphic-loihi", "--format", "json");
        using JsonDocument doc = JsonDocument.Parse(json.Output);
        Assert.That(doc.RootElement[0].GetProperty("fits").GetBoolean(), Is.False);
        Assert.That(doc.RootElement[0].GetProperty("cannot_run").GetString(), Does.Contain("capability graded_spikes"));
    }

    private static IEnumerable<string> ShippedMethodConfigs() =>
        Directory.GetFiles(RepoPaths.Combine("configs", "cnn"), "*.yaml").Append(RepoPaths.Combine("configs", "mnist-fa-tanh.yaml")).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(ShippedMethodConfigs))]
    public void EveryShippedMethodConfig_PricesItsOwnNetwork_WithACriticalPathWithinTheStep(string path)
    {
        TrainConfig config = ConfigLoader.Load(path);
        var prices = new Prices(ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles")).Load(Profile));
        MethodCost cost = ConfigCosts.Price(config, path, config.BatchSize, prices, Registry);
        Assert.That(cost.Method, Is.EqualTo(config.Algorithm.ToString().ToUpperInvariant()));
        Assert.That(cost.Frozen, Is.EqualTo(config.Freeze));
        Assert.That(cost.CriticalPathSeconds, Is.GreaterThan(0).And.LessThanOrEqualTo(cost.TimeSeconds * (1 + 1e-12)));
        Assert.That(ConfigCosts.Parameters(config), Is.EqualTo(Dfa.Core.Training.NetworkBuilder.Build(config, 784, 10, 1).ParameterCount));
    }

    [Test]
    public void CostConfig_Table_ShowsEachBlocksSpanAndTheCriticalPath()
    {
        CliResult result = CliRunner.Run("cost", "--config", Cnn("dfa"), "--profile", Profile, "--batch", "16");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("schedule of"));
        Assert.That(result.Output, Does.Contain("projection:conv1..output"));
        Assert.That(result.Output, Does.Contain("critical path: forward:conv1 → forward:conv2"));
        Assert.That(result.Output, Does.Contain("DFA (dense)"));
    }

    [Test]
    public void CostConfig_Csv_HasOneRowPerConfigProfileAndBatch()
    {
        CliResult result = CliRunner.Run("cost", "--config", Cnn("bp"), "--profile", $"{Profile},gpu-a100-80gb-sxm4", "--batch", "8,64", "--format", "csv");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo(string.Join(",", MethodReport.Columns)));
        Assert.That(lines, Has.Length.EqualTo(1 + 4));
    }

    [TestCase("--workload", "vgg16")]
    [TestCase("--backend", "dense")]
    [TestCase("--outputs", "1000")]
    public void CostConfig_WithAWorkloadOption_IsOneCleanError(string option, string value)
    {
        CliResult result = CliRunner.Run("cost", "--config", Cnn("bp"), option, value);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(option).And.Contain("--config"));
    }

    [Test]
    public void CostConfig_AMissingFile_IsOneCleanError()
    {
        CliResult result = CliRunner.Run("cost", "--config", "no-such.yaml");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("no-such.yaml"));
    }

    [Test]
    public void Shape_ComesFromTheInputShape_MnistOrTheSyntheticSection()
    {
        Assert.That(ConfigCosts.Shape(ConfigLoader.Load(Cnn("bp"))), Is.EqualTo((784, 10)));
        Assert.That(ConfigCosts.Shape(ConfigLoader.Parse("{}", "t")), Is.EqualTo((784, 10)));
        Assert.That(ConfigCosts.Shape(ConfigLoader.Parse("{}", "t", ["data.dataset=synthetic", "data.synthetic.inputs=30", "data.synthetic.classes=1000"])), Is.EqualTo((30, 1000)));
        Assert.That(ConfigCosts.Shape(ConfigLoader.Parse("{}", "t", ["data.dataset=synthetic", "model.input_shape=[3, 4, 5]", "model.conv=[2]", "model.conv_kernel=3", "model.conv_padding=1"])), Is.EqualTo((60, 10)));
    }
}
