namespace Dfa.Cli;

/// <summary>The process exit codes of <c>dfa</c>.</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A bug: an exception nobody expected.</summary>
    public const int InternalError = 1;

    /// <summary>Bad input: command line, config, profile, dataset, output folder.</summary>
    public const int BadInput = 2;

    /// <summary>The run diverged (a non-finite loss, gradient or weight); the last good checkpoint is kept.</summary>
    public const int Diverged = 3;

    /// <summary>Stopped by Ctrl-C (128 + SIGINT) or SIGTERM; <c>dfa train</c> saves a checkpoint after the current step first.</summary>
    public const int Interrupted = 130;
}
