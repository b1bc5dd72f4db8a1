using Dfa.Backends.Binary;
using Dfa.Backends.Optical;
using Dfa.Backends.Registry;
using Dfa.Backends.Sparse;
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
    }
}
