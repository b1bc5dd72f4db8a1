using System.Globalization;
using System.Text.Json;
using Dfa.Backends.Registry;
using Dfa.Cli.Commands;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Testing;
using Microsoft.Extensions.DependencyInjection;
using Snapshooter.NUnit;

namespace Dfa.Cli.Tests.Costing;

public sealed class CostReportTests
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    private static ProfileCatalog Catalog => ProfileCatalog.Open(RepoPaths.Combine("hardware-profiles"));

    private static IEnumerable<string> ProfileNames() => Catalog.Names;

    private static Dictionary<string, long> Storage(string workload, int e, bool atInput, params string[] backends) =>
        CostTables.Workloads(Registry, Catalog, [workload], [e], backends, ["gpu-a100-80gb-sxm4"], [128], atInput, out _)
            .ToDictionary(r => r.Backend!, r => r.FeedbackStorageBytes);

    [Test]
    public void LaunayMemoryTable_IsReproduced()
    {
        // Launay, Poli, Krzakala 2019 (arXiv 1906.04554): VGG-16, 1000 classes, float32 feedback.
        Dictionary<string, long> vgg = Storage("vgg16", 1000, false, "dense", "unified", "dense-fp16", "unified-fp16", "binary", "sparse");
        Assert.Multiple(() =>
        {
            Assert.That(vgg["dense"], Is.EqualTo(54_222_848_000), "naive: 54.2 GB");
            Assert.That(Storage("vgg16", 1000, true, "dense")["dense"], Is.EqualTo(54_824_960_000), "naive with a feedback point at the input: 54.8 GB");
            Assert.That(vgg["unified"], Is.EqualTo(12_845_056_000), "unified: 12.85 GB");
            Assert.That(vgg["dense-fp16"], Is.EqualTo(27_111_424_000), "fp16: 27.1 GB");
            Assert.That(vgg["unified-fp16"], Is.EqualTo(6_422_528_000), "fp16 unified: 6.4 GB");
            Assert.That(vgg["binary"], Is.EqualTo(1000L * 13_555_712 / 8), "1 bit: 1.69 GB (every VGG layer width is a multiple of 64: no padding)");
            Assert.That(vgg["sparse"], Is.EqualTo(13_555_712L * 8), "single connection: int32 index + float32 weight per neuron");
        });

        // The MNIST MLP 784-800-800-10: 64 kB naive, 32 kB unified, 2 kB at 1 bit (+ 80 B of row padding: 800 → 832 bits).
        Dictionary<string, long> mnist = Storage("mnist-mlp", 10, false, "dense", "unified", "binary");
        Assert.That(mnist["dense"], Is.EqualTo(64_000));
        Assert.That(mnist["unified"], Is.EqualTo(32_000));
        Assert.That(mnist["binary"], Is.EqualTo(2_000 + 80));

        Snapshot.Match(new { vgg16_e1000 = vgg, mnist_e10 = mnist });
    }

    [Test]
    public void OpticalFrames_AreTilesTimesFramesPerProjectionTimesSignedSplitTimesBatch()
    {
        var prices = new Prices(Catalog.Load("lighton-opu-aurora"));
        var workload = Dfa.Sim.Workloads.WorkloadCatalog.Vgg16(1000);
        FeedbackPlan plan = CostPlans.Plan("optical", workload.FeedbackShape, 128, prices, Registry)!;

        double tiles = Math.Ceiling(1000 / (prices["optical.dmd_pixels"] - 250)) * Math.Ceiling(13_555_712 / prices["optical.camera_pixels"]);
        double frames = tiles * prices["optical.frames_per_projection_anchor"] * prices["optical.signed_split"] * 128;
        Assert.That(tiles, Is.EqualTo(7));
        Assert.That(plan.Prediction.PerProjection[Dfa.Core.Feedback.HardwareAction.OpticalFrames], Is.EqualTo(frames));
        MethodCost row = CostPlans.Price("optical", workload, 128, prices, Registry);
        PhaseCost feedback = row.Phases[1];
        var c = plan.Prediction.PerProjection;
        double linkSeconds = ((c[Dfa.Core.Feedback.HardwareAction.MirrorPixelsWritten] / 8.0) + c[Dfa.Core.Feedback.HardwareAction.CameraPixelsRead]) / prices["optical.host_link_bytes_per_s"];
        Assert.That(feedback.OpticalSeconds, Is.EqualTo(Math.Max(frames * prices["optical.frame_time_s"], linkSeconds)).Within(1e-12));
        Assert.That(linkSeconds, Is.EqualTo(frames * prices["optical.frame_time_s"]).Within(10).Percent, "the profile's link is sized for the full camera stream at 2 kHz; VGG-16's tiles read slightly smaller ROIs");
        Assert.That(row.Energy.Optical, Is.EqualTo(frames * prices["optical.frame_time_s"] * prices["optical.power_w"]).Within(1e-9));
    }

    [TestCaseSource(nameof(ProfileNames))]
    public void FullReport_PerProfile_MatchesItsSnapshot(string profile)
    {
        IReadOnlyList<MethodCost> rows = CostTables.Workloads(
            Registry, Catalog, ["mnist-mlp", "vgg16"], [10, 1000], ["all"], [profile], [128], false, out _);

        Assert.That(rows, Is.Not.Empty);
        foreach (MethodCost r in rows)
        {
            Assert.That(r.TimeSeconds, Is.GreaterThan(0).And.LessThan(double.PositiveInfinity), $"{r.Workload} {r.Backend}");
            Assert.That(r.EnergyJ, Is.GreaterThan(0).And.LessThan(double.PositiveInfinity), $"{r.Workload} {r.Backend}");
            Assert.That(r.CriticalPathSeconds, Is.LessThanOrEqualTo(r.TimeSeconds * (1 + 1e-12)));
        }

        // The report rows as dfa cost --format json writes them (numbers in round-trip form).
        using JsonDocument doc = JsonDocument.Parse(Dfa.Cli.Costing.CostReport.Json(rows));
        var view = doc.RootElement.EnumerateArray().Select(r => r.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Object && p.Value.ValueKind != JsonValueKind.Array)
            .ToDictionary(p => p.Name, p => p.Value.ToString())).ToArray();
        Snapshot.Match(view);
    }

    [Test]
    public void CostCommand_Json_IsAListOfRowsWithTheIssuesFields()
    {
        using var temp = new TempFolder();
        string path = temp.Combine("cost.json");
        CliResult result = CliRunner.Run("cost", "--workload", "vgg16", "--outputs", "10,1000", "--backend", "all", "--profile", "all", "--batch", "128", "--format", "json", "--out", path);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement[] rows = [.. doc.RootElement.EnumerateArray()];
        Assert.That(rows, Has.Length.GreaterThan(50));
        string[] required = ["workload", "outputs", "backend", "profile", "batch", "layout", "precision", "feedback_storage_bytes", "fits", "cycles", "time_s", "energy_j"];
        foreach (JsonElement row in rows)
        {
            Assert.That(required.Where(k => !row.TryGetProperty(k, out _)), Is.Empty);
        }

        Assert.That(rows.Count(r => r.GetProperty("backend").GetString() == "optical"), Is.EqualTo(2), "optical on the optical profile only, e = 10 and 1000");
        Assert.That(result.Output, Does.Contain("optical is priced on optical profiles only"));
    }

    [TestCase("csv", "workload,outputs,backend,profile,batch,arithmetic,layout,precision,feedback_storage_bytes,fits,residence,cycles,time_s")]
    [TestCase("md", "| workload | outputs | backend |")]
    [TestCase("table", "samples/s")]
    public void CostCommand_Formats(string format, string expected)
    {
        CliResult result = CliRunner.Run("cost", "--workload", "mnist-mlp", "--outputs", "10", "--profile", "cpu-avx512-2core", "--format", format);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain(expected));
    }

    [Test]
    public void CostCommand_Out_CreatesItsFolder_AndRejectsFolders()
    {
        using var temp = new TempFolder();
        string file = temp.Combine("new", "dir", "cost.csv");
        CliResult ok = CliRunner.Run("cost", "--profile", "cpu-avx512-2core", "--format", "csv", "--out", file);
        Assert.That(ok.ExitCode, Is.EqualTo(0), ok.Error);
        Assert.That(File.ReadAllLines(file)[0], Does.StartWith("workload,outputs,backend"));

        CliResult folder = CliRunner.Run("cost", "--profile", "cpu-avx512-2core", "--out", temp.Path);
        Assert.That(folder.ExitCode, Is.EqualTo(2));
        Assert.That(folder.ErrorLines.Single(), Does.Contain("must name a file, not a folder"));
    }

    [Test]
    public void CostCommand_NothingToPrice_IsBadInput()
    {
        CliResult result = CliRunner.Run("cost", "--profile", "cpu-avx512-2core", "--backend", "optical");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines.Single(), Does.Contain("nothing to price: optical is priced on optical profiles only"));
    }

    [TestCase]
    [TestCase("--config", "configs/seed.yaml")]
    public void CostCommand_EmptyProfileFolder_SaysItHasNoProfiles(params string[] more)
    {
        using var temp = new TempFolder();
        string[] config = more.Length == 0 ? [] : [more[0], RepoPaths.Combine(more[1])];

        CliResult result = CliRunner.Run(["cost", "--dir", temp.Path, .. config]);

        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines.Single(), Does.Contain($"no hardware profiles (NAME.yaml) in {temp.Path}"));
    }

    [TestCase("--workload", "resnet", "Unknown workload 'resnet'")]
    [TestCase("--backend", "gpu", "unknown backend 'gpu'")]
    [TestCase("--profile", "tpu", "no profile 'tpu'")]
    [TestCase("--outputs", "0", "--outputs takes positive integers")]
    [TestCase("--format", "xml", "--format takes table, csv, json or md")]
    public void CostCommand_BadArguments_AreOneLineErrors(string option, string value, string message)
    {
        CliResult result = CliRunner.Run("cost", option, value);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1));
        Assert.That(result.ErrorLines[0], Does.Contain(message));
    }

    [Test]
    public void WholeMatrix_AllWorkloadsOutputsBackendsProfiles_Computes()
    {
        IReadOnlyList<MethodCost> rows = CostTables.Workloads(
            Registry, Catalog, ["mnist-mlp", "vgg16", "alexnet", "mlp:784-4096-4096"], [10, 1000], ["all"], ["all"], [128], false, out _);
        // A digital backend's names run on every profile; any other backend only on profiles of its device's kind.
        IReadOnlyList<string> names = CostPlans.AllNames(Registry);
        Prices[] prices = [.. Catalog.Names.Select(p => new Prices(Catalog.Load(p)))];
        int pairs = prices.Sum(p => names.Count(n => CostPlans.Runs(n, p, Registry)));
        int expected = names.Sum(n => n == CostPlans.Bp
            ? prices.Length
            : prices.Count(p => p.Runs(Registry.Get(n.EndsWith("-fp16", StringComparison.Ordinal) ? n[..^5] : n).Device)));
        Assert.That(pairs, Is.EqualTo(expected));
        Assert.That(rows, Has.Count.EqualTo(4 * 2 * pairs));
        Assert.That(rows.Select(r => r.Cycles.ToString(CultureInfo.InvariantCulture)), Has.None.EqualTo("NaN"));
    }
}
