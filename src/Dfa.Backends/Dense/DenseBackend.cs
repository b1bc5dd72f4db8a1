using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Dense;

/// <summary>One independent float32 matrix per hidden layer (Nøkland 2016): the reference every other backend is tested against.</summary>
public sealed class DenseBackend : IFeedbackBackend
{
    public string Name => "dense";

    public string Description => "one float32 feedback matrix per hidden layer (Nøkland 2016)";

    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads) =>
        new DenseProjector(shape, options.Init, options.Scale, seed, threads);
}
