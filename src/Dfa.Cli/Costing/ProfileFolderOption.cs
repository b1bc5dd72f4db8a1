using System.CommandLine;
using Dfa.Sim.Profiles;

namespace Dfa.Cli.Costing;

/// <summary>The <c>--dir</c> option every command that reads hardware profiles takes (see <see cref="Runs.Costing.ProfileFolder"/>).</summary>
internal static class ProfileFolderOption
{
    public static Option<string?> Create() =>
        new("--dir")
        {
            Description = $"Folder of NAME.yaml profiles (default: ${ProfileCatalog.EnvironmentVariable}, else the nearest '{ProfileCatalog.FolderName}' folder).",
        };
}
