using System.CommandLine;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Dfa.Cli.Tests;

/// <summary>One option vocabulary across commands: plural list options (old spellings kept), <c>train --epochs</c>, did-you-mean.</summary>
public sealed class OptionVocabularyTests
{
    /// <summary>Options whose value is a list but whose name is not a plural noun: <c>--hidden</c> names the hidden layers.</summary>
    private static readonly string[] NotNouns = ["--hidden"];

    private static readonly string Profiles = RepoPaths.Combine("hardware-profiles");

    private static IEnumerable<Command> AllCommands(Command command) => new[] { command }.Concat(command.Subcommands.SelectMany(AllCommands));

    [Test]
    public void EveryListOption_HasAPluralName()
    {
        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();
        RootCommand root = DfaApp.CreateRoot(services.GetRequiredService<FeedbackBackendRegistry>(), AnsiConsole.Create(new AnsiConsoleSettings()));

        string[] singular = [.. AllCommands(root)
            .SelectMany(c => c.Options.Where(o => (o.Description ?? "").Contains("comma-separated", StringComparison.Ordinal)
                && !o.Name.EndsWith('s') && !NotNouns.Contains(o.Name)).Select(o => $"dfa {c.Name} {o.Name}"))];

        Assert.That(singular, Is.Empty);
    }

    [TestCase("--workloads", "--outputs", "--backends", "--profiles", "--batches")]
    [TestCase("--workload", "--outputs", "--backend", "--profile", "--batch")]
    public void Cost_TakesThePluralListOptions_AndTheOldSpellings(string workloads, string outputs, string backends, string profiles, string batches)
    {
        CliResult result = CliRunner.Run(
            "cost", workloads, "mnist-mlp", outputs, "10", backends, "dense,binary", profiles, "cpu-avx512-2core", batches, "64", "--format", "csv", "--dir", Profiles);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3)); // header, dense, binary
    }

    [TestCase("--backends")]
    [TestCase("--backend")]
    public void Sweep_TakesBackends_AndTheOldSpelling(string backends)
    {
        using var temp = new TempFolder();
        CliResult result = CliRunner.Run(
            "sweep", "--workload", "mnist-mlp", "--outputs", "10", "--profile", "lighton-opu-aurora", backends, "dense,optical",
            "--vary", "optical.frame_time_s=1e-6:1e-3:log:5", "--dir", Profiles, "--out", temp.Combine("s"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    [Test]
    public void Cost_TakesConfigs_AndTheOldSpelling()
    {
        foreach (string option in new[] { "--configs", "--config" })
        {
            CliResult result = CliRunner.Run("cost", option, RepoPaths.Combine("configs", "seed.yaml"), "--profiles", "cpu-avx512-2core", "--format", "csv", "--dir", Profiles);
            Assert.That(result.ExitCode, Is.EqualTo(0), option + ": " + result.Error);
        }
    }

    [Test]
    public void Train_Epochs_IsTheEpochsKey()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, """
            batch_size: 32
            epochs: 3
            model: {hidden: [8]}
            data: {dataset: synthetic, synthetic: {inputs: 10, classes: 3, train: 64, test: 32}}
            logging: {alignment_every: 0, tensorboard: false, plots: false, histograms: false}
            threads: 1
            """);

        CliResult result = CliRunner.Run("train", "--config", config, "--epochs", "2", "--out", temp.Combine("run"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(temp.Combine("run", "summary.json")));
        Assert.That(summary.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(2));
    }

    /// <summary>Every command that trains takes <c>--epochs</c>, not only <c>compare</c>.</summary>
    [TestCase("train")]
    [TestCase("compare")]
    [TestCase("experiment")]
    public void EveryTrainingCommand_TakesEpochs(string name)
    {
        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();
        RootCommand root = DfaApp.CreateRoot(services.GetRequiredService<FeedbackBackendRegistry>(), AnsiConsole.Create(new AnsiConsoleSettings()));

        ParseResult parse = root.Parse([name, "--epochs", "2"]);

        Assert.That(parse.Errors, Is.Empty, string.Join("; ", parse.Errors.Select(e => e.Message)));
        Assert.That(parse.GetValue<int?>("--epochs"), Is.EqualTo(2));
    }

    [TestCase(new[] { "trian" }, "'trian'", "train")]
    [TestCase(new[] { "profils" }, "'profils'", "profiles")]
    [TestCase(new[] { "cost", "--profils", "all" }, "'--profils'", "--profiles")]
    [TestCase(new[] { "compare", "--backendz", "dense" }, "'--backendz'", "--backends")]
    public void AMistypedName_IsOneLine_SuggestingTheClosest(string[] args, string quoted, string suggestion)
    {
        CliResult result = CliRunner.Run(args);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines[0], Does.Contain(quoted).And.Contain($"did you mean '{suggestion}'?"), result.Error);
        Assert.That(result.ErrorLines, Has.None.Contain("Required command was not provided"));
    }
}
