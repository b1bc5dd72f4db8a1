using System.Diagnostics;
using Dfa.Testing;

namespace Dfa.Cli.Tests;

/// <summary>The shipped configs and hardware profiles travel with the built tool, so every command finds them from any folder.</summary>
public sealed class ShippedFilesTests
{
    private static string ToolFolder => Path.GetDirectoryName(typeof(DfaApp).Assembly.Location)!;

    private static IEnumerable<string> Shipped() =>
        new[] { "configs", "hardware-profiles" }.SelectMany(d => Directory.EnumerateFiles(RepoPaths.Combine(d), "*.yaml", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f)).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(Shipped))]
    public void EveryShippedConfigAndProfile_IsCopiedBesideTheTool(string relative)
    {
        string copy = Path.Combine(ToolFolder, relative);

        Assert.That(copy, Does.Exist);
        Assert.That(File.ReadAllBytes(copy), Is.EqualTo(File.ReadAllBytes(RepoPaths.Combine(relative))));
    }

    /// <summary>From a folder with no <c>configs/</c> and no <c>hardware-profiles/</c> above it, and no <c>$DFA_PROFILES</c>.</summary>
    [TestCase("compare", "--no-bp", "--backends", "none")]
    [TestCase("cost", "--config", "configs/seed.yaml", "--profile", "cpu-avx512-2core", "--format", "csv")]
    [TestCase("profiles")]
    [TestCase("experiment", "--list")]
    public void Commands_FromAnotherFolder_FindTheShippedConfigsAndProfiles(params string[] args)
    {
        // A copy of the built tool outside the repository, as a published or installed one is.
        using var temp = new TempFolder();
        string tool = temp.Combine("tool");
        CopyFolder(ToolFolder, tool);
        string work = temp.Combine("work");
        Directory.CreateDirectory(work);

        (int code, string output, string error) = RunProcess(Path.Combine(tool, "dfa.dll"), work, args);

        // compare's default config loads; then there is nothing to compare, which is the only error allowed here.
        string[] errors = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (args[0] == "compare")
        {
            Assert.That(errors, Is.EqualTo(new[] { "dfa: error: nothing to compare: --no-bp and no backends" }), output);
        }
        else
        {
            Assert.That(code, Is.EqualTo(0), error);
        }
    }

    private static (int Code, string Output, string Error) RunProcess(string dll, string workingDirectory, string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("DFA_PROFILES");
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("dfa did not finish in 120 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Copies the tool, leaving out other platforms' native libraries (most of the folder's size).</summary>
    private static void CopyFolder(string from, string to)
    {
        string rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string[] parts = Path.GetRelativePath(from, file).Split(Path.DirectorySeparatorChar);
            if (parts is ["runtimes", string platform, ..] && platform != rid && platform != "unix")
            {
                continue;
            }

            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
