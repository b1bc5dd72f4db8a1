using Dfa.Cli;
using Spectre.Console;

IAnsiConsole console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    // Logs and CI capture whole lines; the 80-column fallback would wrap table rows.
    console.Profile.Width = 200;
}

return await DfaApp.RunAsync(args, console, Console.Error);
