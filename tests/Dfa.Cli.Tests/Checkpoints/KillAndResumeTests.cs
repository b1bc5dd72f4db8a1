using System.Diagnostics;
using System.Text.Json.Nodes;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Checkpoints;

/// <summary>
/// A real <c>dfa</c> child process is killed with SIGKILL at a chosen step, then <c>dfa train --resume</c> finishes the
/// run; weights, metrics and summary must equal an uninterrupted run's (timing columns and fields aside). The kill
/// points come from a seeded generator: one inside an epoch, one on the first step after an epoch end (so the resume
/// starts from the epoch-end checkpoint), one anywhere; plus one kill at a random moment while the child runs freely
/// (it may land while a checkpoint is being written). DFA with dropout covers the shuffle and mask generators, HDFA its
/// draws and two-moment optimizer.
/// </summary>
[NonParallelizable]
public sealed class KillAndResumeTests
{
    private const int Batches = 16; // 500 samples / batch 32
    private const int Epochs = 3;

    private static readonly string[] TimingFields = ["samples_per_second", "train_seconds"];

    private static string Config(string method) => $"""
        batch_size: 32
        epochs: {Epochs}
        lr: 1e-3
        verbose: false
        backward_method: {method}
        optimizer_algorithm: ADAM
        p_drop: 0.2
        hdfa: {"{"}p: 0.3, gamma: 0.5{"}"}
        model: {"{"}hidden: [32, 32], activation: tanh{"}"}
        data:
          dataset: synthetic
          synthetic: {"{"}inputs: 20, classes: 5, train: 500, test: 200, teacher_hidden: 16, seed: 3{"}"}
        checkpoint: {"{"}every_steps: 3{"}"}
        logging: {"{"}alignment_every: 5, alignment_samples: 64, tensorboard: false, plots: false{"}"}
        seed: 7
        threads: 1
        """;

    [TestCase("DFA")]
    [TestCase("HDFA")]
    public void KilledAtARandomStep_ThenResumed_EqualsAnUninterruptedRun(string method)
    {
        (string host, string dll) = Dfa();
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config(method));
        string reference = temp.Combine("reference");
        CliResult whole = CliRunner.Run("train", "--config", config, "--out", reference);
        Assert.That(whole.ExitCode, Is.EqualTo(0), whole.Error);

        var rng = new Random(method == "DFA" ? 11 : 12);
        long[] killAt =
        [
            rng.Next(2, Batches),                               // inside the first epoch
            (Batches * rng.Next(1, Epochs)) + 1,                // first step after an epoch end
            rng.Next(1, (Batches * Epochs) + 1),                // anywhere
        ];
        TestContext.Out.WriteLine($"{method}: SIGKILL at steps {string.Join(", ", killAt)} of {Batches * Epochs} ({Batches} per epoch)");
        foreach (long step in killAt)
        {
            string run = temp.Combine($"killed-at-{step}");
            KillAtStep(host, dll, config, run, step);
            Assert.That(File.Exists(Path.Combine(run, "checkpoint.bin")), $"no checkpoint before step {step}");
            Assert.That(File.Exists(Path.Combine(run, "summary.json")), Is.False, "the killed run must not have finished");
            CliResult resumed = CliRunner.Run("train", "--resume", run);
            Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
            AssertSameRun(reference, run, $"killed at step {step}");
        }

