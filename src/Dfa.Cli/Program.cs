using Dfa.Cli;
using Spectre.Console;

return await DfaApp.RunAsync(args, AnsiConsole.Console, Console.Error);
