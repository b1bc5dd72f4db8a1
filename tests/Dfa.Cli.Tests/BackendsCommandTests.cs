namespace Dfa.Cli.Tests;

public sealed class BackendsCommandTests
{
    [Test]
    public void Backends_ListsEveryBackendWithItsPredictedStorage_ForEachOutputSize()
    {
        CliResult result = CliRunner.Run("backends", "--hidden", "800,800", "--outputs", "10,1000");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("e = 10 → [800, 800], batch 128").And.Contain("e = 1000 → [800, 800]"));

        // Launay et al. 2019's MNIST figures: 64 kB naive, 32 kB unified.
        string[] lines = result.Output.Split('\n');
        Assert.That(lines.First(l => l.TrimStart().StartsWith("dense ", StringComparison.Ordinal) && l.Contains("matrix per layer")), Does.Contain("64 kB"));
        Assert.That(lines.First(l => l.TrimStart().StartsWith("unified ", StringComparison.Ordinal) && l.Contains("shared")), Does.Contain("32 kB"));
        Assert.That(lines.Count(l => l.TrimStart().StartsWith("dense ", StringComparison.Ordinal) && l.Contains("6.4 MB")), Is.EqualTo(1), "dense at e = 1000: 1000·1600·4 B");
    }

    [Test]
    public void Backends_ShapeTooLargeToCount_IsBadInput()
    {
        CliResult result = CliRunner.Run("backends", "--outputs", "67108864", "--hidden", "67108864", "--batch", "2147483647");

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("too large to count in 64-bit counters"));
    }

    [TestCase("--hidden", "0,5")]
    [TestCase("--outputs", "ten")]
    [TestCase("--batch", "0")]
    public void Backends_BadArguments_AreBadInput(string option, string value)
    {
        CliResult result = CliRunner.Run("backends", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.StartWith($"dfa: error: {option}"));
    }
}
