using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Yaml;
using Dfa.Sim.Profiles;
using Dfa.Testing;

namespace Dfa.Sim.Tests.Profiles;

public sealed class ProfileLoaderTests
{
    // Line numbers in the tests below refer to this text.
    private const string Valid = """
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

        """;

    private static string Error(string text) =>
        Assert.Throws<ConfigException>(() => ProfileLoader.Parse(text, "test.yaml"))!.Message;

    private static string Replace(string from, string to)
    {
        Assert.That(Valid, Does.Contain(from));
        return Valid.Replace(from, to, StringComparison.Ordinal);
    }

    [Test]
    public void Parse_ValidProfile_RoundTripsEveryValueWithUnitAndSource()
    {
        HardwareProfile p = ProfileLoader.Parse(Valid, "test.yaml");

        Assert.That(p.Name, Is.EqualTo("test"));
        Assert.That(p.Kind, Is.EqualTo(ProfileKind.Digital));
        Assert.That(p.Description, Is.EqualTo("a test profile"));
        Assert.That(p.ClockHz, Is.EqualTo(new SourcedValue(1e9, "s")));
        Assert.That(p.Cores.Value, Is.EqualTo(2));
        Assert.That(p.Compute!.Fp32FlopsPerS.Value, Is.EqualTo(1e12));
        Assert.That(p.Compute.GemmEfficiency.Value, Is.EqualTo(0.7));
        Assert.That(p.Compute.Fp16FlopsPerS, Is.Null);
        Assert.That(p.Memory, Has.Count.EqualTo(1));
        Assert.That(p.Memory[0], Is.EqualTo(new MemoryLevel("dram", true, new(1e9, "s"), new(1e10, "s"), new(8e-11, "s"), null)));
        Assert.That(p.Energy.Fp32MacJ!.Value, Is.EqualTo(4.6e-12));
        Assert.That(p.Energy.StaticW.Value, Is.EqualTo(1));
        Assert.That(p.Optical, Is.Null);
        Assert.That(p.Capabilities, Is.Empty);
        Assert.That(p.SourceName, Is.EqualTo("test.yaml"));
        Assert.That(p.Fields.Select(f => $"{f.Path} {f.Value} {f.Unit}"), Is.EqualTo(new[]
        {
            "clock_hz 1000000000 Hz", "cores 2 count", "compute.fp32_flops_per_s 1000000000000 FLOP/s",
            "compute.gemm_efficiency 0.7 fraction", "compute.gemv_efficiency 0.1 fraction",
            "memory[dram].capacity_bytes 1000000000 B", "memory[dram].bandwidth_bytes_per_s 10000000000 B/s",
            "memory[dram].energy_j_per_byte 8E-11 J/B", "energy.fp32_mac_j 4.6E-12 J", "energy.fp32_add_j 9E-13 J",
            "energy.static_w 1 W",
        }));
    }

    [Test]
    public void Parse_FieldsListedInTheFile_RebuildAnEqualProfile()
    {
        HardwareProfile p = ProfileLoader.Parse(Valid, "test.yaml");
        HardwareProfile again = ProfileLoader.Parse(Valid.Replace("1e9", "1000000000", StringComparison.Ordinal), "test.yaml");

        Assert.That(again.Fields, Is.EqualTo(p.Fields));
        Assert.That(again.ClockHz, Is.EqualTo(p.ClockHz));
    }

    [Test]
    public void UnknownKey_InAMemoryLevel_SuggestsTheClosest() =>
        Assert.That(Error(Replace("    bandwidth_bytes_per_s:", "    bandwith_bytes_per_s:")), Is.EqualTo(
            "test.yaml:15:5: unknown key 'bandwith_bytes_per_s' in 'memory[dram]'; did you mean 'bandwidth_bytes_per_s'?"));

    [Test]
    public void UnknownKey_AtTopLevel_SuggestsTheKeyWithTheRightUnit() =>
        Assert.That(Error(Replace("clock_hz:", "clock_mhz:")), Is.EqualTo("test.yaml:5:1: unknown key 'clock_mhz'; did you mean 'clock_hz'?"));

