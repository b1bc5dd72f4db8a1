using Dfa.Testing;
using Spectre.Console;

namespace Dfa.Cli.Tests;

/// <summary>The interactive path: a live progress display on its own thread while an epoch runs.</summary>
[NonParallelizable]
public sealed class TrainingConsoleTests
{
    private const string Config = """
        batch_size: 32
        epochs: 2
        model: {hidden: [16], activation: tanh}
        data:
          dataset: synthetic
          synthetic: {inputs: 20, classes: 5, train: 100, test: 20, teacher_hidden: 16, seed: 3}
        threads: 1
        """;

    [Test]
    public void Train_Interactive_ShowsRowsAndLeavesNoProgressThread()
    {
        using var temp = new TempFolder();
        (int code, string output, _) = RunInteractive(temp);

        Assert.That(code, Is.EqualTo(0));
        Assert.That(output, Does.Contain("train loss"));
        Assert.That(ProgressThreads(), Is.Zero);
    }

    [Test]
    public void Train_FailingWriteMidRun_StillClosesTheProgressDisplay()
    {
        using var temp = new TempFolder();
        string run = temp.Combine("run");

        // A previous run's folder (so the new run may write into it) whose atomic writer's temporary file name is taken by
        // a folder, so the first metrics.csv write fails while the epoch's progress display is live.
        Directory.CreateDirectory(Path.Combine(run, $".metrics.csv.{Environment.ProcessId}.tmp"));
        File.WriteAllText(Path.Combine(run, "metrics.csv"), "epoch\n");
        (int code, _, string error) = RunInteractive(temp);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("internal error"));
        Assert.That(ProgressThreads(), Is.Zero);
    }

    private static (int Code, string Output, string Error) RunInteractive(TempFolder temp)
    {
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, Config);
        var output = new StringWriter();
        var error = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        int code = DfaApp.RunAsync(["train", "-c", config, "-o", temp.Combine("run")], console, error).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }

    // The display thread is joined before the command returns, so none may be left. A joined thread's OS task can
    // linger in /proc for a moment while the runtime tears it down, so a non-zero count is looked at again for up to
    // 5 s: a leaked display thread never goes away, a finished one does.
    private static int ProgressThreads()
    {
        int count = 0;
        for (int attempt = 0; attempt < 50; attempt++)
        {
            count = Directory.GetDirectories("/proc/self/task").Count(IsProgressThread);
            if (count == 0)
            {
                return 0;
            }

            Thread.Sleep(100);
        }

        return count;
    }

    private static bool IsProgressThread(string task)
    {
        try
        {
            return File.ReadAllText(Path.Combine(task, "comm")).Trim() == "dfa-progress";
        }
        catch (IOException)
        {
            return false; // the task ended between listing and reading
        }
    }
}
