using System.Text.Json;
using Dfa.Testing;

namespace Dfa.Cli.Tests;

public sealed class BenchCommandTests
{
    [Test]
    public void Bench_WritesEveryMeasurementToBenchJson()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("bench");

        // Tiny measurement windows: this checks the plumbing and the file, not the speed.
        CliResult result = CliRunner.Run("bench", "--seconds", "0.01", "--threads", "1", "--suite", "gemm,train", "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench.json")));
        JsonElement[] results = [.. doc.RootElement.GetProperty("results").EnumerateArray()];
        string[] names = [.. results.Select(r => r.GetProperty("name").GetString()!)];
        Assert.That(names, Does.Contain("gemm.fwd1.128x784x800").And.Contain("gemm.dw.800x128x800.tA").And.Contain("gemm.square.2048"));
        Assert.That(names, Does.Contain("train.bp.784-800-800-10.b128").And.Contain("train.dfa.784-800-800-10.b128"));
        foreach (JsonElement r in results)
        {
            Assert.That(r.GetProperty("threads").GetInt32(), Is.EqualTo(1));
            Assert.That(r.GetProperty("value").GetDouble(), Is.GreaterThan(0));
            Assert.That(r.GetProperty("unit").GetString(), Is.AnyOf("GFLOP/s", "samples/s"));
            if (r.TryGetProperty("baseline", out JsonElement baseline))
            {
                double ratio = r.GetProperty("ratio").GetDouble();
                Assert.That(ratio, Is.EqualTo(r.GetProperty("value").GetDouble() / baseline.GetDouble()).Within(1e-9));
            }
        }
    }

    [Test]
    public void BenchFeedback_MeasuresEveryBackendAgainstDense_WithItsGoal()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("bench");

        CliResult result = CliRunner.Run("bench", "--seconds", "0.01", "--threads", "1", "--suite", "feedback", "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "bench.json")));
        JsonElement[] results = [.. doc.RootElement.GetProperty("results").EnumerateArray()];
        Assert.That(results.Select(r => r.GetProperty("name").GetString()), Does.Contain("feedback.dense.e1000-4096x4096.b1").And.Contain("feedback.unified.e1000-4096x4096.b128"));
        Assert.That(results.Select(r => r.GetProperty("unit").GetString()), Is.All.EqualTo("vectors/s"));
        foreach (JsonElement r in results.Where(r => r.TryGetProperty("goal", out _)))
        {
            Assert.That(r.GetProperty("goal_met").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
        }

        Assert.That(result.Output, Does.Contain("feedback baseline: the dense backend"));
    }

    [TestCase("--suite", "gpu")]
    [TestCase("--threads", "0")]
    [TestCase("--threads", "two")]
    [TestCase("--seconds", "-1")]
    public void Bench_BadArguments_AreBadInput(string option, string value)
    {
        CliResult result = CliRunner.Run("bench", option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.Error);
    }
}
