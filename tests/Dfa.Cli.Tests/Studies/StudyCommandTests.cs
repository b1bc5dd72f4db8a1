using Dfa.Backends.Registry;
using Dfa.Core.Training;
using Dfa.Runs.Plots;
using Dfa.Runs.Studies;
using Dfa.Runs.Training;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Cli.Tests.Studies;

/// <summary>
/// <c>dfa study</c> end to end on a tiny synthetic problem (20-16-5, 200 samples, 1 epoch, 1 thread: a run takes well under
/// a second): bad <c>--vary</c> keys and values, a study killed mid-way and rerun, and four shards merged, each against
/// an uninterrupted whole study. The same seed and thread count give the same bits in any process, so the study's
/// outputs (study.json, study.csv, report.md; no timings or absolute paths in them) must be equal byte for byte.
/// </summary>
public sealed class StudyCommandTests
{
    private const string Config = """
        batch_size: 50
        epochs: 1
        lr: 1e-3
        backward_method: DFA
        optimizer_algorithm: ADAM
        model: {hidden: [16], activation: tanh}
        data: {dataset: synthetic, synthetic: {train: 200, test: 100, inputs: 20, classes: 5, teacher_hidden: 8}}
        feedback: {backend: sparse, sparse: {connections: 1}}
        logging: {alignment_every: 0, plots: false}
        seed: 3
        threads: 1
        """;

    // 2 values × 2 seeds: 4 distinct runs.
    private static readonly string[] Vary = ["--vary", "feedback.sparse.connections=1,2", "--seeds", "2", "--profiles", "cpu-avx512-2core,gpu-a100-80gb-sxm4"];

    private static readonly string[] Outputs = [StudyFiles.JsonFileName, StudyFiles.CsvFileName, StudyReport.FileName];

    private TempFolder _temp = null!;
    private string _config = null!;
    private string _whole = null!;