    [Test]
    public void UnknownKey_InsideAValue_NamesValueAndSource() =>
        Assert.That(Error(Replace("cores: {value: 2, source: s}", "cores: {value: 2, sorce: s}")), Is.EqualTo(
            "test.yaml:6:19: unknown key 'sorce' in 'cores'; did you mean 'source'?; a number is {value: ..., source: \"...\"}"));

    [Test]
    public void MissingRequiredField_NamesItsUnitAndKind() =>
        Assert.That(Error(Replace("  gemm_efficiency: {value: 0.7, source: s}\n", "")), Is.EqualTo(
            "test.yaml:8:3: missing 'compute.gemm_efficiency' (fraction), required for kind digital"));

    [Test]
    public void MissingMemoryField_IsReportedAtTheLevel() =>
        Assert.That(Error(Replace("    bandwidth_bytes_per_s: {value: 1e10, source: s}\n", "")), Is.EqualTo(
            "test.yaml:12:5: missing 'memory[dram].bandwidth_bytes_per_s' (B/s), required for kind digital"));

    [Test]
    public void NumberWithAUnit_SaysTheKeysUnit() =>
        Assert.That(Error(Replace("{value: 1e10, source: s}", "{value: 2 TB/s, source: s}")), Is.EqualTo(
            "test.yaml:15:36: 'memory[dram].bandwidth_bytes_per_s' must be a plain number in B/s (the unit is in the key's name), got '2 TB/s'"));

    [Test]
    public void QuotedNumber_IsRefused() =>
        Assert.That(Error(Replace("{value: 1e9, source: s}", "{value: \"1e9\", source: s}")), Is.EqualTo(
            "test.yaml:5:19: 'clock_hz' must be a number in Hz, got the quoted string \"1e9\""));

    [Test]
    public void NegativeCapacity_IsRefused() =>
        Assert.That(Error(Replace("capacity_bytes: {value: 1e9,", "capacity_bytes: {value: -1,")), Is.EqualTo(
            "test.yaml:14:29: 'memory[dram].capacity_bytes' must be greater than 0 B, got -1"));

    [TestCase("0", "0")]
    [TestCase("-2e12", "-2e12")]
    public void ZeroOrNegativeBandwidth_IsRefused(string value, string shown) =>
        Assert.That(Error(Replace("{value: 1e10, source: s}", $"{{value: {value}, source: s}}")), Is.EqualTo(
            $"test.yaml:15:36: 'memory[dram].bandwidth_bytes_per_s' must be greater than 0 B/s, got {shown}"));

    [Test]
    public void NegativeEnergy_IsRefused() =>
        Assert.That(Error(Replace("{value: 1, source: s}", "{value: -0.5, source: s}")), Is.EqualTo(
            "test.yaml:20:21: 'energy.static_w' must not be negative, got -0.5 W"));

    [TestCase(".inf")]
    [TestCase("-.Inf")]
    [TestCase(".nan")]
    [TestCase("Infinity")]
    [TestCase("1e999")]
    public void NonFiniteValue_IsRefused(string value) =>
        Assert.That(Error(Replace("{value: 1e9, source: s}", $"{{value: {value}, source: s}}")), Is.EqualTo(
            $"test.yaml:5:19: 'clock_hz' must be a finite number in Hz, got '{value}'"));

    [TestCase("1.5")]
    [TestCase("0")]
    [TestCase("-0.1")]
    public void FractionOutsideZeroOne_IsRefused(string value) =>
        Assert.That(Error(Replace("{value: 0.7, source: s}", $"{{value: {value}, source: s}}")), Is.EqualTo(
            $"test.yaml:9:28: 'compute.gemm_efficiency' is a fraction and must lie in (0, 1], got {value}"));

    [Test]
    public void FractionalCount_IsRefused() =>
        Assert.That(Error(Replace("{value: 2, source: s}", "{value: 2.5, source: s}")), Is.EqualTo(
            "test.yaml:6:16: 'cores' must be a whole number of count (at most 1e18), got 2.5"));

    [Test]
    public void KindSpecificSection_UnderAnotherKind_IsRefused() =>
        Assert.That(Error(Valid + "optical:\n  dmd_pixels: {value: 1, source: s}\n"), Is.EqualTo(
            "test.yaml:21:1: section 'optical' is only for kind optical; this profile's kind is digital"));

