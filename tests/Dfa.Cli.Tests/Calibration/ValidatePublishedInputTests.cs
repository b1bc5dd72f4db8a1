using Dfa.Testing;

namespace Dfa.Cli.Tests.Calibration;

/// <summary>
/// <c>dfa validate --profile NAME|all</c> with bad input (issue 19's review): one line on stderr naming the problem
/// (and the entry's <c>file:line:column</c>, once) and exit 2; never an internal error or a silently ignored option.
/// </summary>
public sealed class ValidatePublishedInputTests
{
    private const string Shipped = "gpu-v100-sxm2-16gb";

    // The validation entry's mapping starts at line 22, column 5.
    private const string Profile = """
        version: 1
        name: test
        kind: digital
        description: a test profile
        clock_hz: {value: 1e9, source: s}
        cores: {value: 2, source: s}
        compute:
          fp32_flops_per_s: {value: 1e12, source: s}
          gemm_efficiency: {value: 0.7, source: s}
          gemv_efficiency: {value: 0.1, source: s}
        memory:
          - name: dram
            off_chip: true
            capacity_bytes: {value: 1e9, source: s}
            bandwidth_bytes_per_s: {value: 1e10, source: s}
            energy_j_per_byte: {value: 8e-11, source: s}
        energy:
          fp32_mac_j: {value: 4.6e-12, source: s}
          fp32_add_j: {value: 0.9e-12, source: s}
          static_w: {value: 1, source: s}
        validation:

        """;

    private static CliResult Validate(TempFolder temp, string entry)
    {
        File.WriteAllText(temp.Combine("test.yaml"), Profile + entry);
        return CliRunner.Run("validate", "--profile", "test", "--dir", temp.Path, "--out", temp.Combine("v.json"));
    }

    private static string ProjectionEntry(string size, string backend) => $"""
          - name: proj
            quantity: projection_ops_per_s
            value: 1e12
            error_size: {size}
            layer_size: {size}
            backend: {backend}
            batch: 1
            source: a published table

        """;

    [Test]
    public void HugeProjectionSizes_AreOneLineAtTheEntry_ExitTwo()
    {
        using var temp = new TempFolder();

        CliResult result = Validate(temp, ProjectionEntry("2000000000", "dense"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        Assert.That(result.ErrorLines.Single(), Does.StartWith($"dfa: error: {temp.Combine("test.yaml")}:22:5: ").And.Contain("2^53"));
        Assert.That(result.Error, Does.Not.Contain("internal error").And.Not.Contain("Overflow"));
    }

    [Test]
    public void AProjectionWithBp_NamesItsEntryOnce()
    {
        using var temp = new TempFolder();

        CliResult result = Validate(temp, ProjectionEntry("1000", "bp"));

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Error);
        string line = result.ErrorLines.Single();
        Assert.That(line, Does.Contain($"{temp.Combine("test.yaml")}:22:5: validation entry 'proj': a projection needs a feedback backend, not bp"));
        Assert.That(line.Split("test.yaml").Length - 1, Is.EqualTo(1), line);
    }

    [Test]
    public void ACalibrationThatCannotBeSolved_ExitsTwo_SayingThePredictionDoesNotMove()
    {
        using var temp = new TempFolder();
        const string entry = """
              - name: mlp
                quantity: samples_per_s
                value: 1200
                workload: mnist-mlp
                outputs: 10
                batch: 128
                calibrates: clock_hz
                source: a published table

            """;

        CliResult result = Validate(temp, entry);

        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines.Single(), Does.Contain($"{temp.Combine("test.yaml")}:22:5: validation entry 'mlp' cannot calibrate clock_hz: the model's prediction does not move with clock_hz"));
        Assert.That(result.Output, Does.Contain("calibration failed"), "the table still shows every row");
    }

    [TestCase("--seconds", "5")]
    [TestCase("--threads", "1")]
    public void MeasuringOptions_WithAProfileName_AreRefused(string option, string value)
    {
        using var temp = new TempFolder();

        CliResult result = CliRunner.Run("validate", "--profile", Shipped, option, value, "--out", temp.Combine("v.json"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines.Single(), Does.StartWith($"dfa: error: {option} applies only to measuring this machine"));
        Assert.That(result.Output, Is.Empty);
        Assert.That(temp.Combine("v.json"), Does.Not.Exist);
    }

    [Test]
    public void AProfileNamedTwice_IsRefused()
    {
        using var temp = new TempFolder();

        CliResult result = CliRunner.Run("validate", "--profile", $"{Shipped},{Shipped}", "--out", temp.Combine("v.json"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines.Single(), Does.Contain($"profile '{Shipped}' is named twice"));
        Assert.That(temp.Combine("v.json"), Does.Not.Exist);
    }
}
