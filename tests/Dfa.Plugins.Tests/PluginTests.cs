using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Cli;
using Dfa.Plugins.Tests.Noisy;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Dfa.Plugins.Tests;

/// <summary>
/// A backend registered with <c>AddFeedbackBackend&lt;T&gt;()</c> and nothing else goes through every door the
/// built-in ones use: the config loader (its own section, with file:line:col errors), <c>dfa train</c>,
/// <c>dfa backends</c>, <c>dfa compare</c> and <c>dfa cost</c>.
/// </summary>
public sealed class PluginTests
{
    private const string Config = """
        batch_size: 32
        epochs: 3
        lr: 1e-2
        verbose: False
        backward_method: DFA
        optimizer_algorithm: ADAM
        model: {hidden: [32, 32], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 500, test: 200, teacher_hidden: 16, seed: 3}
        feedback:
          backend: noisy
          noisy: {sigma: 0.1}
        logging: {tensorboard: false, plots: false, histograms: false}
        seed: 7
        threads: 1
        """;

    private static (int Code, string Output, string Error) Dfa(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 200;
        int code = DfaApp.RunAsync(args, console, error, services => services.AddFeedbackBackend<NoisyBackend>()).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    [Test]
    public void Registration_IsOneLine_AndBringsTheConfigSection()
    {
        var registry = new ServiceCollection().AddFeedbackBackends().AddFeedbackBackend<NoisyBackend>()
            .BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();
        Assert.That(registry.Names, Does.Contain("noisy"));
        Assert.That(registry.Schema.Sections.Select(s => s.Name), Does.Contain("noisy"));
        Assert.That(registry.Default.Name, Is.Not.EqualTo("noisy"), "the built-ins' reference stays the default");
    }

    [Test]
    public void Train_ThroughDfaTrain_WritesARunOfThePlugin()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);

        var (code, output, error) = Dfa("train", "--config", config, "--out", temp.Combine("run"));

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("DFA (noisy)"));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "summary.json")));
        Assert.That(summary.RootElement.GetProperty("backend").GetString(), Is.EqualTo("noisy"));
        Assert.That(summary.RootElement.GetProperty("resolved_config").GetProperty("feedback.noisy.sigma").GetString(), Is.EqualTo("0.1"));
        Assert.That(summary.RootElement.GetProperty("test_accuracy").GetDouble(), Is.GreaterThan(0.4), "five classes: chance is 0.2");
    }

    [TestCase("noisy: {sigma: -1}", 13, 18, "feedback.noisy.sigma must be in [0, 10], got -1")]
    [TestCase("noisy: {sigmaa: 0.2}", 13, 11, "unknown key 'sigmaa' in 'feedback.noisy'; did you mean 'sigma'?")]
    public void BadSectionValues_AreConfigErrors_AtFileLineAndColumn(string section, int line, int column, string problem)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config.Replace("noisy: {sigma: 0.1}", section, StringComparison.Ordinal));

        var (code, _, error) = Dfa("train", "--config", config, "--out", temp.Combine("run"));

        Assert.That(code, Is.EqualTo(2));
        Assert.That(error.Trim(), Is.EqualTo($"dfa: error: {config}:{line}:{column}: {problem}"));
        Assert.That(Directory.Exists(temp.Combine("run")), Is.False);
    }

    [Test]
    public void Backends_ListsThePluginAndItsKeys()
    {
        var (code, output, error) = Dfa("backends", "--hidden", "64,64", "--outputs", "10");
        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("noisy: a test plug-in"));
        Assert.That(output, Does.Contain("feedback.noisy.sigma (number in [0, 10]; default 0.05)"));
        Assert.That(output, Does.Contain("float32 with read noise"));
    }

    [Test]
    public void Compare_TrainsAndReportsThePlugin()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);

        var (code, output, error) = Dfa(
            "compare", "--config", config, "--backends", "noisy,dense", "--no-bp", "--epochs", "1", "--profiles", "gpu-a100-80gb-sxm4",
            "--dir", RepoPaths.Combine("hardware-profiles"), "--out", temp.Combine("cmp"));

        Assert.That(code, Is.Zero, error);
        Assert.That(output, Does.Contain("dfa-noisy"));
        string report = File.ReadAllText(temp.Combine("cmp", "report.md"));
        Assert.That(report, Does.Contain("dfa-noisy"));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("cmp", "summary.json")));
        JsonElement noisy = summary.RootElement.GetProperty("members").EnumerateArray().Single(m => m.GetProperty("backend").GetString() == "noisy");
        Assert.That(noisy.GetProperty("costs").GetArrayLength(), Is.EqualTo(2), "priced at e = 5 and e = 1000");
    }

    [Test]
    public void Cost_PricesThePluginsPredictedWork()
    {
        var (code, output, error) = Dfa(
            "cost", "--workload", "mlp:20-32-32", "--outputs", "5", "--backend", "noisy", "--profile", "gpu-a100-80gb-sxm4", "--batch", "32",
            "--dir", RepoPaths.Combine("hardware-profiles"), "--format", "json");

        Assert.That(code, Is.Zero, error);
        using JsonDocument rows = JsonDocument.Parse(output);
        JsonElement row = rows.RootElement.EnumerateArray().Single();
        Assert.That(row.GetProperty("backend").GetString(), Is.EqualTo("noisy"));

        // The noise's adds are the plug-in's own counted work: b·N = 32·64 of them, and nothing else adds in the step.
        Assert.That(row.GetProperty("operations").GetProperty("fp32_add").GetDouble(), Is.EqualTo(32 * 64));
        Assert.That(row.GetProperty("feedback_storage_bytes").GetInt64(), Is.EqualTo(4 * 5 * 64));
    }
}
