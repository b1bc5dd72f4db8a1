using Dfa.Backends.Binary;
using Dfa.Backends.Crossbar;
using Dfa.Backends.Encoding;
using Dfa.Backends.Optical;
using Dfa.Backends.Registry;
using Dfa.Backends.Sparse;
using Dfa.Backends.Spiking;
using Dfa.Core.Config;
using Dfa.Core.Yaml;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests;

/// <summary>
/// Each built-in backend's own config section <c>feedback.&lt;name&gt;</c>, loaded through the registry's schema:
/// bound onto the backend's options record, range-checked and refused at file:line:col like every other key.
/// </summary>
public sealed class BackendSectionTests
{
    private const string File = "run.yaml";

    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static FeedbackConfig Parse(string yaml) => ConfigLoader.Parse(yaml, File, null, Registry.Schema).Feedback;

    private static ConfigException Fail(string yaml, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.Parse(yaml, File, overrides, Registry.Schema))!;

    [Test]
    public void Sections_BindOntoEachBackendsOptions()
    {
        Assert.That(Parse("feedback: {backend: sparse, sparse: {connections: 3, rank: 5}}").Options<SparseOptions>(),
            Is.EqualTo(new SparseOptions { Connections = 3, Rank = 5 }));
        Assert.That(Parse("feedback: {backend: binary, binary: {error: ternary, threshold: 0.25}}").Options<BinaryOptions>(),
            Is.EqualTo(new BinaryOptions { Error = ErrorEncoding.Ternary, Threshold = 0.25 }));
        Assert.That(Parse("feedback: {backend: optical, optical: {bit_depth: 0, read_noise_e: 0, camera_pixels: 4096, anchor_mirrors: 7}}").Options<OpticalOptions>(),
            Is.EqualTo(new OpticalOptions { BitDepth = 0, ReadNoiseElectrons = 0, CameraPixels = 4096, AnchorMirrors = 7 }));
        Assert.That(Parse("feedback: {backend: optical}").Options<OpticalOptions>(), Is.Null);
        Assert.That(Parse("feedback: {backend: optical, optical: {ternary_scale: shared}}").Options<OpticalOptions>(),
            Is.EqualTo(new OpticalOptions { TernaryScale = TernaryScale.Shared }));
        Assert.That(Parse("feedback: {backend: crossbar, crossbar: {preset: rram, adc_bits: 4, drift_compensation: true}}").Options<CrossbarSettings>(),
            Is.EqualTo(new CrossbarSettings { Preset = CrossbarDevice.Rram, AdcBits = 4, DriftCompensation = true }));
        Assert.That(Parse("feedback: {backend: spiking, spiking: {encoding: graded, events: 5, payload_bits: 0}}").Options<SpikingOptions>(),
            Is.EqualTo(new SpikingOptions { Encoding = SpikeEncoding.Graded, Events = 5, PayloadBits = 0 }));
    }

    [Test]
    public void CrossbarPreset_SetsTheDefaults_TheGivenKeysOverride()
    {
        CrossbarOptions rram = CrossbarOptions.Resolve(Parse("feedback: {backend: crossbar, crossbar: {preset: rram, adc_bits: 4}}"));
        Assert.That(rram, Is.EqualTo(CrossbarOptions.Rram with { AdcBits = 4 }));
        Assert.That(CrossbarOptions.Resolve(Parse("feedback: {backend: crossbar}")), Is.EqualTo(CrossbarOptions.Pcm));
    }

    [Test]
    public void CrossbarChecksAcrossKeys_AreRefusedAtTheKey()
    {
        ConfigException e = Fail("feedback:\n  backend: crossbar\n  crossbar:\n    preset: rram\n    drift_scale: 1\n");
        Assert.That((e.Line, e.Column), Is.EqualTo((5, 18)));
        Assert.That(e.Problem, Does.StartWith("feedback.crossbar.drift_scale applies to the pcm preset's drift fit; the rram preset has none"));
    }

