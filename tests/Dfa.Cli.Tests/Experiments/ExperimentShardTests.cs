using System.Text.Json;
using System.Text.RegularExpressions;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Experiments;

/// <summary>
/// <c>dfa experiment --shard i/n</c> merged with <c>dfa merge</c> against the whole run, on the tiny synthetic problem
/// of <see cref="ExperimentCommandTests"/> (320 samples, 1 epoch, 1 thread: all six experiments, 31 members, in a few seconds).
/// </summary>
/// <remarks>
/// Compared exactly except timings: every <c>wall_seconds</c> field of summary.json is dropped, and in report.md every
/// "N.N s" wall-time cell is replaced (the merge's experiment wall time is the sum of its members', the whole run's
/// includes data loading and plotting). Everything else (losses, accuracies, angles, verdicts, reproducible command
/// lines) must be identical: the same seed and thread count give the same bits whichever process trains a member,
/// which the members' weights.bin files show directly.
/// </remarks>
public sealed class ExperimentShardTests
{
    private static readonly string[] Tiny =
    [
        "--quick",
        "--set", "data.dataset=synthetic",
        "--set", "data.synthetic.train=320",
        "--set", "data.train_samples=320",
        "--set", "data.synthetic.test=100",
        "--set", "data.synthetic.inputs=20",
        "--set", "data.synthetic.classes=5",
        "--set", "data.synthetic.teacher_hidden=16",
        "--set", "model.hidden=[32,32]",
        "--set", "batch_size=64",
        "--set", "threads=1",
        "--set", "epochs=1",
        "--set", "logging.alignment_every=0",
        "--set", "logging.plots=false",
    ];

    private static readonly string[] Names = ["high-lr", "sgd-vs-adam", "dropout", "normalization", "regularization", "activations"];

