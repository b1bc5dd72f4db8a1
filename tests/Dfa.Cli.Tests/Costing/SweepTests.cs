using Dfa.Core;
using Dfa.Runs.Costing;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Costing;

public sealed class SweepTests
{
    [Test]
    public void Axis_ParsesLogAndLinearRanges()
    {
        SweepAxis log = SweepAxis.Parse("optical.frame_time_s=1e-6:1e-2:log:5");
        Assert.That(log.Values(), Is.EqualTo(new[] { 1e-6, 1e-5, 1e-4, 1e-3, 1e-2 }).Within(1e-12).Percent);
        SweepAxis lin = SweepAxis.Parse("memory[hbm].bandwidth_bytes_per_s=1e11:5e11:lin:5");
        Assert.That(lin.Path, Is.EqualTo("memory[hbm].bandwidth_bytes_per_s"));
        Assert.That(lin.Values(), Is.EqualTo(new[] { 1e11, 2e11, 3e11, 4e11, 5e11 }).Within(1e-9).Percent);
        Assert.That(SweepAxis.Parse("clock_hz=1:2").Points, Is.EqualTo(41));
    }

    [TestCase("frame_time_s")]
    [TestCase("x=1")]
    [TestCase("x=a:2")]
    [TestCase("x=0:1:log")]
    [TestCase("x=1:2:log:0")]
    [TestCase("x=1:2:log:5:6")]
    public void Axis_RejectsMalformedText(string text)
    {
        Assert.That(() => SweepAxis.Parse(text), Throws.InstanceOf<DfaInputException>().With.Message.StartsWith("--vary"));
    }

    [TestCase("x=1:2:logg:61")]
    [TestCase("x=1:2:logg")]
    public void Axis_BadScale_SaysTheScaleIsWrong(string text)
    {
        Assert.That(
            () => SweepAxis.Parse(text),
            Throws.InstanceOf<DfaInputException>().With.Message.Contains("the scale must be log or lin").And.Message.Not.Contains("point count"));
    }

    [Test]
    public void Sweep_FindsTheOpticalCrossover_AndWritesCsvAndPng()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("sweep");
        CliResult result = CliRunner.Run(
            "sweep", "--workload", "vgg16", "--outputs", "1000", "--profile", "lighton-opu-aurora",
            "--vary", "optical.frame_time_s=1e-6:1e-3:log:31", "--set", "optical.host_link_bytes_per_s=1e12",
            "--backend", "dense,optical", "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string[] crossovers = File.ReadAllLines(Path.Combine(outDir, "crossovers.csv"));
        Assert.That(crossovers, Has.Length.EqualTo(2));
        string[] cells = crossovers[1].Split(',');
        double at = double.Parse(cells[0], System.Globalization.CultureInfo.InvariantCulture);

        // The OPU's projection, 128 samples × 4 frames × 7 camera tiles, must take less than the A100's dense one.
        Assert.That(at, Is.InRange(5e-5, 1e-4));
        Assert.That(cells[1..], Is.EqualTo(new[] { "optical", "dense", "fp32" }), "from, to and the arithmetic");
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "sweep.csv")), Has.Length.EqualTo(32));
        byte[] png = File.ReadAllBytes(Path.Combine(outDir, "sweep.png"));
        Assert.That(png[..4], Is.EqualTo(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }));
        Assert.That(result.Output, Does.Contain("crossover: optical → dense at optical.frame_time_s ="));
    }

    [Test]
    public void TwoAxes_WriteAMapAndOneCrossoverRowPerSecondValue()
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("map");
        CliResult result = CliRunner.Run(
            "sweep", "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--backend", "unified,optical",
            "--vary", "optical.frame_time_s=1e-6:1e-3:log:7", "--vary", "optical.host_link_bytes_per_s=1e9:1e12:log:4", "--out", outDir);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "sweep.csv")), Has.Length.EqualTo(1 + (7 * 4)));
        Assert.That(File.ReadAllLines(Path.Combine(outDir, "crossovers.csv"))[0], Is.EqualTo("optical.host_link_bytes_per_s,optical.frame_time_s,from,to,arithmetic"));
        Assert.That(File.Exists(Path.Combine(outDir, "sweep.png")));
    }

    [Test]
    public void MemoryFields_CanBeSwept_AndUnreadFieldsAreFlagged()
    {
        using var temp = new TempFolder();
        CliResult hbm = CliRunner.Run(
            "sweep", "--profile", "gpu-a100-80gb-sxm4", "--backend", "dense,unified-fp16", "--out", temp.Combine("hbm"),
            "--vary", "memory[hbm].bandwidth_bytes_per_s=1e10:1e13:log:7");
        Assert.That(hbm.ExitCode, Is.EqualTo(0), hbm.Error);
        Assert.That(hbm.Output, Does.Contain("memory[hbm].bandwidth_bytes_per_s"));

        CliResult split = CliRunner.Run(
            "sweep", "--profile", "lighton-opu-aurora", "--backend", "dense,optical", "--out", temp.Combine("split"),
            "--vary", "optical.signed_split=1:4:lin:4");
        Assert.That(split.ExitCode, Is.EqualTo(0), split.Error);
        Assert.That(split.Output, Does.Contain("varying optical.signed_split changes no price"));
    }

    [TestCase("--vary", "compute.fp64_flops_per_s=1:2", "has no field 'compute.fp64_flops_per_s'")]
    [TestCase("--vary", "compute.gemm_efficiency=0.5:2:lin", "must be a fraction in (0, 1]")]
    [TestCase("--vary", "compute.fp32_flops_per_s=0:1e12:lin", "must be a positive number")]
    [TestCase("--metric", "money", "--metric takes time or energy")]
    [TestCase("--set", "optical.frame_time_s=fast", "--set takes PATH=VALUE")]
    public void BadArguments_AreOneLineErrors_AndWriteNothing(string option, string value, string message)
    {
        using var temp = new TempFolder();
        string outDir = temp.Combine("bad");
        string[] args = ["sweep", "--profile", "lighton-opu-aurora", "--backend", "dense,optical,dense", "--out", outDir, option, value];
        if (option != "--vary")
        {
            args = [.. args, "--vary", "optical.frame_time_s=1e-6:1e-3"];
        }

        CliResult result = CliRunner.Run(args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Output);
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(message));
        Assert.That(Directory.Exists(outDir), Is.False);
    }
}
