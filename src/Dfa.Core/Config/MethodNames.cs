namespace Dfa.Core.Config;

/// <summary>The config's spelling of each <c>backward_method</c>, as summaries, plans and reports print it.</summary>
public static class MethodNames
{
    /// <summary><c>BP</c>, <c>DFA</c>, <c>FA</c>, <c>HYBRID</c>, <c>MODULAR</c>, <c>HDFA</c>, <c>USF</c>, <c>BRSF</c>, <c>FRSF</c>, <c>KOLEN_POLLACK</c> or <c>DRTP</c>.</summary>
    public static string Of(TrainingAlgorithmKind kind) => kind switch
    {
        TrainingAlgorithmKind.KolenPollack => "KOLEN_POLLACK",
        _ => kind.ToString().ToUpperInvariant(),
    };
}