    [Test]
    public void KindWithoutItsSection_IsRefused() =>
        Assert.That(Error(Replace("kind: digital", "kind: optical")), Is.EqualTo(
            "test.yaml:1:1: missing section 'optical', required for kind optical"));

    [Test]
    public void UnknownKind_SuggestsTheClosest() =>
        Assert.That(Error(Replace("kind: digital", "kind: digitl")), Is.EqualTo(
            "test.yaml:3:7: unknown kind 'digitl'; did you mean 'digital'? (kinds: digital, optical, neuromorphic, cim)"));

    [Test]
    public void MissingSource_IsRefused() =>
        Assert.That(Error(Replace("clock_hz: {value: 1e9, source: s}", "clock_hz: {value: 1e9}")), Is.EqualTo(
            "test.yaml:5:11: 'clock_hz' has no 'source'; every number needs one (a citation, or 'measured', 'derived: ...', 'assumption: ...')"));

    [Test]
    public void BareNumber_AsksForASource() =>
        Assert.That(Error(Replace("clock_hz: {value: 1e9, source: s}", "clock_hz: 1e9")), Is.EqualTo(
            "test.yaml:5:11: 'clock_hz' needs a source: write {value: 1e9, source: \"a citation, or measured / derived: ... / assumption: ...\"}"));

    [Test]
    public void EmptySource_IsRefused() =>
        Assert.That(Error(Replace("clock_hz: {value: 1e9, source: s}", "clock_hz: {value: 1e9, source: \"  \"}")), Is.EqualTo(
            "test.yaml:5:32: 'clock_hz' source must be a non-empty text, got the quoted string \"  \""));

    [Test]
    public void DuplicateKey_NamesTheFirst() =>
        Assert.That(Error(Valid + "cores: {value: 4, source: s}\n"), Is.EqualTo(
            "test.yaml:21:1: duplicate key 'cores' (first given at line 6, column 1)"));

    [Test]
    public void DuplicateMemoryLevelName_IsRefused() =>
        Assert.That(Error(Replace("energy:\n", """
              - name: dram
                off_chip: true
                capacity_bytes: {value: 1e9, source: s}
                bandwidth_bytes_per_s: {value: 1e10, source: s}
                energy_j_per_byte: {value: 8e-11, source: s}
            energy:

            """)), Is.EqualTo("test.yaml:17:11: memory level name 'dram' is used twice (also memory[0])"));

    [Test]
    public void BadMemoryLevelName_IsRefused() =>
        Assert.That(Error(Replace("  - name: dram", "  - name: Main DRAM")), Is.EqualTo(
            "test.yaml:12:11: memory level name 'Main DRAM' must be 1 to 32 lower-case letters, digits, '_' and '-'"));

    [Test]
    public void WrongVersion_IsRefused() =>
        Assert.That(Error(Replace("version: 1", "version: 2")), Is.EqualTo("test.yaml:1:10: unsupported profile version 2; this Dfa reads version 1"));

    [Test]
    public void MissingVersion_IsRefused() =>
        Assert.That(Error(Replace("version: 1\n", "")), Is.EqualTo(
            "test.yaml:1:1: missing 'version: 1'; every profile starts with its schema version"));

    [Test]
    public void MalformedYaml_IsRefusedWithAPosition() =>
        Assert.That(Error(Replace("{value: 1e10, source: s}", "{value: 1e10, source: s")), Does.StartWith("test.yaml:16:").And.Contain("malformed YAML"));

    [Test]
    public void Aliases_AreRefused() =>
        Assert.That(Error(Replace("cores: {value: 2, source: s}", "cores: *c")), Is.EqualTo(
            "test.yaml:6:8: YAML aliases ('*c') are not supported; write the value out"));

    [Test]
    public void DeepNesting_IsRefused() =>
        Assert.That(Error(Valid + "compute2: " + new string('[', 20) + new string(']', 20) + "\n"), Does.StartWith("test.yaml:21:").And.Contain("nesting is deeper than 8 levels"));

    [Test]
    public void EmptyText_IsRefused() =>
        Assert.That(Error("# nothing\n"), Is.EqualTo("test.yaml:1:1: the profile is empty; expected a mapping that starts with 'version: 1'"));

    [Test]
    public void OversizedText_IsRefused() =>
        Assert.That(Error(Valid + new string('#', ProfileLoader.MaxProfileBytes)), Does.StartWith("test.yaml:1:1: the profile is ").And.Contain("1 MiB"));