    [Test]
    public void All_RunAs3Shards_Merged_EqualsTheWholeRun_ModuloTimings()
    {
        using var temp = new TempFolder();
        CliResult whole = CliRunner.Run(["experiment", "all", .. Tiny, "--out", temp.Combine("whole")]);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);
        string[] shards = [temp.Combine("s1"), temp.Combine("s2"), temp.Combine("s3")];
        for (int i = 1; i <= 3; i++)
        {
            CliResult shard = CliRunner.Run(["experiment", "all", .. Tiny, "--shard", $"{i}/3", "--out", shards[i - 1]]);
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.Error);
            Assert.That(Path.Combine(shards[i - 1], "report.md"), Does.Not.Exist, "a shard writes no report");
        }

        CliResult merge = CliRunner.Run("merge", shards[1], shards[2], shards[0], "--out", temp.Combine("merged"));

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(Untimed(File.ReadAllText(temp.Combine("merged", "report.md"))), Is.EqualTo(Untimed(File.ReadAllText(temp.Combine("whole", "report.md")))));
        foreach (string name in Names)
        {
            Assert.That(Summary(temp.Combine("merged", name)), Is.EqualTo(Summary(temp.Combine("whole", name))), name);
            Assert.That(
                Untimed(File.ReadAllText(temp.Combine("merged", name, "report.md"))),
                Is.EqualTo(Untimed(File.ReadAllText(temp.Combine("whole", name, "report.md")))),
                name);
            Assert.That(File.ReadAllText(temp.Combine("merged", name, "base.yaml")), Is.EqualTo(File.ReadAllText(temp.Combine("whole", name, "base.yaml"))));
            foreach (string member in Directory.GetDirectories(temp.Combine("whole", name)).Select(d => Path.GetFileName(d)))
            {
                Assert.That(
                    File.ReadAllBytes(temp.Combine("merged", name, member, "weights.bin")),
                    Is.EqualTo(File.ReadAllBytes(temp.Combine("whole", name, member, "weights.bin"))),
                    $"{name}/{member}");
            }
        }
    }

    /// <summary>Two members over four shards: shards 3 and 4 hold nothing, and the merge still gives the whole run's summary.</summary>
    [Test]
    public void HighLr_RunAs4Shards_TwoEmpty_Merged_EqualsTheWholeRun()
    {
        using var temp = new TempFolder();
        Assert.That(CliRunner.Run(["experiment", "high-lr", .. Tiny, "--out", temp.Combine("whole")]).ExitCode, Is.EqualTo(0));
        string[] shards = Enumerable.Range(1, 4).Select(i => temp.Combine($"s{i}")).ToArray();
        for (int i = 1; i <= 4; i++)
        {
            CliResult shard = CliRunner.Run(["experiment", "high-lr", .. Tiny, "--shard", $"{i}/4", "--out", shards[i - 1]]);
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.Error);
        }

        CliResult merge = CliRunner.Run(["merge", .. shards, "--out", temp.Combine("merged")]);

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(Summary(temp.Combine("merged", "high-lr")), Is.EqualTo(Summary(temp.Combine("whole", "high-lr"))));
        Assert.That(temp.Combine("merged", "report.md"), Does.Not.Exist, "one experiment has no index, merged or not");
    }

    /// <summary>With <c>--seeds 2</c> each seed's member is its own item: three shards merged give the whole run, verdicts included.</summary>
    [Test]
    public void HighLr_WithTwoSeeds_RunAs3Shards_Merged_EqualsTheWholeRun()
    {
        using var temp = new TempFolder();
        Assert.That(CliRunner.Run(["experiment", "high-lr", .. Tiny, "--seeds", "2", "--out", temp.Combine("whole")]).ExitCode, Is.EqualTo(0));
        string[] shards = Enumerable.Range(1, 3).Select(i => temp.Combine($"s{i}")).ToArray();
        for (int i = 1; i <= 3; i++)
        {
            CliResult shard = CliRunner.Run(["experiment", "high-lr", .. Tiny, "--seeds", "2", "--shard", $"{i}/3", "--out", shards[i - 1]]);
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.Error);
        }

        CliResult merge = CliRunner.Run(["merge", .. shards, "--out", temp.Combine("merged")]);

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        Assert.That(Summary(temp.Combine("merged", "high-lr")), Is.EqualTo(Summary(temp.Combine("whole", "high-lr"))));
        Assert.That(Summary(temp.Combine("merged", "high-lr")), Does.Contain("seed_verdicts"));
        Assert.That(
            Untimed(File.ReadAllText(temp.Combine("merged", "high-lr", "report.md"))),
            Is.EqualTo(Untimed(File.ReadAllText(temp.Combine("whole", "high-lr", "report.md")))));
        Assert.That(temp.Combine("merged", "high-lr", "dfa-seed2", "weights.bin"), Does.Exist);
    }

    [Test]
    public void ShardsWithDifferentSettings_DoNotMerge()
    {
        using var temp = new TempFolder();
        Assert.That(CliRunner.Run(["experiment", "high-lr", .. Tiny, "--shard", "1/2", "--out", temp.Combine("s1")]).ExitCode, Is.EqualTo(0));
        Assert.That(CliRunner.Run(["experiment", "high-lr", .. Tiny, "--set", "lr=0.01", "--shard", "2/2", "--out", temp.Combine("s2")]).ExitCode, Is.EqualTo(0));

        CliResult merge = CliRunner.Run("merge", temp.Combine("s1"), temp.Combine("s2"), "--out", temp.Combine("merged"));

        Assert.That(merge.ExitCode, Is.EqualTo(2));
        Assert.That(merge.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(merge.ErrorLines[0], Does.Contain("not shards of the same run"));
    }

    /// <summary>summary.json exactly (every number as its round-trip text), without the <c>wall_seconds</c> fields.</summary>
    private static string Summary(string folder) =>
        JsonSerializer.Serialize(RoundedJson.View(File.ReadAllText(Path.Combine(folder, "summary.json")), 17, "wall_seconds"));

    private static string Untimed(string report) => Regex.Replace(report, @"\d+(\.\d+)? s\b", "<t> s");
}
