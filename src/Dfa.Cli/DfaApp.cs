using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Commands;
using Dfa.Core;
using Dfa.Core.Yaml;
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

        RootCommand root = CreateRoot(registry, console);
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (string message in ParseErrors(parse))
            {
                error.WriteLine($"dfa: error: {message}");
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

    /// <summary>The console of a run whose output goes to a file or a pipe: plain text, no progress bars, no colours.</summary>
    internal static IAnsiConsole RedirectedConsole(TextWriter output)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(new Runs.Reports.LineTrimmingWriter(output)),
        });

        // Logs and CI capture whole lines: nothing wraps (the 80-column fallback would), and no line ends in padding.
        console.Profile.Width = 4096;
        return console;
    }

    /// <summary>The <c>dfa</c> command tree: every command with its options.</summary>
    internal static RootCommand CreateRoot(FeedbackBackendRegistry registry, IAnsiConsole console) =>
        new("dfa: train networks with BP and Direct Feedback Alignment on simulated feedback hardware.")
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

    /// <summary>
    /// The parse errors, a word the parser did not know first with the closest command or option name it may have
    /// meant ("unknown command 'trian'; did you mean 'train'?"); the errors that only follow from it are left out.
    /// </summary>
    private static IEnumerable<string> ParseErrors(ParseResult parse)
    {
        Command command = parse.CommandResult.Command;
        if (parse.UnmatchedTokens.FirstOrDefault() is { } word)
        {
            bool option = word.StartsWith('-');
            IEnumerable<string> names = option
                ? command.Options.SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name));
            string where = command is RootCommand ? "dfa" : $"dfa {command.Name}";
            yield return (option ? $"unknown option '{word}' for {where}" : command.Subcommands.Count > 0 ? $"unknown command '{word}'" : $"unexpected argument '{word}' for {where}")
                + Suggest.DidYouMean(word, names);
        }

        foreach (System.CommandLine.Parsing.ParseError e in parse.Errors)
        {
            bool missingCommand = command is RootCommand && e.Message.StartsWith("Required command", StringComparison.Ordinal);
            if (parse.UnmatchedTokens.Count > 0 && (missingCommand || e.Message.StartsWith("Unrecognized command or argument", StringComparison.Ordinal)))
            {
                continue;
            }

            yield return missingCommand
                ? $"name a command: {string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name))}"
                : e.Message;
        }
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
