using Dfa.Sim.Profiles;

namespace Dfa.Runs.Costing;

/// <summary>
/// Where the hardware profiles are: the explicit folder (<c>--dir</c>), else <c>$DFA_PROFILES</c>, else the nearest <c>hardware-profiles</c> folder above the working directory or
/// the executable (<see cref="ProfileCatalog.Locate"/>).
/// </summary>
public static class ProfileFolder
{
    public static string Locate(string? explicitFolder) =>
        ProfileCatalog.Locate(explicitFolder, Environment.GetEnvironmentVariable, Environment.CurrentDirectory, AppContext.BaseDirectory);

    /// <exception cref="Core.DfaInputException">No folder, or one with no <c>NAME.yaml</c> profile in it.</exception>
    public static ProfileCatalog Open(string? explicitFolder)
    {
        ProfileCatalog catalog = ProfileCatalog.Open(Locate(explicitFolder));
        return catalog.Names.Count > 0 ? catalog : throw new Core.DfaInputException($"no hardware profiles (NAME.yaml) in {catalog.Folder}");
    }
}
