using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Commands;
using Dfa.Core;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Dfa.Cli;

/// <summary>
/// The <c>dfa</c> command: the composition root (DI container, commands) and the one place where exceptions become
/// exit codes and one-line messages. Tests run it in-process with their own console and error writer; a program that
/// brings its own feedback backends runs it with them registered (<c>services.AddFeedbackBackend&lt;T&gt;()</c>), and
/// every command then lists, trains, compares and prices them as it does the built-in ones.
/// </summary>
public static class DfaApp
{
    /// <summary>Runs <c>dfa</c> with <paramref name="args"/>; returns its exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The command line, e.g. <c>["train", "--config", "a.yaml"]</c>.</param>
    /// <param name="console">Where tables, progress and results go.</param>
    /// <param name="error">Where error messages go, one line each.</param>
    /// <param name="configureServices">Registers more services after the built-in backends, e.g. a plug-in backend.</param>
    public static async Task<int> RunAsync(string[] args, IAnsiConsole console, TextWriter error, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(error);
        IServiceCollection collection = new ServiceCollection().AddFeedbackBackends();
        configureServices?.Invoke(collection);
        using ServiceProvider services = collection.BuildServiceProvider();
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
            StudyCommand.Create(registry, console),
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
