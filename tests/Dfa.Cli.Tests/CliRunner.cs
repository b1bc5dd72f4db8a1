using Spectre.Console;

namespace Dfa.Cli.Tests;

/// <summary>Runs <c>dfa</c> in-process with captured, non-interactive output (the console of a redirected <c>dfa</c>).</summary>
internal static class CliRunner
{
    public static CliResult Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // The console dfa uses when its output is redirected, as in a log or a pipe.
        IAnsiConsole console = DfaApp.RedirectedConsole(output);
        int code = DfaApp.RunAsync(args, console, error).GetAwaiter().GetResult();
        return new CliResult(code, output.ToString(), error.ToString());
    }
}

internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>The error output's non-empty lines.</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
