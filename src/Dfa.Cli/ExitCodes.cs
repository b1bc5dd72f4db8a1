namespace Dfa.Cli;

/// <summary>The process exit codes of <c>dfa</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bug: an exception nobody expected.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: command line, config, profile, dataset, output folder.</summary>
    public const int BadInput = 2;

    /// <summary>The run diverged (a non-finite loss or weight).</summary>
    public const int Diverged = 3;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
