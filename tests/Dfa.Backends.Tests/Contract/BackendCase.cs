using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests.Contract;

/// <summary>
/// One configuration of a registered backend that the contract suite runs against. <paramref name="Exact"/> is false
/// for backends with noise: they are held to determinism, counts and storage, and to correlation with the reference
/// instead of equality. <paramref name="Tolerance"/> multiplies the float rounding bound of the reference check.
/// Shapes with fewer than <paramref name="MinErrorSize"/> error components are skipped (e.g. k = 3 connections need
/// three distinct components); the backend must reject them with a user error.
/// </summary>
public sealed record BackendCase(string Name, FeedbackConfig Options, bool Exact = true, double Tolerance = 1, int MinErrorSize = 1)
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    public IFeedbackBackend Backend => Registry.Get(Options.Backend);

    public static IReadOnlyList<string> RegisteredNames => Registry.Names;

    public override string ToString() => Name;
}

/// <summary>
/// Every configuration the contract suite covers. Adding a backend means adding its cases here; a test fails while a
/// registered backend has none.
/// </summary>
public static class BackendCases
{
    public static IEnumerable<BackendCase> All()
    {
        yield return new("dense-gaussian", new FeedbackConfig { Backend = "dense" });
        yield return new("dense-uniform", new FeedbackConfig { Backend = "dense", Init = FeedbackInit.Uniform });
        yield return new("dense-xavier", new FeedbackConfig { Backend = "dense", Init = FeedbackInit.XavierUniform, Scale = 2 });
        yield return new("unified", new FeedbackConfig { Backend = "unified" });
        yield return new("sparse-k1", new FeedbackConfig { Backend = "sparse", Sparse = new() { Connections = 1 } });
        yield return new("sparse-k3-uniform", new FeedbackConfig { Backend = "sparse", Init = FeedbackInit.Uniform, Sparse = new() { Connections = 3 } }, MinErrorSize: 3);
        yield return new("sparse-k2-rank3", new FeedbackConfig { Backend = "sparse", Sparse = new() { Connections = 2, Rank = 3 } }, MinErrorSize: 3);
        yield return new("sparse-k1-rank1", new FeedbackConfig { Backend = "sparse", Sparse = new() { Connections = 1, Rank = 1 } });
        yield return new("binary-float", new FeedbackConfig { Backend = "binary" });
        yield return new("binary-float-scaled", new FeedbackConfig { Backend = "binary", Scale = 0.25, Binary = new() { Error = ErrorEncoding.Float } });
        yield return new("binary-ternary", new FeedbackConfig { Backend = "binary", Binary = new() { Error = ErrorEncoding.Ternary, Threshold = 0.2 } });
        yield return new("binary-ternary-all", new FeedbackConfig { Backend = "binary", Binary = new() { Error = ErrorEncoding.Ternary, Threshold = 0 } });
        yield return new("optical-ideal", new FeedbackConfig { Backend = "optical", Optical = OpticalFeedbackConfig.Ideal }, Tolerance: 64);
        yield return new("optical-ideal-tiled", new FeedbackConfig
        {
            Backend = "optical",
            Optical = OpticalFeedbackConfig.Ideal with { Mirrors = 40, AnchorMirrors = 8, CameraPixels = 100 },
        }, Tolerance: 64);
        yield return new("optical-default-noise", new FeedbackConfig { Backend = "optical", Optical = new() }, Exact: false);
        yield return new("optical-shared-scale", new FeedbackConfig { Backend = "optical", Optical = OpticalFeedbackConfig.Ideal with { TernaryScale = TernaryScale.Shared } }, Tolerance: 64);
        yield return new("crossbar-ideal", new FeedbackConfig { Backend = "crossbar", Crossbar = new() { Preset = "ideal" } });
        yield return new("crossbar-ideal-uniform", new FeedbackConfig { Backend = "crossbar", Init = FeedbackInit.Uniform, Scale = 0.5, Crossbar = new() { Preset = "ideal" } });
        yield return new("crossbar-linear-dac-levels-faults", new FeedbackConfig
        {
            Backend = "crossbar",
            Crossbar = new() { Preset = "ideal", DacBits = 6, Levels = 16, ProgrammingSigma = 0.05, StuckAtMin = 0.03, StuckAtMax = 0.02, OnOffRatio = 10, TileRows = 8, TileCols = 16 },
        }, Tolerance: 4);
        yield return new("crossbar-pcm", new FeedbackConfig { Backend = "crossbar", Crossbar = new() }, Exact: false);
        yield return new("crossbar-pcm-aged-tiled", new FeedbackConfig
        {
            Backend = "crossbar",
            Crossbar = new() { TimeSinceProgrammingS = 1e6, SecondsPerStep = 10, TileRows = 8, TileCols = 16, StuckAtMin = 0.01, AdcBits = 8 },
        }, Exact: false);
        yield return new("spiking-ideal", new FeedbackConfig { Backend = "spiking", Spiking = new() { Encoding = "graded", PayloadBits = 0, WeightBits = 0 } }, Tolerance: 2);
        yield return new("spiking-rate", new FeedbackConfig { Backend = "spiking", Spiking = new() }, Tolerance: 4);
        yield return new("spiking-rate-t3-4bit-small-cores", new FeedbackConfig { Backend = "spiking", Init = FeedbackInit.Uniform, Spiking = new() { TimeSteps = 3, WeightBits = 4, NeuronsPerCore = 7, Cores = 4096, FanOut = 4096 } }, Tolerance: 4);
        yield return new("spiking-graded-top5", new FeedbackConfig { Backend = "spiking", Spiking = new() { Encoding = "graded", Events = 5 } }, Tolerance: 4);
        yield return new("spiking-graded-8bit", new FeedbackConfig { Backend = "spiking", Spiking = new() { Encoding = "graded" } }, Tolerance: 4);
        yield return new("crossbar-rram", new FeedbackConfig { Backend = "crossbar", Crossbar = new() { Preset = "rram", ReadNoiseRelative = 0.02 } }, Exact: false);
    }
}
