using Dfa.Core.Config;
using Dfa.Plugins.Tests.Noisy;
using Dfa.Testing.Contract;

namespace Dfa.Plugins.Tests;

/// <summary>The plug-in held to the same contract suite as every built-in backend, exact and with noise.</summary>
[TestFixtureSource(nameof(Cases))]
public sealed class PluginContractTests(BackendCase c) : FeedbackBackendContract(c)
{
    public static IEnumerable<BackendCase> Cases()
    {
        var backend = new NoisyBackend();
        FeedbackConfig Options(double sigma) => new FeedbackConfig { Backend = "noisy" }.With(NoisyOptions.Section, new NoisyOptions { Sigma = sigma });
        yield return new BackendCase("noisy-exact", backend, Options(0));
        yield return new BackendCase("noisy-0.1", backend, Options(0.1), Exact: false);
    }
}
