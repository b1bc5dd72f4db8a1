using Dfa.Backends.Registry;
using Dfa.Backends.Binary;
using Dfa.Backends.Optical;
using Dfa.Backends.Sparse;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
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
        yield return new("sparse-k1", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 1 }));
        yield return new("sparse-k3-uniform", new FeedbackConfig { Backend = "sparse", Init = FeedbackInit.Uniform }.With(SparseOptions.Section, new SparseOptions { Connections = 3 }), MinErrorSize: 3);
        yield return new("sparse-k2-rank3", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 2, Rank = 3 }), MinErrorSize: 3);
        yield return new("sparse-k1-rank1", new FeedbackConfig { Backend = "sparse" }.With(SparseOptions.Section, new SparseOptions { Connections = 1, Rank = 1 }));
        yield return new("binary-float", new FeedbackConfig { Backend = "binary" });
        yield return new("binary-float-scaled", new FeedbackConfig { Backend = "binary", Scale = 0.25 }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Float }));
        yield return new("binary-ternary", new FeedbackConfig { Backend = "binary" }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Ternary, Threshold = 0.2 }));
        yield return new("binary-ternary-all", new FeedbackConfig { Backend = "binary" }.With(BinaryOptions.Section, new BinaryOptions { Error = ErrorEncoding.Ternary, Threshold = 0 }));
        yield return new("optical-ideal", new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, OpticalOptions.Ideal), Tolerance: 64);
        yield return new("optical-ideal-tiled", new FeedbackConfig
        {
            Backend = "optical",
        }.With(OpticalOptions.Section, OpticalOptions.Ideal with { Mirrors = 40, AnchorMirrors = 8, CameraPixels = 100 }), Tolerance: 64);
        yield return new("optical-default-noise", new FeedbackConfig { Backend = "optical" }.With(OpticalOptions.Section, new OpticalOptions()), Exact: false);
    }
}
