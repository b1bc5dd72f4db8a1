using System.Text.Json;
using Dfa.Testing;
using Snapshooter.NUnit;

namespace Dfa.Cli.Tests.Compare;

/// <summary>
/// <c>dfa compare</c> end to end on a small synthetic task: every member trains into its own folder, the report and
/// summary hold one entry per member, and the whole summary (timings aside) matches its snapshot within the stated
/// tolerance of <see cref="RoundedJson"/>. That the costs are the simulator's prices of the predicted work is checked in
/// <see cref="CompareEdgeCaseTests"/>.
/// </summary>
[NonParallelizable]
public sealed class CompareCommandTests
{
    private const string Config = """
        batch_size: 32
        epochs: 2
        lr: 1e-3
        backward_method: DFA
        model: {hidden: [32, 24], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 320, test: 100, teacher_hidden: 16, seed: 3}
        logging: {alignment_every: 5, alignment_samples: 64}
        seed: 7
        threads: 1
        """;

    // Timings vary between identical runs; the config path is a temporary folder.
    private static readonly string[] Timings = ["wall_seconds", "train_seconds", "samples_per_second", "config"];

    [Test]
    public void Compare_Synthetic_WritesEveryMemberReportAndSummary_MatchingTheSnapshot()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(
            "compare", "-c", config, "--out", outDir, "--profiles", "cpu-avx512-2core,lighton-opu-aurora", "--dir", RepoPaths.Combine("hardware-profiles"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] labels = ["bp", "dfa-dense", "dfa-binary", "dfa-crossbar", "dfa-optical", "dfa-sparse", "dfa-spiking", "dfa-unified"];
        foreach (string label in labels)
        {
            Assert.That(File.Exists(Path.Combine(outDir, label, "summary.json")), label);
            Assert.That(Directory.GetFiles(Path.Combine(outDir, label), "events.out.tfevents.*"), Has.Length.EqualTo(1), label);
            Assert.That(result.Output, Does.Contain(label));
        }

        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("| method | test acc | train loss |"));
        Assert.That(report, Does.Contain("cpu-avx512-2core: feedback · step · energy"));
        foreach (string png in new[] { "compare-loss.png", "compare-accuracy.png", "compare-alignment.png" })
        {
            Assert.That(File.Exists(Path.Combine(outDir, png)), png);
        }

        string json = File.ReadAllText(Path.Combine(outDir, "summary.json"));
        using JsonDocument doc = JsonDocument.Parse(json);
        JsonElement[] members = doc.RootElement.GetProperty("members").EnumerateArray().ToArray();
        Assert.That(members.Select(m => m.GetProperty("label").GetString()), Is.EqualTo(labels));

