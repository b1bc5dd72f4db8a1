using Dfa.Testing;

namespace Dfa.Cli.Tests.Costing;

/// <summary><c>dfa sweep --shard i/n</c> and <c>dfa merge</c>: the merged files are the whole run's, byte for byte.</summary>
public sealed class SweepShardTests
{
    /// <summary>One axis with an optical → dense crossover (31 points), and a 7 × 4 map with one crossover row.</summary>
    private static readonly object[] Sweeps =
    [
        new object[] { new[] { "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--vary", "optical.frame_time_s=1e-6:1e-3:log:31", "--set", "optical.host_link_bytes_per_s=1e12", "--backend", "dense,optical" } },
        new object[] { new[] { "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--backend", "unified,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:7", "--vary", "optical.host_link_bytes_per_s=1e9:1e12:log:4" } },
    ];

    /// <summary>
    /// Four shards, merged in a shuffled order, give the whole run's sweep.csv, crossovers.csv and sweep.png byte for
    /// byte: shards price their points with the same code, and each computes the crossover on the segments it starts.
    /// </summary>
    [TestCaseSource(nameof(Sweeps))]
    public void FourShards_Merged_EqualTheWholeRun_ByteForByte(string[] sweep)
    {
        using var temp = new TempFolder();
        CliResult whole = CliRunner.Run(["sweep", .. sweep, "--out", temp.Combine("whole")]);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);
        foreach (int i in new[] { 1, 2, 3, 4 })
        {
            CliResult shard = CliRunner.Run(["sweep", .. sweep, "--shard", $"{i}/4", "--out", temp.Combine($"shard-{i}")]);
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.Error);
            Assert.That(temp.Combine($"shard-{i}", "sweep.csv"), Does.Not.Exist, "a shard writes no report");
        }

        CliResult merge = CliRunner.Run("merge", temp.Combine("shard-3"), temp.Combine("shard-1"), temp.Combine("shard-4"), temp.Combine("shard-2"), "--out", temp.Combine("merged"));

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(File.ReadAllLines(temp.Combine("whole", "crossovers.csv")), Has.Length.GreaterThan(1), "the sweep must cross over to test crossovers");
        foreach (string file in new[] { "sweep.csv", "crossovers.csv", "sweep.png" })
        {
            Assert.That(File.ReadAllBytes(temp.Combine("merged", file)), Is.EqualTo(File.ReadAllBytes(temp.Combine("whole", file))), file);
        }

        Assert.That(merge.Output, Does.Contain("crossover").And.Contain("merged 4 shards of sweep grid"));
    }

    /// <summary>More shards than points: the surplus shards hold nothing and still merge.</summary>
    [Test]
    public void MoreShardsThanPoints_MergeToo()
    {
        using var temp = new TempFolder();
        string[] sweep = ["--profile", "lighton-opu-aurora", "--backend", "dense,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:3"];
        Assert.That(CliRunner.Run(["sweep", .. sweep, "--out", temp.Combine("whole")]).ExitCode, Is.EqualTo(0));
        string[] shards = Enumerable.Range(1, 5).Select(i => temp.Combine($"s{i}")).ToArray();
        for (int i = 1; i <= 5; i++)
        {
            Assert.That(CliRunner.Run(["sweep", .. sweep, "--shard", $"{i}/5", "--out", shards[i - 1]]).ExitCode, Is.EqualTo(0));
        }

        CliResult merge = CliRunner.Run(["merge", .. shards, "--out", temp.Combine("merged")]);

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(File.ReadAllBytes(temp.Combine("merged", "sweep.csv")), Is.EqualTo(File.ReadAllBytes(temp.Combine("whole", "sweep.csv"))));
        Assert.That(File.ReadAllBytes(temp.Combine("merged", "crossovers.csv")), Is.EqualTo(File.ReadAllBytes(temp.Combine("whole", "crossovers.csv"))));
    }
}
