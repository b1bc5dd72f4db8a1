using System.Text.Json;
using Dfa.Cli.Commands;
using Dfa.Runs.Calibration;
using Dfa.Sim.Profiles;
using Dfa.Testing;

namespace Dfa.Cli.Tests.Calibration;

/// <summary>dfa calibrate with tiny measurements into a temporary file. No timing is asserted, only what is written.</summary>
public sealed class CalibrateCommandTests
{
    private static readonly string Shipped = RepoPaths.Combine("hardware-profiles");
    private static readonly string Template = Path.Combine(Shipped, CalibrateCommand.CpuProfile + ".yaml");

    private static readonly string[] Measured =
    [
        "compute.fp32_flops_per_s", "compute.gemm_efficiency", "compute.gemv_efficiency", "compute.gemm_half_rows",
        "memory[l2].bandwidth_bytes_per_s", "memory[l3].bandwidth_bytes_per_s", "memory[dram].bandwidth_bytes_per_s",
    ];

    private static readonly string[] Read = ["cores", "clock_hz", "memory[dram].capacity_bytes"];

    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("dfa-calibrate-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    private CliResult Calibrate(string outFile, params string[] extra) => CliRunner.Run(
        ["calibrate", "--dir", Shipped, "--out", outFile, "--seconds", "0.001", "--square", "64", "--dram-array-mb", "2", "--threads", "1", .. extra]);

    [Test]
    public void Calibrate_WritesAProfileThatLoads_WithMeasuredSources_AndTheTemplatesOtherFields()
    {
        string outFile = Path.Combine(_folder, "my-cpu.yaml");
        CliResult result = Calibrate(outFile);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        HardwareProfile written = ProfileLoader.Load(outFile);
        HardwareProfile template = ProfileLoader.Load(Template);
        Assert.Multiple(() =>
        {
            Assert.That(written.Name, Is.EqualTo("my-cpu"), "a profile is named by its file");
            Assert.That(written.Kind, Is.EqualTo(template.Kind));
            Assert.That(written.Description, Does.Contain("measured by dfa calibrate ").And.Contain("with 1 thread;").And.Contain("unmeasured fields from cpu-avx512-2core.yaml"), "the template's description is another machine's");
            Assert.That(written.Fields.Select(f => f.Path), Is.EqualTo(template.Fields.Select(f => f.Path)), "same fields, same order");
            foreach (string path in Measured)
            {
                ProfileField f = written.Fields.Single(x => x.Path == path);
                Assert.That(f.Source, Does.StartWith("measured by dfa calibrate "), path);
                Assert.That(f.Source, Does.Contain("1 thread, median of "), path);
                Assert.That(f.Value, Is.GreaterThan(0), path);
            }

            foreach (string path in Read)
            {
                Assert.That(written.Fields.Single(x => x.Path == path).Source, Does.StartWith("measured by dfa calibrate ").And.Contain("(read from the OS)"), path);
            }

            foreach (ProfileField t in template.Fields.Where(f => !Measured.Contains(f.Path) && !Read.Contains(f.Path)))
            {
                Assert.That(written.Fields.Single(x => x.Path == t.Path), Is.EqualTo(t), t.Path);
            }

            Assert.That(written.Fields.Single(f => f.Path == "compute.gemm_efficiency").Value, Is.InRange(1e-6, 1.0));
            Assert.That(written.Fields.Single(f => f.Path == "compute.gemv_efficiency").Value, Is.InRange(1e-6, 1.0));
            Assert.That(result.Output, Does.Contain("compute.fp32_flops_per_s").And.Contain("memory[dram].bandwidth_bytes_per_s"));
            Assert.That(result.Output, Does.Contain("loads and validates"));
            Assert.That(Directory.GetFiles(_folder), Has.Length.EqualTo(1), "no temporary file left behind");
        });
    }