        // Each member's numbers are its own run's.
        foreach (JsonElement m in members)
        {
            using JsonDocument run = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, m.GetProperty("label").GetString()!, "summary.json")));
            Assert.That(m.GetProperty("test_accuracy").GetDouble(), Is.EqualTo(run.RootElement.GetProperty("test_accuracy").GetDouble()));
        }

        // Dense feedback for e = 5 onto 32 + 24 neurons is 4·5·56 bytes; at e = 1000, 4·1000·56.
        JsonElement dense = members[1];
        Assert.That(dense.GetProperty("feedback_storage_bytes").GetInt64(), Is.EqualTo(4 * 5 * 56));
        Assert.That(dense.GetProperty("feedback_storage_bytes_e1000").GetInt64(), Is.EqualTo(4 * 1000 * 56));

        // The optical unit is priced on the optical profile only; the others on both, at e = 5 and e = 1000.
        Assert.That(members[3].GetProperty("costs").EnumerateArray().Select(c => c.GetProperty("profile").GetString()), Has.All.EqualTo("lighton-opu-aurora"));
        Assert.That(dense.GetProperty("costs").GetArrayLength(), Is.EqualTo(4));

        Snapshot.Match(RoundedJson.View(json, 4, Timings)!);
    }

    [TestCase("--backends", "dense,holographic", "unknown feedback backend 'holographic'")]
    [TestCase("--profiles", "cpu-avx512-2core,tpu-v9", "tpu-v9")]
    [TestCase("--hidden", "32,x", "--hidden")]
    public void Compare_BadInput_FailsCleanlyBeforeTrainingAndLeavesNoFolder(string option, string value, string message)
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run("compare", "-c", config, "--out", outDir, "--dir", RepoPaths.Combine("hardware-profiles"), option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain(message));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void Compare_ConfigTuningTwoBackends_GivesEachMemberItsOwnSection_AndNamesTheProfileKindAMemberNeeds()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config.Replace("epochs: 2", "epochs: 1", StringComparison.Ordinal)
            + "\nfeedback: {backend: dense, sparse: {connections: 2}, binary: {error: ternary}}\n");
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(
            "compare", "-c", config, "--out", outDir, "--backends", "sparse,binary,crossbar,SPARSE", "--profiles", "cpu-avx512-2core", "--dir", RepoPaths.Combine("hardware-profiles"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(Directory.GetDirectories(outDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "bp", "dfa-binary", "dfa-crossbar", "dfa-sparse" }), "SPARSE is sparse: one member");
        string Resolved(string member, string key) =>
            JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, member, "summary.json"))).RootElement.GetProperty("resolved_config").GetProperty(key).GetString()!;
        Assert.That(Resolved("dfa-sparse", "feedback.sparse.connections"), Is.EqualTo("2"));
        Assert.That(Resolved("dfa-binary", "feedback.binary.error"), Is.EqualTo("ternary"));
        Assert.That(Resolved("dfa-crossbar", "feedback.crossbar.preset"), Is.Not.EqualTo("null"), "a member's defaults are recorded, not null");
        Assert.That(Resolved("bp", "backward_method"), Is.EqualTo("BP"));
        Assert.That(result.Output, Does.Contain("— (needs a compute-in-memory profile)"));
        Assert.That(result.Output, Does.Not.Contain("needs an optical profile"));
    }

    [Test]
    public void Compare_MissingConfig_NamesIt()
    {
        using var temp = new TempFolder();
        CliResult result = CliRunner.Run("compare", "-c", temp.Combine("nope.yaml"), "--out", temp.Combine("cmp"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain("nope.yaml"));
    }
    [Test]
    public void Compare_Seeds3_TrainsEveryMethodPerSeed_AndReportsMeanAndSdOfTheirAccuracies()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        string outDir = temp.Combine("cmp");

        CliResult result = CliRunner.Run(
            "compare", "-c", config, "--out", outDir, "--backends", "dense", "--seeds", "3", "--profiles", "cpu-avx512-2core", "--dir", RepoPaths.Combine("hardware-profiles"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        Assert.That(doc.RootElement.GetProperty("seeds").GetInt32(), Is.EqualTo(3));
        JsonElement[] members = doc.RootElement.GetProperty("members").EnumerateArray().ToArray();
        Assert.That(members.Select(m => m.GetProperty("label").GetString()), Is.EqualTo(new[] { "bp", "dfa-dense" }));
        foreach (JsonElement m in members)
        {
            string label = m.GetProperty("label").GetString()!;
            string[] folders = [label, $"{label}-seed8", $"{label}-seed9"];
            Assert.That(m.GetProperty("seed_runs").EnumerateArray().Select(r => r.GetString()), Is.EqualTo(folders.Select(f => f + "/")));

            // The spread is of the three runs' own final test accuracies (seeds 7, 8, 9), sample sd.
            double[] accuracies = [.. folders.Select(f => RunAccuracy(Path.Combine(outDir, f), out ulong seed))];
            Assert.That(folders.Select(f => { _ = RunAccuracy(Path.Combine(outDir, f), out ulong seed); return seed; }), Is.EqualTo(new ulong[] { 7, 8, 9 }));
            double mean = accuracies.Average();
            double sd = Math.Sqrt(accuracies.Sum(a => (a - mean) * (a - mean)) / 2);
            JsonElement spread = m.GetProperty("test_accuracy_over_seeds");
            Assert.That(spread.GetProperty("n").GetInt32(), Is.EqualTo(3));
            Assert.That(spread.GetProperty("mean").GetDouble(), Is.EqualTo(mean).Within(1e-12));
            Assert.That(spread.GetProperty("sd").GetDouble(), Is.EqualTo(sd).Within(1e-12));
            Assert.That(spread.GetProperty("min").GetDouble(), Is.EqualTo(accuracies.Min()));
            Assert.That(spread.GetProperty("max").GetDouble(), Is.EqualTo(accuracies.Max()));
        }

        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("| method | test acc (mean ± sd, 3 seeds) |"));
        Assert.That(report, Does.Contain("seeds 7..9"));
        Assert.That(result.Output, Does.Contain("test acc (mean ± sd, 3 seeds)"));
    }

    [Test]
    public void Compare_SeedsOutOfRange_IsOneLine_NothingWritten()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);

        CliResult result = CliRunner.Run("compare", "-c", config, "--out", temp.Combine("cmp"), "--seeds", "0");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.Error, Does.Contain("--seeds takes 1..1000, got 0"));
        Assert.That(Directory.Exists(temp.Combine("cmp")), Is.False);
    }

    private static double RunAccuracy(string folder, out ulong seed)
    {
        using JsonDocument run = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        seed = run.RootElement.GetProperty("seed").GetUInt64();
        return run.RootElement.GetProperty("test_accuracy").GetDouble();
    }
}
