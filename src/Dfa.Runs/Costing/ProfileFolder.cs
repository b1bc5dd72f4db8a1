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

    public static ProfileCatalog Open(string? explicitFolder) => ProfileCatalog.Open(Locate(explicitFolder));
}