    [OneTimeSetUp]
    public void RunTheWholeStudy()
    {
        _temp = new TempFolder();
        _config = _temp.Combine("tiny.yaml");
        File.WriteAllText(_config, Config);
        _whole = _temp.Combine("whole");
        CliResult whole = Study("--out", _whole);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);
        Assert.That(whole.Output, Does.Contain("trained 4, skipped 0 finished of 4 runs"));
    }

    [OneTimeTearDown]
    public void Remove() => _temp.Dispose();

    [Test]
    public void WholeStudy_WritesEveryPointWithItsSeedsAndPrices()
    {
        string json = File.ReadAllText(Path.Combine(_whole, StudyFiles.JsonFileName));
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        System.Text.Json.JsonElement[] points = [.. doc.RootElement.GetProperty("points").EnumerateArray()];

        Assert.That(points, Has.Length.EqualTo(2));
        Assert.That(doc.RootElement.GetProperty("seeds").GetInt32(), Is.EqualTo(2));
        Assert.That(doc.RootElement.GetProperty("quick").GetBoolean(), Is.False);
        foreach (System.Text.Json.JsonElement p in points)
        {
            Assert.That(p.GetProperty("runs").GetArrayLength(), Is.EqualTo(2));
            Assert.That(p.GetProperty("test_accuracy").GetProperty("n").GetInt32(), Is.EqualTo(2));
            Assert.That(p.GetProperty("costs").EnumerateObject().Select(c => c.Name), Is.EqualTo(new[] { "cpu-avx512-2core", "gpu-a100-80gb-sxm4" }));
        }

        Assert.That(doc.RootElement.GetProperty("knees").GetArrayLength(), Is.EqualTo(1));
        // One row per run and one per point.
        Assert.That(File.ReadAllLines(Path.Combine(_whole, StudyFiles.CsvFileName)), Has.Length.EqualTo(1 + 4 + 2));
    }

    [TestCase("feedback.sparse.conections=1,2", "conections")]
    [TestCase("feedback.sparse.connections=1,x", "feedback.sparse.connections=x")]
    [TestCase("feedback.sparse.connections=1,1", "feedback.sparse.connections")]
    [TestCase("lr=1e-3:1e-2:cubic:3", "lr")]
    [TestCase("model.width=1,2", "model.width")]
    [TestCase("seed=1,2", "--seeds")]
    [TestCase("lr", "KEY=SPEC")]
    public void BadVary_IsOneLineNamingTheKey_Exit2_NothingWritten(string vary, string named)
    {
        string outDir = _temp.Combine("bad-" + Guid.NewGuid().ToString("N"));

        CliResult result = CliRunner.Run("study", "--config", _config, "--vary", vary, "--out", outDir, "--dir", RepoPaths.Combine("hardware-profiles"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output + result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
        Assert.That(result.Error, Does.Contain(named));
        Assert.That(result.Error, Does.Not.Contain("   at "));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void KilledMidway_Rerun_SkipsTheFinishedRuns_AndEqualsTheUninterruptedStudy()
    {
        string folder = _temp.Combine("killed");
        StudyRequest request = new(
            _config, ["feedback.sparse.connections=1,2"], null, 2, ["cpu-avx512-2core", "gpu-a100-80gb-sxm4"], false, [], folder, null, RepoPaths.Combine("hardware-profiles"));
        using var cancel = new CancellationTokenSource();
        var view = new CancelAtRun(3, cancel);

        using ServiceProvider services = new ServiceCollection().AddFeedbackBackends().BuildServiceProvider();

        Assert.Throws<BatchInterruptedException>(() => StudyRunner.Execute(request, services.GetRequiredService<FeedbackBackendRegistry>(), view, cancel.Token));
        Assert.That(Path.Combine(folder, StudyFiles.JsonFileName), Does.Not.Exist, "a killed study writes no outputs");

        CliResult rerun = Study("--out", folder);

        Assert.That(rerun.ExitCode, Is.EqualTo(0), rerun.Error);
        Assert.That(rerun.Output, Does.Contain("trained 2, skipped 2 finished of 4 runs"));
        AssertSameOutputs(folder);

        // A third run of the same command trains nothing and still writes the same files.
        CliResult again = Study("--out", folder);
        Assert.That(again.Output, Does.Contain("trained 0, skipped 4 finished of 4 runs"));
        AssertSameOutputs(folder);
    }

    [Test]
    public void FourShards_Merged_EqualTheWholeStudy()
    {
        string[] shards = [.. Enumerable.Range(1, 4).Select(i => _temp.Combine($"shard{i}"))];
        for (int i = 1; i <= 4; i++)
        {
            CliResult shard = Study("--shard", $"{i}/4", "--out", shards[i - 1]);
            Assert.That(shard.ExitCode, Is.EqualTo(0), shard.Error);
            Assert.That(shard.Output, Does.Contain("trained 1, skipped 0 finished of 1 runs"));
            Assert.That(Path.Combine(shards[i - 1], StudyReport.FileName), Does.Not.Exist, "a shard writes no report");
        }

        string merged = _temp.Combine("merged");
        CliResult merge = CliRunner.Run("merge", shards[2], shards[0], shards[3], shards[1], "--out", merged);

        Assert.That(merge.ExitCode, Is.EqualTo(0), merge.Error);
        AssertSameOutputs(merged);
        CliResult missing = CliRunner.Run("merge", shards[0], shards[1], shards[2], "--out", _temp.Combine("merged3"));
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain("missing shard 4/4"));
    }

    private CliResult Study(params string[] more) =>
        CliRunner.Run(["study", "--config", _config, .. Vary, "--dir", RepoPaths.Combine("hardware-profiles"), .. more]);

    private void AssertSameOutputs(string folder)
    {
        foreach (string file in Outputs)
        {
            Assert.That(File.ReadAllText(Path.Combine(folder, file)), Is.EqualTo(File.ReadAllText(Path.Combine(_whole, file))), file);
        }
    }

    /// <summary>Runs silently and cancels as run <c>k</c> (1-based) is about to start, as Ctrl+C or a killed job would.</summary>
    private sealed class CancelAtRun(int k, CancellationTokenSource cancel) : IRunView
    {
        public ICurvePlotter? Plotter => null;

        public void Info(string message)
        {
            if (message.StartsWith($"run {k}/", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        }

        public void Show(IReadOnlyList<RunSpec> members, Func<int, ITrainingObserver?, RunRecord> run) => SilentRunView.Instance.Show(members, run);
    }
}