        string free = temp.Combine("killed-freely");
        KillAfterRandomDelay(host, dll, config, free, rng);
        if (File.Exists(Path.Combine(free, "checkpoint.bin")) && !File.Exists(Path.Combine(free, "summary.json")))
        {
            CliResult resumed = CliRunner.Run("train", "--resume", free);
            Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
            AssertSameRun(reference, free, "killed at a random moment");
            TestContext.Out.WriteLine($"{method}: free-running kill resumed from {new FileInfo(Path.Combine(free, "checkpoint.bin")).Length}-byte checkpoint");
        }
        else
        {
            TestContext.Out.WriteLine($"{method}: free-running kill landed {(File.Exists(Path.Combine(free, "summary.json")) ? "after the run finished" : "before the first checkpoint")}");
        }
    }

    [Test]
    public void Sigint_FinishesTheStep_SavesACheckpoint_Exits130_AndTheResumedRunEqualsAnUninterruptedOne()
    {
        (string host, string dll) = Dfa();
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");

        // Ten times the samples, so the child is still training when the signal arrives.
        File.WriteAllText(config, Config("DFA").Replace("train: 500", "train: 5000", StringComparison.Ordinal).Replace("every_steps: 3", "every_steps: 0", StringComparison.Ordinal));
        string reference = temp.Combine("reference");
        Assert.That(CliRunner.Run("train", "--config", config, "--out", reference).ExitCode, Is.EqualTo(0));

        string run = temp.Combine("interrupted");
        using Process child = Start(host, dll, config, run, null);
        string checkpoint = Path.Combine(run, "checkpoint.bin");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(1);
        }

        using (Process signal = Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            signal.WaitForExit();
        }

        string output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode == 0)
        {
            Assert.Inconclusive("the run finished before the signal arrived");
        }

        Assert.That(child.ExitCode, Is.EqualTo(130), output + child.StandardError.ReadToEnd());
        Assert.That(output, Does.Contain("interrupted after step").And.Contain("Resume with: dfa train --resume"));
        CliResult resumed = CliRunner.Run("train", "--resume", run);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        AssertSameRun(reference, run, "interrupted by SIGINT");
    }

    private static void KillAtStep(string host, string dll, string config, string run, long step)
    {
        using Process child = Start(host, dll, config, run, step);
        string? line;
        while ((line = child.StandardOutput.ReadLine()) is not null && !line.StartsWith("hanging at step", StringComparison.Ordinal))
        {
        }

        Assert.That(line, Is.EqualTo($"hanging at step {step}"), child.HasExited ? child.StandardError.ReadToEnd() : "the child stopped talking");
        child.Kill(); // SIGKILL on Linux
        child.WaitForExit();
    }

    private static void KillAfterRandomDelay(string host, string dll, string config, string run, Random rng)
    {
        using Process child = Start(host, dll, config, run, null);
        string checkpoint = Path.Combine(run, "checkpoint.bin");
        var waited = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(1);
        }

        Thread.Sleep(rng.Next(0, 40));
        if (!child.HasExited)
        {
            child.Kill();
        }

        child.WaitForExit();
    }

    private static Process Start(string host, string dll, string config, string run, long? hangAt)
    {
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { dll, "train", "--config", config, "--out", run })
        {
            info.ArgumentList.Add(a);
        }

        if (hangAt is { } step)
        {
            // The runtime loads this test assembly's StartupHook into the child, which sets the step seam; dfa itself reads no test variable.
            info.Environment["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
            info.Environment[StartupHook.HangAtStepVariable] = step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Process.Start(info)!;
    }

    private static (string Host, string Dll) Dfa()
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "dfa.dll");
        string? host = Environment.ProcessPath;
        Assume.That(File.Exists(dll) && host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet", "needs dfa.dll run by the dotnet host");
        return (host!, dll);
    }

    private static void AssertSameRun(string expected, string actual, string what)
    {
        Assert.That(File.ReadAllBytes(Path.Combine(actual, "weights.bin")), Is.EqualTo(File.ReadAllBytes(Path.Combine(expected, "weights.bin"))), $"{what}: weights.bin");
        Assert.That(Metrics(actual), Is.EqualTo(Metrics(expected)), $"{what}: metrics.csv");
        Assert.That(File.ReadAllText(Path.Combine(actual, "alignment.csv")), Is.EqualTo(File.ReadAllText(Path.Combine(expected, "alignment.csv"))), $"{what}: alignment.csv");
        Assert.That(Summary(actual), Is.EqualTo(Summary(expected)), $"{what}: summary.json");
    }

    /// <summary>metrics.csv without its two timing columns.</summary>
    private static string[] Metrics(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.csv")).Select(l => string.Join(',', l.Split(',')[..^2])).ToArray();

    private static string Summary(string run)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "summary.json")))!.AsObject();
        foreach (string field in TimingFields)
        {
            root.Remove(field);
        }

        return root.ToJsonString();
    }
}
