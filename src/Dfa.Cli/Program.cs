using Dfa.Cli;
using Spectre.Console;

IAnsiConsole console = Console.IsOutputRedirected ? DfaApp.RedirectedConsole(Console.Out) : AnsiConsole.Console;
return await DfaApp.RunAsync(args, console, Console.Error);
