using Dfa.Testing.Contract;

namespace Dfa.Backends.Tests.Contract;

/// <summary>The one contract suite (<see cref="FeedbackBackendContract"/>) over every built-in backend's cases.</summary>
[TestFixtureSource(typeof(BackendCases), nameof(BackendCases.All))]
public sealed class FeedbackBackendContractTests(BackendCase c) : FeedbackBackendContract(c);

public sealed class BackendCaseCoverageTests
{
    [Test]
    public void EveryRegisteredBackend_HasContractCases()
    {
        var covered = BackendCases.All().Select(c => c.Backend.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.That(BackendCases.RegisteredNames.Where(n => !covered.Contains(n)), Is.Empty);
    }
}
