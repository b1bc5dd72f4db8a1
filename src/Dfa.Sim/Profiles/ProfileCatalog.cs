using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Yaml;

namespace Dfa.Sim.Profiles;

/// <summary>
/// The profiles of one folder (<c>NAME.yaml</c> files), and where that folder is: an explicit path, else
/// <c>$DFA_PROFILES</c>, else the <c>hardware-profiles</c> folder found by walking up from the working directory, then
/// from the executable's folder.
/// </summary>
public sealed class ProfileCatalog
{
    /// <summary>The environment variable naming the profiles folder.</summary>
    public const string EnvironmentVariable = "DFA_PROFILES";

    /// <summary>The folder name searched for upwards.</summary>
    public const string FolderName = "hardware-profiles";

    private ProfileCatalog(string folder, IReadOnlyList<string> names)
    {
        Folder = folder;
        Names = names;
    }

    /// <summary>The folder the profiles are read from (full path).</summary>
    public string Folder { get; }

    /// <summary>Profile names (file names without <c>.yaml</c>), sorted ordinally.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Opens <paramref name="folder"/>; files are read only by <see cref="Load"/> and <see cref="LoadAll"/>.</summary>
    /// <exception cref="DfaInputException">The folder does not exist.</exception>
    public static ProfileCatalog Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DfaInputException($"{folder}: profiles folder not found");
        }

        var names = Directory.EnumerateFiles(full, "*.yaml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToArray();
        return new ProfileCatalog(full, names);
    }

    /// <summary>
    /// The profiles folder: <paramref name="explicitFolder"/> when given, else <c>$DFA_PROFILES</c> when set, else the
    /// first <c>hardware-profiles</c> folder in <paramref name="workingDirectory"/> or above it, then in
    /// <paramref name="executableDirectory"/> or above it.
    /// </summary>
    /// <exception cref="DfaInputException">None of these gives a folder.</exception>
    public static string Locate(string? explicitFolder, Func<string, string?> environment, string workingDirectory, string executableDirectory)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (!string.IsNullOrEmpty(explicitFolder))
        {
            return explicitFolder;
        }

        if (environment(EnvironmentVariable) is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        return FindUp(workingDirectory) ?? FindUp(executableDirectory)
            ?? throw new DfaInputException(
                $"no '{FolderName}' folder above {workingDirectory} or {executableDirectory}; pass --dir or set {EnvironmentVariable}");
    }

    /// <summary>Loads one profile by name.</summary>
    /// <exception cref="DfaInputException">No such profile (the message suggests the closest name).</exception>
    /// <exception cref="ConfigException">The profile is invalid.</exception>
    public HardwareProfile Load(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Names.Contains(name, StringComparer.Ordinal))
        {
            var prefixed = Names.Where(n => n.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToArray();
            var closest = Suggest.Closest(name, Names) ?? (prefixed.Length == 1 && name.Length > 0 ? prefixed[0] : null);
            var hint = closest is null ? "" : $"; did you mean '{closest}'?";
            throw new DfaInputException(
                $"no profile '{name}' in {Folder}{hint} (available: {(Names.Count == 0 ? "none" : string.Join(", ", Names))})");
        }

        return ProfileLoader.Load(Path.Combine(Folder, name + ".yaml"));
    }

    /// <summary>Loads every profile, in name order; the first invalid one throws.</summary>
    /// <exception cref="ConfigException">A profile is invalid.</exception>
    public IReadOnlyList<HardwareProfile> LoadAll() => Names.Select(Load).ToArray();

    private static string? FindUp(string start)
    {
        if (string.IsNullOrEmpty(start))
        {
            return null;
        }

        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FolderName);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
