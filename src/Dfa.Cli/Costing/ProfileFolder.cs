using System.CommandLine;
using Dfa.Sim.Profiles;

namespace Dfa.Cli.Costing;

/// <summary>
/// The <c>--dir</c> option every command that reads hardware profiles takes, and where it leads: the explicit
/// folder, else <c>$DFA_PROFILES</c>, else the nearest <c>hardware-profiles</c> folder above the working directory or
/// the executable (<see cref="ProfileCatalog.Locate"/>).
/// </summary>
internal static class ProfileFolder
{
    public static Option<string?> Option() =>
        new("--dir")
        {
            Description = $"Folder of NAME.yaml profiles (default: ${ProfileCatalog.EnvironmentVariable}, else the nearest '{ProfileCatalog.FolderName}' folder).",
        };

    public static string Locate(string? explicitFolder) =>
        ProfileCatalog.Locate(explicitFolder, Environment.GetEnvironmentVariable, Environment.CurrentDirectory, AppContext.BaseDirectory);

    public static ProfileCatalog Open(string? explicitFolder) => ProfileCatalog.Open(Locate(explicitFolder));
}
