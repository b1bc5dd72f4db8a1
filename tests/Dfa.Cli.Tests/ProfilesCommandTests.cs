using Dfa.Testing;

namespace Dfa.Cli.Tests;

public sealed class ProfilesCommandTests
{
    private static readonly string Shipped = RepoPaths.Combine("hardware-profiles");

    [Test]
    public void Profiles_ListsEveryShippedProfileWithKindAndDescription()
    {
        CliResult result = CliRunner.Run("profiles", "--dir", Shipped);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain($"folder: {Shipped}"));
        string[] lines = result.Output.Split('\n');
        foreach ((string name, string kind) in new[]
        {
            ("cpu-avx512-2core", "digital"), ("dfa-asic-dflnpu", "digital"), ("gpu-a100-80gb-sxm4", "digital"),
            ("gpu-h100-sxm5", "digital"), ("lighton-opu-aurora", "optical"), ("neuromorphic-loihi", "neuromorphic"),
            ("rram-cim-crossbar", "cim"),
        })
        {
            Assert.That(lines.Count(l => l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal) && l.Contains($" {kind} ")), Is.EqualTo(1), name);
        }

        Assert.That(result.Output, Does.Contain("NVIDIA A100 80 GB SXM4"));
    }

    [Test]
    public void Profiles_WithoutDir_FindsTheRepositoryFolder()
    {
        // The test runs from bin/…, below the repository: walking up from there (or from the executable) finds it.
        CliResult result = CliRunner.Run("profiles");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("gpu-h100-sxm5"));
    }

    [Test]
    public void ProfilesShow_PrintsEveryFieldWithValueUnitAndSource()
    {
        CliResult result = CliRunner.Run("profiles", "show", "gpu-a100-80gb-sxm4", "--dir", Shipped);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] lines = result.Output.Split('\n');
        string hbm = lines.Single(l => l.TrimStart().StartsWith("memory[hbm].bandwidth_bytes_per_s ", StringComparison.Ordinal));
        Assert.That(hbm, Does.Contain("2.039e+12").And.Contain(" B/s ").And.Contain("[S] 2,039 GB/s HBM2e"));
        Assert.That(lines.Single(l => l.TrimStart().StartsWith("cores ", StringComparison.Ordinal)), Does.Contain(" 108 ").And.Contain("count"));
        Assert.That(result.Output, Does.Contain("compute.gemm_efficiency").And.Contain("fraction").And.Contain("memory levels: l2 (on-chip), hbm (off-chip)"));
    }

    [Test]
    public void ProfilesShow_UnknownName_IsBadInputWithASuggestion()
    {
        CliResult result = CliRunner.Run("profiles", "show", "gpu-a100", "--dir", Shipped);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.StartWith("dfa: error: no profile 'gpu-a100' in "));
    }

    [Test]
    public void Profiles_BadProfile_IsOneLineWithFileLineAndColumn()
    {
        using var temp = new TempFolder();
        string text = File.ReadAllText(Path.Combine(Shipped, "gpu-h100-sxm5.yaml"))
            .Replace("bandwidth_bytes_per_s: {value: 3.35e12,", "bandwidth_bytes_per_s: {value: 0,", StringComparison.Ordinal);
        string path = temp.Combine("gpu-h100-sxm5.yaml");
        File.WriteAllText(path, text);
        int line = Array.FindIndex(text.Split('\n'), l => l.Contains("{value: 0,", StringComparison.Ordinal)) + 1;

        CliResult list = CliRunner.Run("profiles", "--dir", temp.Path);
        CliResult show = CliRunner.Run("profiles", "show", "gpu-h100-sxm5", "--dir", temp.Path);

        foreach (CliResult result in new[] { list, show })
        {
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.ErrorLines, Is.EqualTo(new[]
            {
                $"dfa: error: {path}:{line}:36: 'memory[hbm].bandwidth_bytes_per_s' must be greater than 0 B/s, got 0",
            }));
        }
    }

    [Test]
    public void Profiles_MissingDir_IsBadInput()
    {
        CliResult result = CliRunner.Run("profiles", "--dir", "/nonexistent/profiles");

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { "dfa: error: /nonexistent/profiles: profiles folder not found" }));
    }

    [Test]
    public void Profiles_WithOneBrokenProfile_ListsTheGoodOnesAndNamesTheBadOne()
    {
        using var temp = new TempFolder();
        foreach (string file in Directory.GetFiles(Shipped, "*.yaml"))
        {
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        }

        File.WriteAllText(temp.Combine("zz-broken.yaml"), "garbage: [\n");

        CliResult result = CliRunner.Run("profiles", "--dir", temp.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2), "a broken profile is still bad input");
        Assert.That(result.Output, Does.Contain("gpu-h100-sxm5").And.Contain("lighton-opu-aurora"));
        Assert.That(result.ErrorLines.Single(), Does.Contain("zz-broken.yaml:2:1"));
    }
}
