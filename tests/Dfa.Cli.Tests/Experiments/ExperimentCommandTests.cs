using System.Globalization;
using System.Text.Json;
using Dfa.Testing;
using Snapshooter.NUnit;

namespace Dfa.Cli.Tests.Experiments;

/// <summary><c>dfa experiment</c> end to end on a small synthetic problem: files, verdict lines, errors, and a summary snapshot.</summary>
public sealed class ExperimentCommandTests
{
    /// <summary>A 20-32-32-5 network on 600 synthetic samples, 1 thread: each experiment run takes a second or two.</summary>
    private static readonly string[] Tiny =
    [
        "--set", "data.dataset=synthetic",
        "--set", "data.synthetic.train=600",
        "--set", "data.train_samples=600",
        "--set", "data.synthetic.test=200",
        "--set", "data.synthetic.inputs=20",
        "--set", "data.synthetic.classes=5",
        "--set", "data.synthetic.teacher_hidden=16",
        "--set", "model.hidden=[32,32]",
        "--set", "batch_size=64",
        "--set", "threads=1",
        "--set", "logging.alignment_every=5",
        "--set", "logging.alignment_samples=64",
    ];

    [Test]
    public void HighLr_Quick_WritesReportSummaryPlotsAndMemberRuns_AndPrintsTheVerdict()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run(["experiment", "high-lr", "--quick", "--out", outDir, "--set", "epochs=4", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string folder = Path.Combine(outDir, "high-lr");
        Assert.That(Path.Combine(folder, "report.md"), Does.Exist);
        Assert.That(Path.Combine(folder, "train_loss.png"), Does.Exist);
        Assert.That(Path.Combine(folder, "test_accuracy.png"), Does.Exist);
        Assert.That(Path.Combine(folder, "base.yaml"), Does.Exist);
        Assert.That(Path.Combine(folder, "bp", "metrics.csv"), Does.Exist);
        Assert.That(Path.Combine(folder, "dfa", "alignment.csv"), Does.Exist);
        Assert.That(Path.Combine(outDir, "report.md"), Does.Not.Exist, "the index is for more than one experiment");

        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        JsonElement root = summary.RootElement;
        string line = root.GetProperty("verdict").GetProperty("line").GetString()!;
        Assert.That(line, Does.StartWith("high-lr: "));
        Assert.That(result.Output, Does.Contain(line));
        Assert.That(root.GetProperty("members").GetArrayLength(), Is.EqualTo(2));
        Assert.That(root.GetProperty("members")[1].GetProperty("train_loss").GetArrayLength(), Is.EqualTo(4));

        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.That(report, Does.Contain(line));
        Assert.That(report, Does.Contain("dfa train --config configs/experiments/base.yaml --set epochs=30 --set data.train_samples=10000 --set lr=0.005 --set epochs=4"));
        Assert.That(report, Does.Contain("--set backward_method=BP --out bp"));
    }

    /// <summary><c>--seeds 2</c>: every member twice, each seed judged, one verdict over both, mean ± sd per member.</summary>
    [Test]
    public void HighLr_WithTwoSeeds_TrainsEachMemberPerSeed_AndJudgesEverySeed()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run(["experiment", "high-lr", "--quick", "--seeds", "2", "--out", outDir, "--set", "epochs=4", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string folder = Path.Combine(outDir, "high-lr");
        foreach (string member in new[] { "bp", "dfa", "bp-seed2", "dfa-seed2" })
        {
            Assert.That(Path.Combine(folder, member, "weights.bin"), Does.Exist, member);
        }

        Assert.That(File.ReadAllBytes(Path.Combine(folder, "bp-seed2", "weights.bin")), Is.Not.EqualTo(File.ReadAllBytes(Path.Combine(folder, "bp", "weights.bin"))));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "summary.json")));
        JsonElement root = summary.RootElement;
        Assert.That(root.GetProperty("seeds").GetInt32(), Is.EqualTo(2));
        JsonElement[] seedVerdicts = [.. root.GetProperty("seed_verdicts").EnumerateArray()];
        Assert.That(seedVerdicts.Select(v => v.GetProperty("seed").GetInt32()), Is.EqualTo(new[] { 1, 2 }));
        // 600 samples and 4 epochs are not the quick mode's budget: measured on each seed, judged on none.
        Assert.That(seedVerdicts.Select(v => v.GetProperty("status").GetString()), Is.EqualTo(new[] { "not judged", "not judged" }));
        Assert.That(seedVerdicts[1].GetProperty("line").GetString(), Does.StartWith("high-lr: not judged — ran 4 epochs").And.Contain("; measured: BP train loss "));
        string line = root.GetProperty("verdict").GetProperty("line").GetString()!;
        Assert.That(line, Does.StartWith("high-lr: not judged — ran 4 epochs"));
        Assert.That(line, Does.Contain("; measured: seed 1: BP train loss ").And.Contain("; seed 2: BP train loss ").And.Not.Contain("flips"));
        JsonElement bp = root.GetProperty("over_seeds")[0];
        Assert.That(bp.GetProperty("label").GetString(), Is.EqualTo("bp"));
        double[] accuracies = [.. root.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("label").GetString()!.StartsWith("bp", StringComparison.Ordinal))
            .Select(m => m.GetProperty("final_test_accuracy").GetDouble())];
        Assert.That(bp.GetProperty("final_test_accuracy").GetProperty("mean").GetDouble(), Is.EqualTo(accuracies.Average()).Within(1e-12));
        Assert.That(bp.GetProperty("final_test_accuracy").GetProperty("n").GetInt32(), Is.EqualTo(2));

        string report = File.ReadAllText(Path.Combine(folder, "report.md"));
        Assert.That(report, Does.Contain("### Over 2 seeds").And.Contain("- seed 2: high-lr: ").And.Contain(line));
        Assert.That(report, Does.Contain("--set seed=2 --out bp-seed2"));
        Assert.That(result.Output, Does.Contain(line));
    }

    [Test]
    public void Experiment_SeedsZero_IsExit2_BeforeAnyOutput()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run("experiment", "high-lr", "--quick", "--seeds", "0", "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { "dfa: error: --seeds takes 1..1000, got 0" }));
        Assert.That(outDir, Does.Not.Exist);
    }

    /// <summary><c>--set epochs=1</c> on a 15-epoch quick experiment: say what ran, and judge nothing on it.</summary>
    [Test]
    public void Experiment_OffItsBudget_SaysWhatRan_AndDeclaresNoVerdict()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run(["experiment", "dropout", "--quick", "--out", outDir, "--set", "epochs=1", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string header = result.Output.Split('\n').First(l => l.StartsWith("experiment dropout", StringComparison.Ordinal));
        Assert.That(header, Does.Contain("1 epoch, 600 training samples"), header);
        Assert.That(header, Does.Not.Contain("quick: 15 epochs"));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "dropout", "summary.json")));
        JsonElement verdict = summary.RootElement.GetProperty("verdict");
        Assert.That(verdict.GetProperty("status").GetString(), Is.EqualTo("not judged"));
        string line = verdict.GetProperty("line").GetString()!;
        Assert.That(line, Does.StartWith("dropout: not judged").And.Contain("15 epochs").And.Contain("10,000"));
        Assert.That(result.Output, Does.Contain(line));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "dropout", "report.md")), Does.Contain("1 epoch, 600 training samples"));
    }

    [Test]
    public void Experiment_UnknownName_IsExit2_ListingTheValidNames()
    {
        CliResult result = CliRunner.Run("experiment", "nope");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("unknown experiment 'nope'").And.Contain("high-lr").And.Contain("activations, all"));
    }

    /// <summary>Rerunning into the same folder keeps the first run: each member's outputs move aside into previous-1/.</summary>
    [Test]
    public void Experiment_RerunIntoTheSameFolder_MovesEachMembersPreviousRunAside()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");
        Assert.That(CliRunner.Run(["experiment", "high-lr", "--quick", "--out", outDir, "--set", "epochs=1", .. Tiny]).ExitCode, Is.EqualTo(0));
        byte[] first = File.ReadAllBytes(Path.Combine(outDir, "high-lr", "bp", "metrics.csv"));

        CliResult again = CliRunner.Run(["experiment", "high-lr", "--quick", "--out", outDir, "--set", "epochs=2", .. Tiny]);

        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Output, Does.Contain("bp: the previous run's outputs moved aside into bp/previous-1/"));
        Assert.That(File.ReadAllBytes(Path.Combine(outDir, "high-lr", "bp", "previous-1", "metrics.csv")), Is.EqualTo(first));
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "high-lr", "bp", "metrics.csv")), Has.Length.EqualTo(3), "header and two epochs");
        Assert.That(Path.Combine(outDir, "high-lr", "dfa", "previous-1", "weights.bin"), Does.Exist);
    }

    /// <summary>A run killed in its first epoch leaves only its TensorBoard event file: a rerun takes that folder as a run's and moves it aside.</summary>
    [Test]
    public void Experiment_RerunOverAMemberKilledInItsFirstEpoch_MovesItsEventFileAside()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");
        string dfa = Path.Combine(outDir, "high-lr", "dfa");
        Directory.CreateDirectory(dfa);
        File.WriteAllBytes(Path.Combine(dfa, "events.out.tfevents.1796327628.vm"), [1, 2, 3]);

        CliResult result = CliRunner.Run(["experiment", "high-lr", "--quick", "--out", outDir, "--set", "epochs=1", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.ReadAllBytes(Path.Combine(dfa, "previous-1", "events.out.tfevents.1796327628.vm")), Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(Path.Combine(dfa, "metrics.csv"), Does.Exist);
    }

    [Test]
    public void Experiment_AMemberFolderHoldingOtherFiles_IsRefusedBeforeTraining()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");
        Directory.CreateDirectory(Path.Combine(outDir, "high-lr", "dfa"));
        File.WriteAllText(Path.Combine(outDir, "high-lr", "dfa", "notes.txt"), "mine");

        CliResult result = CliRunner.Run(["experiment", "high-lr", "--quick", "--out", outDir, "--set", "epochs=1", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("member dfa's folder").And.Contain("not a Dfa run folder").And.Contain("move its files elsewhere or give another --out"));
        Assert.That(Path.Combine(outDir, "high-lr", "bp"), Does.Not.Exist, "nothing trained");
        Assert.That(File.ReadAllText(Path.Combine(outDir, "high-lr", "dfa", "notes.txt")), Is.EqualTo("mine"));
    }

    [Test]
    public void Experiment_BadSet_FailsBeforeAnyOutputIsClaimed()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run("experiment", "dropout", "--quick", "--out", outDir, "--set", "no_such_key=1");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(outDir, Does.Not.Exist);
    }

    [Test]
    public void Experiment_List_NamesEveryExperimentWithItsScales()
    {
        CliResult result = CliRunner.Run("experiment", "--list");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("high-lr").And.Contain("sgd-vs-adam").And.Contain("activations").And.Contain("10,000 training samples"));
    }

    /// <summary>
    /// The normalization experiment's summary.json on the tiny synthetic problem, as a snapshot. Tolerance: timing fields
    /// (<c>wall_seconds</c>) are dropped and every number is rounded to 4 significant digits (<see cref="RoundedJson"/>). The same seed and thread
    /// count give the same bits on one machine; the rounding is what lets the snapshot survive a different SIMD width
    /// (Vector512 vs Vector256 sum in a different order, which moves the last few bits of every loss).
    /// </summary>
    [Test]
    public void Normalization_Summary_MatchesItsSnapshot_To4SignificantDigits()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run(["experiment", "normalization", "--quick", "--out", outDir, "--set", "epochs=3", "--set", "lr=0.005", .. Tiny]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Snapshot.Match(RoundedJson.View(File.ReadAllText(Path.Combine(outDir, "normalization", "summary.json")), 4, "wall_seconds")!);
    }

    [Test]
    public void All_WritesTheIndexWithEveryVerdictLine()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("out");

        CliResult result = CliRunner.Run(["experiment", "all", "--quick", "--out", outDir, "--set", "epochs=1", "--set", "logging.alignment_every=0", "--set", "logging.plots=false", .. Tiny[..^4]]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string index = File.ReadAllText(Path.Combine(outDir, "report.md"));
        foreach (string name in new[] { "high-lr", "sgd-vs-adam", "dropout", "normalization", "regularization", "activations" })
        {
            Assert.That(index, Does.Contain($"- {name}: "));
            Assert.That(result.Output, Does.Contain($"{name}: "));
        }
    }
}