    [Test]
    public void Backend_DefaultsToTheRegistrysFirst()
    {
        Assert.That(Parse("lr: 0.1").Backend, Is.EqualTo(Registry.Default.Name));
        Assert.That(Registry.Default.Name, Is.EqualTo("dense"));
    }

    [Test]
    public void SectionForAnotherBackend_IsAConflict_ReportedAtTheSection()
    {
        ConfigException e = Fail("feedback:\n  backend: dense\n  optical: {bit_depth: 8}\n");
        Assert.That((e.Line, e.Column, e.Problem), Is.EqualTo((3, 3,
            "feedback.optical configures the optical backend, but feedback.backend is 'dense'; remove the section or set feedback.backend: optical")));
    }

    [Test]
    public void SparseConnections_AboveTheRank_IsAConflict_AtTheConnections()
    {
        ConfigException e = Fail("feedback: {backend: sparse, sparse: {connections: 4, rank: 3}}");
        Assert.That((e.Line, e.Column), Is.EqualTo((1, 51)));
        Assert.That(e.Problem, Does.StartWith("feedback.sparse.connections (4) cannot exceed feedback.sparse.rank (3)"));
    }

    [TestCase("feedback: {backend: optical, optical: {bit_depth: 17}}", "feedback.optical.bit_depth must be at most 16, got 17")]
    [TestCase("feedback: {backend: optical, optical: {exposure: 0}}", "feedback.optical.exposure must be in (0, 1], got 0")]
    [TestCase("feedback: {backend: optical, optical: {threshold: 1}}", "feedback.optical.threshold must be in [0, 1), got 1")]
    [TestCase("feedback: {backend: binary, binary: {threshold: -0.1}}", "feedback.binary.threshold must be in [0, 1), got -0.1")]
    [TestCase("feedback: {backend: sparse, sparse: {connections: 0}}", "feedback.sparse.connections must be at least 1, got 0")]
    [TestCase("feedback: {backend: binary, binary: {error: int8}}", "feedback.binary.error: unknown value 'int8', expected one of float, ternary")]
    [TestCase("feedback: {backend: crossbar, crossbar: {preset: rom}}", "feedback.crossbar.preset: unknown value 'rom', expected one of pcm, rram, ideal")]
    [TestCase("feedback: {backend: crossbar, crossbar: {adc_bits: 17}}", "feedback.crossbar.adc_bits must be at most 16, got 17")]
    [TestCase("feedback: {backend: crossbar, crossbar: {tile_cols: 7}}", "feedback.crossbar.tile_cols must be even and in 2..65536 (two cells per weight), got 7")]
    [TestCase("feedback: {backend: spiking, spiking: {encoding: burst}}", "feedback.spiking.encoding: unknown value 'burst', expected one of rate, graded")]
    [TestCase("feedback: {backend: spiking, spiking: {time_steps: 0}}", "feedback.spiking.time_steps must be at least 1, got 0")]
    [TestCase("feedback: {backend: spiking, spiking: {payload_bits: 1}}", "feedback.spiking.payload_bits must be 0 (exact) or in 2..24, got 1")]
    [TestCase("feedback: {backend: optical, optical: {ternary_scale: mean}}", "feedback.optical.ternary_scale: unknown value 'mean', expected one of per_sign, shared")]
    [TestCase("feedback: {backend: binary, bit_depth: 2}", "unknown key 'bit_depth' in 'feedback'; 'bit_depth' belongs at 'feedback.optical.bit_depth'")]
    public void SectionValues_AreCheckedLikeEveryOtherKey(string yaml, string problem)
    {
        Assert.That(Fail(yaml).Problem, Is.EqualTo(problem));
    }

    [Test]
    public void EveryKeyOfEverySection_IsDocumented()
    {
        foreach (var backend in Registry.All)
        {
            foreach (var key in backend.Section?.Document($"feedback.{backend.Name}") ?? [])
            {
                Assert.That(key.Doc, Is.Not.Empty, key.Path);
                Assert.That(ConfigLoader.SupportedKeys(Registry.Schema), Does.Contain(key.Path));
            }
        }
    }
}
