using System.Text.Json;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Costing;

/// <summary>A file's format follows its extension when <c>--format</c> is absent; a mismatch is refused; a new folder is announced.</summary>
public sealed class OutputFormatTests
{
    private static readonly string[] Cost = ["cost", "--workloads", "mnist-mlp", "--outputs", "10", "--profiles", "cpu-avx512-2core"];

    [Test]
    public void Cost_OutJson_WithoutFormat_WritesJson()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("cost.json");

        CliResult result = CliRunner.Run([.. Cost, "--out", file]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file));
        Assert.That(doc.RootElement.ValueKind, Is.EqualTo(JsonValueKind.Array));
    }

    [TestCase("cost.csv", "workload,outputs,backend")]
    [TestCase("cost.md", "| workload | outputs | backend |")]
    [TestCase("cost.markdown", "| workload | outputs | backend |")]
    public void Cost_Out_WithoutFormat_FollowsTheExtension(string name, string start)
    {
        using var temp = new TempFolder();
        string file = temp.Combine(name);

        CliResult result = CliRunner.Run([.. Cost, "--out", file]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.ReadAllText(file), Does.StartWith(start));
    }

    [TestCase("csv", "cost.json")]
    [TestCase("json", "cost.md")]
    [TestCase("table", "cost.csv")]
    public void Cost_FormatContradictingTheExtension_IsRefused_AndWritesNothing(string format, string name)
    {
        using var temp = new TempFolder();
        string file = temp.Combine(name);

        CliResult result = CliRunner.Run([.. Cost, "--format", format, "--out", file]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(name).And.Contain(format));
        Assert.That(File.Exists(file), Is.False);
    }

    [Test]
    public void Cost_Out_WithAnUnknownExtensionAndNoFormat_IsRefused()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("cost.txt");

        CliResult result = CliRunner.Run([.. Cost, "--out", file]);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines.Single(), Does.Contain("cost.txt").And.Contain("--format"));
        Assert.That(File.Exists(file), Is.False);
    }

    [Test]
    public void Cost_Out_IntoAMissingFolder_CreatesItAndSaysSo()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("new", "dir", "cost.csv");

        CliResult result = CliRunner.Run([.. Cost, "--out", file]);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"created folder {temp.Combine("new", "dir")}"));
        Assert.That(File.Exists(file), Is.True);
    }

    [Test]
    public void Report_OutThatIsNotMarkdown_IsRefused()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("report.json");

        CliResult result = CliRunner.Run("report", temp.Path, "--out", file);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines.Single(), Does.Contain("report.json").And.Contain("Markdown"));
    }

    /// <summary>A backend no profile of its kind prices is one note naming every profile it was skipped on, not one line per profile.</summary>
    [Test]
    public void Cost_OnAllProfiles_NotesEachSkippedBackendOnce()
    {
        CliResult result = CliRunner.Run("cost", "--workloads", "mnist-mlp", "--outputs", "10", "--profiles", "all", "--format", "csv", "--dir", RepoPaths.Combine("hardware-profiles"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] notes = [.. result.Output.Split('\n').Where(l => l.Contains("profiles only; skipped on", StringComparison.Ordinal))];
        Assert.That(notes.Select(n => n.Split(' ')[0]), Is.Unique.And.Contains("optical"));
        Assert.That(notes.Single(n => n.StartsWith("optical ", StringComparison.Ordinal)), Does.Contain("cpu-avx512-2core, ").And.Contain("gpu-a100-80gb-sxm4"));
    }
}
