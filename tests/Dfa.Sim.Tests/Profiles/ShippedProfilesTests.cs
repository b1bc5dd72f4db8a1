using Dfa.Sim.Profiles;
using Dfa.Testing;

namespace Dfa.Sim.Tests.Profiles;

public sealed class ShippedProfilesTests
{
    private static readonly string Folder = RepoPaths.Combine("hardware-profiles");

    private static readonly string[] Expected =
    [
        "cpu-avx512-2core", "dfa-asic-dflnpu", "gpu-a100-80gb-sxm4", "gpu-h100-sxm5", "gpu-v100-sxm2-16gb", "lighton-opu-aurora",
        "neuromorphic-loihi", "pcm-cim-hermes", "rram-cim-crossbar",
    ];

    private static IEnumerable<string> Names() => Expected;

    [Test]
    public void Catalog_ListsTheNineShippedProfiles()
    {
        Assert.That(ProfileCatalog.Open(Folder).Names, Is.EqualTo(Expected));
    }

    [TestCaseSource(nameof(Names))]
    public void Load_ShippedProfile_IsValidAndEveryNumberHasASource(string name)
    {
        HardwareProfile p = ProfileLoader.Load(Path.Combine(Folder, name + ".yaml"));

        Assert.That(p.Name, Is.EqualTo(name));
        Assert.That(p.Version, Is.EqualTo(1));
        Assert.That(p.Memory, Is.Not.Empty);
        Assert.That(p.Fields, Is.Not.Empty);
        Assert.That(p.Fields.Select(f => f.Source), Has.All.Not.Empty);
        Assert.That(p.Optical is not null, Is.EqualTo(p.Kind == ProfileKind.Optical));
        Assert.That(p.Neuromorphic is not null, Is.EqualTo(p.Kind == ProfileKind.Neuromorphic));
        Assert.That(p.Cim is not null, Is.EqualTo(p.Kind == ProfileKind.Cim));
        Assert.That(p.Memory.Any(m => m.OffChip) || p.Kind == ProfileKind.Neuromorphic, "an off-chip level, except on Loihi whose synapses are on chip");
    }

    [TestCaseSource(nameof(Names))]
    public void Sources_StartWithAnEvidenceTag(string name)
    {
        HardwareProfile p = ProfileLoader.Load(Path.Combine(Folder, name + ".yaml"));

        string[] tags = ["[V]", "[S]", "[U]", "[D]", "measured", "derived:", "assumption:", "calibrated:"];
        var untagged = p.Fields.Where(f => !tags.Any(t => f.Source.StartsWith(t, StringComparison.Ordinal))).Select(f => f.Path);
        Assert.That(untagged, Is.Empty, "every source starts with an evidence tag ([V], [S], [U], [D]) or measured / derived: / assumption: / calibrated:");
    }

    [Test]
    public void Kinds_CoverEveryKind()
    {
        var kinds = ProfileCatalog.Open(Folder).LoadAll().Select(p => p.Kind).Distinct();
        Assert.That(kinds, Is.EquivalentTo(Enum.GetValues<ProfileKind>()));
    }

    [Test]
    public void A100_CarriesTheAnchorFigures()
    {
        HardwareProfile p = ProfileCatalog.Open(Folder).Load("gpu-a100-80gb-sxm4");

        Assert.That(p.Compute!.Fp32FlopsPerS.Value, Is.EqualTo(19.5e12));
        Assert.That(p.Memory.Single(m => m.Name == "hbm").BandwidthBytesPerS.Value, Is.EqualTo(2.039e12));
        Assert.That(p.Memory.Single(m => m.Name == "hbm").EnergyJPerByte.Value, Is.EqualTo(3.9e-12 * 8).Within(1e-24));
        Assert.That(p.Energy.TdpW!.Value, Is.EqualTo(400));
    }

    [Test]
    public void Opu_CarriesTheLightOnDeviceFigures_AndNeverStoresTheMatrix()
    {
        HardwareProfile p = ProfileCatalog.Open(Folder).Load("lighton-opu-aurora");

        Assert.That(p.Optical!.DmdPixels.Value, Is.EqualTo(912 * 1140));
        Assert.That(p.Optical.CameraPixels.Value, Is.EqualTo(1920 * 1080));
        Assert.That(p.Optical.FrameTimeS.Value, Is.EqualTo(500e-6));
        Assert.That(p.Optical.PowerW.Value, Is.EqualTo(30));
        Assert.That(p.Has(ProfileCapability.FeedbackInMedium));
    }

    [Test]
    public void DfLnpu_GeneratesFeedbackOnChip()
    {
        HardwareProfile p = ProfileCatalog.Open(Folder).Load("dfa-asic-dflnpu");

        Assert.That(p.Capabilities, Is.EquivalentTo(new[] { ProfileCapability.FeedbackPrng, ProfileCapability.AdderOnlyFeedback }));
        Assert.That(p.ClockHz.Value, Is.EqualTo(200e6));
    }

    [Test]
    public void CpuProfile_IsCalibrated_EveryMeasuredNumberSaysWhenAndHow()
    {
        HardwareProfile p = ProfileCatalog.Open(Folder).Load("cpu-avx512-2core");

        // Written by dfa calibrate (src/Dfa.Cli/Calibration): the date, what was timed, the CPU, threads and repetitions.
        var calibrated = p.Fields.Where(f => f.Source.StartsWith("measured by dfa calibrate ", StringComparison.Ordinal)).Select(f => f.Path);
        Assert.That(calibrated, Is.SupersetOf(new[]
        {
            "clock_hz", "cores", "compute.fp32_flops_per_s", "compute.gemm_efficiency", "compute.gemv_efficiency",
            "memory[l2].bandwidth_bytes_per_s", "memory[l3].bandwidth_bytes_per_s", "memory[dram].bandwidth_bytes_per_s",
        }));
        Assert.That(
            p.Fields.Where(f => f.Source.StartsWith("measured by dfa calibrate ", StringComparison.Ordinal) && !f.Source.Contains("(read from the OS)", StringComparison.Ordinal)).Select(f => f.Source),
            Has.All.Contain(" threads, median of "));
    }
}