    [Test]
    public void UnknownCapability_SuggestsTheClosest() =>
        Assert.That(Error(Valid + "capabilities: [feedback_prgn]\n"), Is.EqualTo(
            "test.yaml:21:16: unknown capability 'feedback_prgn'; did you mean 'feedback_prng'? (known: feedback_prng, feedback_in_medium, adder_only_feedback, graded_spikes)"));

    [Test]
    public void Load_NameMustMatchTheFileName()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("other.yaml");
        File.WriteAllText(path, Valid);

        var ex = Assert.Throws<ConfigException>(() => ProfileLoader.Load(path))!;
        Assert.That(ex.Message, Is.EqualTo($"{path}:2:7: name 'test' does not match the file name 'other.yaml'; profiles are looked up by file name"));
    }

    [Test]
    public void Load_OversizedFile_IsRefusedWithoutReadingItAll()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("test.yaml");
        File.WriteAllText(path, Valid + new string('#', ProfileLoader.MaxProfileBytes));

        var ex = Assert.Throws<ConfigException>(() => ProfileLoader.Load(path))!;
        Assert.That(ex.Message, Is.EqualTo($"{path}:1:1: the profile is larger than 1048576 bytes (1 MiB)"));
    }

    [Test]
    public void Load_MissingFile_IsBadInput()
    {
        var ex = Assert.Throws<DfaInputException>(() => ProfileLoader.Load("/nonexistent/x.yaml"))!;
        Assert.That(ex.Message, Is.EqualTo("/nonexistent/x.yaml: profile file not found"));
    }

    // The validation list appended to Valid starts at line 21.
    private const string Figures = """
        validation:
          - name: mlp-rate
            quantity: samples_per_s
            value: 1000
            workload: mnist-mlp
            outputs: 10
            batch: 128
            calibrates: compute.gemm_efficiency
            source: a published table

        """;

    [Test]
    public void Parse_Validation_ReadsEachEntryWithItsRole()
    {
        HardwareProfile p = ProfileLoader.Parse(Valid + Figures, "test.yaml");

        ValidationEntry e = p.Validation.Single();
        Assert.That(e.Name, Is.EqualTo("mlp-rate"));
        Assert.That(e.Quantity, Is.EqualTo(ValidationQuantity.SamplesPerS));
        Assert.That(e.Value, Is.EqualTo(1000));
        Assert.That(e.Batch, Is.EqualTo(128));
        Assert.That(e.Precision, Is.EqualTo("fp32"));
        Assert.That(e.IsCalibration, Is.True);
        Assert.That(ProfileLoader.Parse(Valid, "test.yaml").Validation, Is.Empty);
    }

    [TestCase("quantity: samples_per_s", "quantity: samples_per_sec", "test.yaml:23:15", "samples_per_s")]
    [TestCase("workload: mnist-mlp", "workload: resnet49", "test.yaml:25:15", "Unknown workload")]
    [TestCase("batch: 128", "batch: 128\n    precision: tf32", "test.yaml:28:16", "compute.tf32_flops_per_s")]
    [TestCase("calibrates: compute.gemm_efficiency", "calibrates: compute.warp_speed", "test.yaml:28:17", "not a field of this profile")]
    [TestCase("batch: 128", "batch: 128\n    bound: 0.25", "test.yaml:28:12", "takes no bound")]
    [TestCase("source: a published table", "sorce: a published table", "test.yaml:29:5", "unknown key 'sorce'")]
    public void Parse_BadValidationEntry_NamesFileLineAndColumn(string from, string to, string where, string says)
    {
        Assert.That(Figures, Does.Contain(from));
        string message = Error(Valid + Figures.Replace(from, to, StringComparison.Ordinal));

        Assert.That(message, Does.StartWith(where));
        Assert.That(message, Does.Contain(says));
    }

    [Test]
    public void Parse_TwoCalibrationEntries_AreRefused()
    {
        string second = Figures.Replace("validation:\n", "", StringComparison.Ordinal).Replace("mlp-rate", "mlp-rate-2", StringComparison.Ordinal);
        string message = Error(Valid + Figures + second);

        Assert.That(message, Does.Contain("at most one published figure"));
    }

}
