using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Unified;

/// <summary>One shared feedback matrix whose leading columns serve every layer (Launay et al. 2019).</summary>
public sealed class UnifiedBackend : IFeedbackBackend
{
    public string Name => "unified";

    public string Description => "one e × l_max matrix shared by all layers, one projection per step (Launay 2019)";

    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads) =>
        new UnifiedProjector(shape, seed, threads);
}