    [Test]
    public void Calibrate_Twice_KeepsOneHeaderLine_AndTheSameFields()
    {
        string first = Path.Combine(_folder, "a.yaml");
        string second = Path.Combine(_folder, "b.yaml");
        Assert.That(Calibrate(first).ExitCode, Is.EqualTo(0));
        CliResult again = Calibrate(second, "--template", first);

        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        string[] lines = File.ReadAllLines(second);
        Assert.That(lines.Count(l => l.StartsWith(ProfileRewriter.HeaderPrefix, StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(ProfileLoader.Load(second).Fields.Select(f => f.Path), Is.EqualTo(ProfileLoader.Load(first).Fields.Select(f => f.Path)));
    }

    [Test]
    public void Calibrate_ByDefault_WritesANewLocalProfileForThisHost_AndLeavesTheShippedOneAlone()
    {
        string profiles = Path.Combine(_folder, "profiles");
        Directory.CreateDirectory(profiles);
        string template = Path.Combine(profiles, CalibrateCommand.CpuProfile + ".yaml");
        File.Copy(Template, template);
        byte[] before = File.ReadAllBytes(template);

        CliResult result = CliRunner.Run("calibrate", "--dir", profiles, "--seconds", "0.001", "--square", "64", "--dram-array-mb", "2", "--threads", "1");

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        string written = CalibrationTarget.DefaultPath(profiles);
        Assert.That(Path.GetRelativePath(profiles, written), Does.StartWith("local" + Path.DirectorySeparatorChar + "cpu-"));
        Assert.That(ProfileLoader.Load(written).Name, Is.EqualTo(CalibrationTarget.HostProfileName(Environment.MachineName)));
        Assert.That(File.ReadAllBytes(template), Is.EqualTo(before), "the shipped profile is not rewritten");
    }

    [Test]
    public void Calibrate_IntoAShippedProfile_OrAnExistingFileWithoutOverwrite_IsRefused()
    {
        string shipped = Path.Combine(_folder, "shipped");
        Directory.CreateDirectory(shipped);
        string cpu = Path.Combine(shipped, CalibrateCommand.CpuProfile + ".yaml");
        File.Copy(Template, cpu);
        string mine = Path.Combine(_folder, "mine.yaml");
        File.WriteAllText(mine, "my notes");

        CliResult intoShipped = CliRunner.Run("calibrate", "--dir", shipped, "--out", cpu, "--seconds", "0.001");
        CliResult intoMine = Calibrate(mine);

        Assert.That(intoShipped.ExitCode, Is.EqualTo(2), intoShipped.Error);
        Assert.That(intoShipped.ErrorLines.Single(), Does.Contain("never rewrites a shipped profile"));
        Assert.That(File.ReadAllBytes(cpu), Is.EqualTo(File.ReadAllBytes(Template)));
        Assert.That(intoMine.ExitCode, Is.EqualTo(2), intoMine.Error);
        Assert.That(intoMine.ErrorLines.Single(), Does.Contain("exists; give --overwrite"));
        Assert.That(File.ReadAllText(mine), Is.EqualTo("my notes"));
    }

    [TestCase("the-Box_01.lab", "cpu-the-box-01-lab")]
    [TestCase("UPPER", "cpu-upper")]
    public void HostProfileName_IsAValidProfileName(string host, string expected)
    {
        Assert.That(CalibrationTarget.HostProfileName(host), Is.EqualTo(expected));
    }

    [TestCase("--threads", "0", "--threads")]
    [TestCase("--seconds", "0", "--seconds")]
    [TestCase("--square", "8", "--square")]
    [TestCase("--dram-array-mb", "0", "--dram-array-mb")]
    public void Calibrate_RejectsBadOptions(string option, string value, string named)
    {
        string outFile = Path.Combine(_folder, "x.yaml");
        CliResult result = CliRunner.Run("calibrate", "--dir", Shipped, "--out", outFile, option, value);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Error, Does.Contain(named));
        Assert.That(File.Exists(outFile), Is.False);
    }

    [Test]
    public void ValidateProfileName_PrintsEveryPublishedFigure_AndWritesThemAsJson()
    {
        string dir = Directory.CreateTempSubdirectory("dfa-validate-cli-").FullName;
        try
        {
            string json = Path.Combine(dir, "v.json");
            CliResult result = CliRunner.Run("validate", "--profile", "gpu-v100-sxm2-16gb", "--out", json);

            Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
            Assert.That(result.Output, Does.Contain("resnet50-amp").And.Contain("calibration").And.Contain("held out").And.Contain("[DLE-RN50]"));
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
            Assert.That(doc.RootElement.GetProperty("entries").GetArrayLength(), Is.EqualTo(6));

            CliResult folder = CliRunner.Run("validate", "--profile", "gpu-v100-sxm2-16gb", "--out", dir);
            Assert.That(folder.ExitCode, Is.EqualTo(2));
            Assert.That(folder.ErrorLines, Has.Length.EqualTo(1));
            Assert.That(folder.Output, Is.Empty, "refused before anything is priced or printed");

            CliResult none = CliRunner.Run("validate", "--profile", "gpu-h100-sxm5", "--out", json);
            Assert.That(none.ExitCode, Is.EqualTo(2));
            Assert.That(none.ErrorLines.Single(), Does.Contain("no published figures"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void Validate_Quick_PrintsEachHeldOutWorkload_TheSummary_AndWritesJsonAndPlot()
    {
        using var temp = new TempFolder();
        string json = temp.Combine("v", "validate.json");

        CliResult result = CliRunner.Run("validate", "--profile", Template, "--quick", "--seconds", "0.001", "--threads", "1", "--out", json);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("8 held-out workloads").And.Contain("mlp-784-1024-1024-10/b128").And.Contain("median |error|").And.Contain("the model leaves out: "));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement[] rows = [.. doc.RootElement.GetProperty("workloads").EnumerateArray()];
        Assert.That(rows, Has.Length.EqualTo(8));
        Assert.That(rows.Select(r => r.GetProperty("method").GetString()).Distinct(), Is.EquivalentTo(new[] { "bp", "dfa" }));
        foreach (JsonElement r in rows)
        {
            double p = r.GetProperty("predicted_s").GetDouble(), m = r.GetProperty("measured_s").GetDouble();
            Assert.That(p, Is.Positive);
            Assert.That(m, Is.Positive);
            Assert.That(r.GetProperty("error").GetDouble(), Is.EqualTo((p - m) / m).Within(1e-12));
        }

        Assert.That(doc.RootElement.GetProperty("threads").GetInt32(), Is.EqualTo(1));
        Assert.That(File.ReadAllBytes(temp.Combine("v", "validate.png")).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
    }

    [Test]
    public void Validate_OutUnderAFile_IsExit2_BeforeMeasuring()
    {
        using var temp = new TempFolder();
        File.WriteAllText(temp.Combine("f"), "x");

        CliResult result = CliRunner.Run("validate", "--profile", Template, "--quick", "--out", temp.Combine("f", "v.json"));

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("cannot create its folder"));
        Assert.That(result.Output, Does.Not.Contain("validating"), "nothing measured");
    }

    [Test]
    public void Validate_OutAFolder_IsExit2_BeforeMeasuring()
    {
        using var temp = new TempFolder();

        CliResult result = CliRunner.Run("validate", "--profile", Template, "--quick", "--out", temp.Path);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain("must name the JSON file"));
    }

    [Test]
    public void Rewrite_ReplacesOnlyTheNamedFieldLines()
    {
        string template = File.ReadAllText(Template);
        var m = new Measurement("memory[l3].bandwidth_bytes_per_s", 1.5e11, "triad", "measured by a \"test\"");
        string text = ProfileRewriter.Rewrite(template, [m], "cpu-avx512-2core", "test");

        HardwareProfile p = ProfileLoader.Parse(text, "t.yaml");
        HardwareProfile t = ProfileLoader.Load(Template);
        Assert.That(p.Fields.Single(f => f.Path == m.Path).Value, Is.EqualTo(1.5e11));
        Assert.That(p.Fields.Single(f => f.Path == m.Path).Source, Is.EqualTo("measured by a \"test\""));
        Assert.That(p.Fields.Where(f => f.Path != m.Path), Is.EqualTo(t.Fields.Where(f => f.Path != m.Path)));
    }

    [Test]
    public void Rewrite_AFieldTheTemplateLacks_IsAnInputError()
    {
        var m = new Measurement("memory[hbm].bandwidth_bytes_per_s", 1, "x", "y");
        Assert.That(
            () => ProfileRewriter.Rewrite(File.ReadAllText(Template), [m], "x", "test"),
            Throws.TypeOf<Dfa.Core.DfaInputException>().With.Message.Contains("memory[hbm].bandwidth_bytes_per_s"));
    }
}
