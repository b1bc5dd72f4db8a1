using Dfa.Testing;

namespace Dfa.Cli.Tests.Sharding;

/// <summary><c>dfa merge</c> refuses anything but every shard of one grid, each once, with one line and exit code 2.</summary>
public sealed class MergeCommandTests
{
    private static readonly string[] SweepA = ["sweep", "--profile", "lighton-opu-aurora", "--backend", "dense,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:5"];

    private static readonly string[] SweepB = ["sweep", "--profile", "lighton-opu-aurora", "--backend", "dense,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:6"];

    private TempFolder _temp = null!;

    [OneTimeSetUp]
    public void MakeShards()
    {
        _temp = new TempFolder();
        for (int i = 1; i <= 3; i++)
        {
            Run([.. SweepA, "--shard", $"{i}/3", "--out", A(i)]);
        }

        Run([.. SweepB, "--shard", "3/3", "--out", _temp.Combine("b3")]);
        Run([.. SweepA, "--shard", "1/2", "--out", _temp.Combine("half1")]);
    }

    [OneTimeTearDown]
    public void RemoveShards() => _temp.Dispose();

    [Test]
    public void AllShards_Merge()
    {
        CliResult result = CliRunner.Run("merge", A(1), A(2), A(3), "--out", _temp.Combine("ok"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(_temp.Combine("ok", "sweep.csv"), Does.Exist);
    }

    [Test]
    public void MissingShard_IsNamed()
    {
        AssertFails(["merge", A(1), A(3)], "missing shard 2/3 of grid");
    }

    [Test]
    public void DuplicateShard_NamesBothFolders()
    {
        string copy = _temp.Combine("a2-copy");
        CopyFolder(A(2), copy);

        AssertFails(["merge", A(1), A(2), copy, A(3)], $"shard 2/3 is given twice: '{A(2)}' and '{copy}'");
    }

    [Test]
    public void ShardOfAnotherGrid_IsAMismatch()
    {
        AssertFails(["merge", A(1), A(2), _temp.Combine("b3")], "not shards of the same run");
    }

    [Test]
    public void ShardOfAnotherSplit_IsAMismatch()
    {
        AssertFails(["merge", A(1), A(2), A(3), _temp.Combine("half1")], "is shard 1/2 of sweep grid");
    }

    [Test]
    public void FolderWithoutManifest_IsNotAShard()
    {
        string empty = _temp.Combine("empty");
        Directory.CreateDirectory(empty);

        AssertFails(["merge", A(1), empty], "has no shard.json");
        AssertFails(["merge", _temp.Combine("nowhere")], "does not exist");
    }

    [Test]
    public void CorruptManifestOrResults_AreOneLine()
    {
        string bad = _temp.Combine("bad-manifest");
        CopyFolder(A(1), bad);
        File.WriteAllText(Path.Combine(bad, "shard.json"), "{\"format\": \"dfa-shard/1\", \"index\": [");
        AssertFails(["merge", bad, A(2), A(3)], "is not a valid shard manifest");

        string badResults = _temp.Combine("bad-results");
        CopyFolder(A(1), badResults);
        File.WriteAllText(Path.Combine(badResults, "shard-results.json"), "{\"points\": 3}");
        AssertFails(["merge", badResults, A(2), A(3)], "is not a valid sweep shard result");
    }

    [Test]
    public void OutIntoAShardFolder_IsRefused()
    {
        CliResult result = CliRunner.Run("merge", A(1), A(2), A(3), "--out", A(2));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("is one of the shard folders"));
    }

    [TestCase("sweep", "0/4")]
    [TestCase("sweep", "5/4")]
    [TestCase("sweep", "1-4")]
    [TestCase("experiment", "2/1")]
    [TestCase("experiment", "x/4")]
    public void BadShardSyntax_IsExit2_OneLine_AndClaimsNoFolder(string command, string shard)
    {
        string[] args = command == "sweep" ? [.. SweepA] : ["experiment", "high-lr", "--quick"];
        string outDir = _temp.Combine($"never-{command}-{shard.Replace('/', '_')}");

        CliResult result = CliRunner.Run([.. args, "--shard", shard, "--out", outDir]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain($"--shard takes i/n").And.Contain($"got '{shard}'"));
        Assert.That(outDir, Does.Not.Exist);
    }

    private string A(int i) => _temp.Combine($"a{i}");

    private void AssertFails(string[] args, string message)
    {
        string outDir = _temp.Combine("merged-" + Guid.NewGuid().ToString("N"));

        CliResult result = CliRunner.Run([.. args, "--out", outDir]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
        Assert.That(result.ErrorLines[0], Does.StartWith("dfa: error: ").And.Contain(message));
        Assert.That(outDir, Does.Not.Exist, "a failed merge claims no output folder");
    }

    private static void Run(string[] args)
    {
        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
