using Dfa.Cli;
using Spectre.Console;

IAnsiConsole console = Console.IsOutputRedirected ? DfaApp.RedirectedConsole(Console.Out) : AnsiConsole.Console;
int code = await DfaApp.RunAsync(args, console, Console.Error);

// A redirected console writes whole lines; a last line without its newline is written now.
console.Profile.Out.Writer.Flush();
return code;
