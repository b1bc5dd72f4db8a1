using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Microsoft.Extensions.DependencyInjection;

namespace Dfa.Backends.Tests.Contract;

/// <summary>
/// One configuration of a registered backend that the contract suite runs against. <paramref name="Exact"/> is false
/// for backends with noise: they are held to determinism, counts and storage, and to correlation with the reference
/// instead of equality. <paramref name="Tolerance"/> multiplies the float rounding bound of the reference check.
/// </summary>
public sealed record BackendCase(string Name, FeedbackConfig Options, bool Exact = true, double Tolerance = 1)
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
    }
}
