using Dfa.Backends.Binary;
using Dfa.Backends.Crossbar;
using Dfa.Backends.Encoding;
using Dfa.Backends.Optical;
using Dfa.Backends.Registry;
using Dfa.Backends.Sparse;
using Dfa.Backends.Spiking;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Testing.Contract;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests.Contract;

/// <summary>
/// Every configuration the contract suite covers. Adding a backend means adding its cases here; a test fails while a
/// registered backend has none.
/// </summary>
public static class BackendCases
{
    private static readonly FeedbackBackendRegistry Registry =
        new ServiceCollection().AddFeedbackBackends().BuildServiceProvider().GetRequiredService<FeedbackBackendRegistry>();

    public static IReadOnlyList<string> RegisteredNames => Registry.Names;

    private static BackendCase Case(string name, FeedbackConfig options, bool exact = true, double tolerance = 1, int minErrorSize = 1) =>
        new(name, Registry.Get(options.Backend), options, exact, tolerance, minErrorSize);

    public static IEnumerable<BackendCase> All()
    {
        yield return Case("dense-gaussian", new FeedbackConfig { Backend = "dense" });
        yield return Case("dense-uniform", new FeedbackConfig { Backend = "dense", Init = FeedbackInit.Uniform });
        yield return Case("dense-xavier", new FeedbackConfig { Backend = "dense", Init = FeedbackInit.XavierUniform, Scale = 2 });
        yield return Case("unified", new FeedbackConfig { Backend = "unified" });
        yield return Case("sparse-k1", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 1 }));
        yield return Case("sparse-k3-uniform", new FeedbackConfig { Backend = "sparse", Init = FeedbackInit.Uniform }.With(SparseOptions.Section, new SparseOptions { Connections = 3 }), minErrorSize: 3);
        yield return Case("sparse-k2-rank3", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 2, Rank = 3 }), minErrorSize: 3);
        yield return Case("sparse-k1-rank1", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 1, Rank = 1 }));
        yield return Case("binary-float", new FeedbackConfig { Backend = "binary" });
        yield return Case("binary-float-scaled", new FeedbackConfig { Backend = "binary", Scale = 0.25 }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Float }));
        yield return Case("binary-ternary", new FeedbackConfig { Backend = "binary" }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Ternary, Threshold = 0.2 }));
        yield return Case("binary-ternary-all", new FeedbackConfig { Backend = "binary" }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Ternary, Threshold = 0 }));
        yield return Case("optical-ideal", new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, OpticalOptions.Ideal), tolerance: 64);
        yield return Case("optical-ideal-tiled", new FeedbackConfig
        {
            Backend = "optical",
        }.With(OpticalOptions.Section, OpticalOptions.Ideal with { Mirrors = 40, AnchorMirrors = 8, CameraPixels = 100 }), tolerance: 64);
        yield return Case("optical-default-noise", new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, new OpticalOptions()), exact: false);
        yield return Case("optical-shared-scale", Optical(OpticalOptions.Ideal with { TernaryScale = TernaryScale.Shared }), tolerance: 64);
        yield return Case("crossbar-ideal", Crossbar(new() { Preset = CrossbarDevice.Ideal }));
        yield return Case("crossbar-ideal-uniform", Crossbar(new() { Preset = CrossbarDevice.Ideal }) with { Init = FeedbackInit.Uniform, Scale = 0.5 });
        yield return Case("crossbar-linear-dac-levels-faults", Crossbar(new()
        {
            Preset = CrossbarDevice.Ideal,
            DacBits = 6,
            Levels = 16,
            ProgrammingSigma = 0.05,
            StuckAtMin = 0.03,
            StuckAtMax = 0.02,
            OnOffRatio = 10,
            TileRows = 8,
            TileCols = 16,
        }), tolerance: 4);
        yield return Case("crossbar-pcm", Crossbar(new()), exact: false);
        yield return Case("crossbar-pcm-aged-tiled", Crossbar(new()
        {
            TimeSinceProgrammingS = 1e6,
            SecondsPerStep = 10,
            TileRows = 8,
            TileCols = 16,
            StuckAtMin = 0.01,
            AdcBits = 8,
        }), exact: false);
        yield return Case("crossbar-rram", Crossbar(new() { Preset = CrossbarDevice.Rram, ReadNoiseRelative = 0.02 }), exact: false);
        yield return Case("spiking-ideal", Spiking(new() { Encoding = SpikeEncoding.Graded, PayloadBits = 0, WeightBits = 0 }), tolerance: 2);
        yield return Case("spiking-rate", Spiking(new()), tolerance: 4);
        yield return Case(
            "spiking-rate-t3-4bit-small-cores",
            Spiking(new() { TimeSteps = 3, WeightBits = 4, NeuronsPerCore = 7, Cores = 4096, FanOut = 4096 }) with { Init = FeedbackInit.Uniform },
            tolerance: 4);
        yield return Case("spiking-graded-top5", Spiking(new() { Encoding = SpikeEncoding.Graded, Events = 5 }), tolerance: 4);
        yield return Case("spiking-graded-8bit", Spiking(new() { Encoding = SpikeEncoding.Graded }), tolerance: 4);
    }

    private static FeedbackConfig Optical(OpticalOptions options) => new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, options);

    private static FeedbackConfig Crossbar(CrossbarSettings settings) => new FeedbackConfig { Backend = "crossbar" }.With(CrossbarSettings.Section, settings);

    private static FeedbackConfig Spiking(SpikingOptions options) => new FeedbackConfig { Backend = "spiking" }.With(SpikingOptions.Section, options);
}
