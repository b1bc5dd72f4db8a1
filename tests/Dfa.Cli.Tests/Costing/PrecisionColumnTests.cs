using Dfa.Testing;

namespace Dfa.Cli.Tests.Costing;

/// <summary>
/// A written cost or sweep says which arithmetic it was priced in (issue 19's review): <c>dfa cost --config</c>'s
/// table, Markdown and CSV and <c>dfa sweep</c>'s <c>sweep.csv</c> and <c>crossovers.csv</c>, whole or merged from shards.
/// </summary>
public sealed class PrecisionColumnTests
{
    private const string Profile = "gpu-a100-80gb-sxm4";

    private static readonly string Config = RepoPaths.Combine("configs", "cnn", "dfa.yaml");

    /// <summary>Seven points with an optical → dense crossover, in FP16 mixed precision.</summary>
    private static readonly string[] Sweep =
    [
        "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--precision", "fp16", "--backend", "dense,optical",
        "--vary", "optical.frame_time_s=1e-6:1e-3:log:7", "--set", "optical.host_link_bytes_per_s=1e12",
    ];

    [Test]
    public void CostConfig_Csv_HasAnArithmeticColumn_WithTheRunsPrecision()
    {
        CliResult result = CliRunner.Run("cost", "--config", Config, "--profile", Profile, "--precision", "fp16", "--format", "csv");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] header = lines[0].Split(',');
        int column = Array.IndexOf(header, "arithmetic");
        Assert.That(column, Is.EqualTo(Array.IndexOf(header, "batch") + 1), lines[0]);
        Assert.That(lines[1].Split(',')[column], Is.EqualTo("fp16 mixed"));
    }

    [TestCase("md")]
    [TestCase("table")]
    public void CostConfig_TableAndMarkdown_ShowTheArithmetic(string format)
    {
        CliResult fp16 = CliRunner.Run("cost", "--config", Config, "--profile", Profile, "--precision", "fp16", "--format", format);
        CliResult fp32 = CliRunner.Run("cost", "--config", Config, "--profile", Profile, "--format", format);

        Assert.That(fp16.ExitCode, Is.EqualTo(0), fp16.Error);
        Assert.That(fp16.Output, Does.Contain("arithmetic").And.Contain("fp16 mixed"));
        Assert.That(fp32.Output, Does.Contain("arithmetic").And.Not.Contain("fp16"));
    }

    [Test]
    public void Sweep_CsvFiles_HaveAnArithmeticColumn_WholeAndMerged()
    {
        using var temp = new TempFolder();
        CliResult whole = CliRunner.Run(["sweep", .. Sweep, "--out", temp.Combine("whole")]);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);
        Assert.That(whole.Output, Does.Contain("vgg16, e = 1000, on lighton-opu-aurora in fp16 mixed: time_s per step"), "the table's and the plot's title");
        foreach (int i in new[] { 1, 2 })
        {
            Assert.That(CliRunner.Run(["sweep", .. Sweep, "--shard", $"{i}/2", "--out", temp.Combine($"s{i}")]).ExitCode, Is.EqualTo(0));
        }

        CliResult merge = CliRunner.Run("merge", temp.Combine("s1"), temp.Combine("s2"), "--out", temp.Combine("merged"));
        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);

        foreach (string folder in new[] { "whole", "merged" })
        {
            string[] points = File.ReadAllLines(temp.Combine(folder, "sweep.csv"));
            Assert.That(points[0], Does.EndWith(",cheapest,arithmetic"));
            Assert.That(points[1..], Has.Length.EqualTo(7).And.All.EndWith(",fp16 mixed"));
            string[] crossovers = File.ReadAllLines(temp.Combine(folder, "crossovers.csv"));
            Assert.That(crossovers[0], Is.EqualTo("optical.frame_time_s,from,to,arithmetic"));
            Assert.That(crossovers.Skip(1).Single(), Does.EndWith(",optical,dense,fp16 mixed"));
        }

        foreach (string file in new[] { "sweep.csv", "crossovers.csv" })
        {
            Assert.That(File.ReadAllBytes(temp.Combine("merged", file)), Is.EqualTo(File.ReadAllBytes(temp.Combine("whole", file))), file);
        }
    }
}
