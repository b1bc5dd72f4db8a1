using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Yaml;
using Dfa.Testing;
using Dfa.Testing.Fuzzing;

namespace Dfa.Cli.Tests;

/// <summary>
/// Hostile input through the real command line, in-process: mutated configs through <c>dfa train --config</c> and
/// mutated hardware profiles through <c>dfa cost --dir</c>, a tenth as many cases as the loader fuzz tests. Every case
/// must exit 0 (accepted) or 2 with exactly one <c>dfa: error:</c> line; never 1 (an internal error), a crash or a hang.
/// </summary>
/// <remarks>
/// So an accepted config never starts a training run, each one trains on a tiny MNIST folder and its <c>--out</c> is
/// an existing file: a config that passes every check reaches the output folder and stops there with exit 2 and
/// "output folder ... is a file", which counts as accepted. Only the configs that train on MNIST are seeds, so no case
/// generates a synthetic data set.
/// </remarks>
[Category("Fuzz")]
[NonParallelizable]
public sealed class CliFuzzTests
{
    [Test]
    public void MutatedConfigs_ThroughDfaTrain_ExitZeroOrTwoWithOneLine()
    {
        var settings = FuzzSettings.FromEnvironment();
        settings = settings.WithCases(Math.Max(1, settings.Cases / 10));
        var seeds = FuzzCorpus.Configs().Where(TrainsOnMnist).ToArray();
        Assert.That(seeds, Has.Length.GreaterThanOrEqualTo(3));
        var mutator = new Mutator(settings.Seed, seeds, InputKind.Yaml);
        using var temp = new TempFolder();
        string data = temp.Combine("mnist");
        TinyMnist.Write(data, train: 300, test: 20);
        string outFile = temp.Combine("out-is-a-file");
        File.WriteAllText(outFile, "");
        string config = temp.Combine("config.yaml");

        var report = FuzzHarness.Run("cli-train", settings, mutator.Generate, input =>
        {
            File.WriteAllBytes(config, input.Bytes);
            var result = CliRunner.Run("train", "--config", config, "--data", data, "--out", outFile);
            string line = CheckOneErrorLine(result, allowSuccess: false);
            if (!line.Contains("is a file", StringComparison.Ordinal))
            {
                throw new DfaInputException(line);
            }
        }, "yaml");
        report.AssertClean();
        Assert.That(report.Succeeded, Is.GreaterThan(0), "some mutated configs must pass every check and reach the output folder");
    }

    [Test]
    public void MutatedProfiles_ThroughDfaCost_ExitZeroOrTwoWithOneLine()
    {
        var settings = FuzzSettings.FromEnvironment();
        settings = settings.WithCases(Math.Max(1, settings.Cases / 10));
        var mutator = new Mutator(settings.Seed, FuzzCorpus.Profiles(), InputKind.Yaml);
        using var temp = new TempFolder();

        var report = FuzzHarness.Run("cli-cost", settings, mutator.Generate, input =>
        {
            string name = Path.GetFileNameWithoutExtension(input.SeedName);
            string folder = temp.Combine($"case-{input.Index}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, name + ".yaml"), input.Bytes);
            var result = CliRunner.Run("cost", "--dir", folder, "--profile", name, "--workload", "mnist-mlp", "--outputs", "10,1000", "--format", "csv");
            string line = CheckOneErrorLine(result, allowSuccess: true);
            Directory.Delete(folder, recursive: true);
            if (line.Length > 0)
            {
                throw new DfaInputException(line);
            }
        }, "yaml");
        report.AssertClean();
        Assert.That(report.Succeeded, Is.GreaterThan(0));
    }

    /// <summary>"" for exit 0 (when allowed); the single error line for exit 2; a violation for anything else.</summary>
    private static string CheckOneErrorLine(CliResult result, bool allowSuccess)
    {
        if (result.ExitCode == 0 && allowSuccess)
        {
            return result.ErrorLines.Length == 0
                ? ""
                : throw new FuzzViolation($"exit 0 but wrote to stderr: {string.Join(" | ", result.ErrorLines)}");
        }

        if (result.ExitCode != 2)
        {
            throw new FuzzViolation($"exit code {result.ExitCode}, expected {(allowSuccess ? "0 or " : "")}2: {string.Join(" | ", result.ErrorLines)}");
        }

        if (result.ErrorLines is not [var line] || !line.StartsWith("dfa: error: ", StringComparison.Ordinal))
        {
            throw new FuzzViolation($"exit 2 with {result.ErrorLines.Length} error lines instead of one 'dfa: error:' line: {string.Join(" | ", result.ErrorLines)}");
        }

        return line;
    }

    private static bool TrainsOnMnist(FuzzSeed seed)
    {
        try
        {
            return ConfigLoader.Parse(System.Text.Encoding.UTF8.GetString(seed.Bytes), seed.Name).Data.Dataset == DatasetKind.Mnist;
        }
        catch (ConfigException)
        {
            return false;
        }
    }
}
