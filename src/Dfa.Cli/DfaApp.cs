using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Commands;
using Dfa.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Dfa.Cli;

/// <summary>
/// The <c>dfa</c> command: the composition root (DI container, commands) and the one place where exceptions become
/// exit codes and one-line messages. Tests run it in-process with their own console and error writer.
/// </summary>
internal static class DfaApp
{
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error)
    {
        using ServiceProvider services = new ServiceCollection()
            .AddFeedbackBackends()
            .BuildServiceProvider();
        var registry = services.GetRequiredService<FeedbackBackendRegistry>();

        var root = new RootCommand("dfa: train networks with BP and Direct Feedback Alignment on simulated feedback hardware.")
        {
            TrainCommand.Create(registry, console),
            CompareCommand.Create(registry, console),
            BenchCommand.Create(registry, console),
            BackendsCommand.Create(registry, console),
            CostCommand.Create(registry, console),
            SweepCommand.Create(registry, console),
            ProfilesCommand.Create(console),
            CalibrateCommand.Create(registry, console),
            CalibrateCommand.CreateValidate(registry, console),
            ExperimentCommand.Create(registry, console),
            MergeCommand.Create(registry, console),
            ReportCommand.Create(registry, console),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (System.CommandLine.Parsing.ParseError parseError in parse.Errors)
            {
                error.WriteLine($"dfa: error: {parseError.Message}");
            }

            error.WriteLine("Run 'dfa --help' for usage.");
            return ExitCodes.BadInput;
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                Output = Console.Out,
                Error = error,

                // Installs the SIGINT/SIGTERM handler that cancels the action's token; a run gets this long to save and stop.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch (DfaInputException ex)
        {
            error.WriteLine($"dfa: error: {OneLine(ex.Message)}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("dfa: interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            error.WriteLine($"dfa: internal error: {ex.GetType().Name}: {OneLine(ex.Message)}");
            error.WriteLine(Environment.GetEnvironmentVariable("DFA_DEBUG") == "1"
                ? ex.ToString()
                : "Set DFA_DEBUG=1 to see the stack trace, and please report it.");
            return ExitCodes.InternalError;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
