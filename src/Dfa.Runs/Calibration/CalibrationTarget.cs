using System.Text;
using Dfa.Core;

namespace Dfa.Runs.Calibration;

/// <summary>
/// Where <c>dfa calibrate</c> writes: never over a shipped profile. By default a new profile in the profiles folder's
/// git-ignored <c>local/</c> subfolder named for this host (<c>local/cpu-HOST.yaml</c>; recalibrating replaces it);
/// an explicit <c>--out FILE</c> that already exists only with <c>--overwrite</c>.
/// </summary>
public static class CalibrationTarget
{
    /// <summary>The profiles folder's subfolder for this machine's own, untracked profiles.</summary>
    public const string LocalFolder = "local";

    /// <summary><c>cpu-</c> and the host name in profile-name characters (lower case, digits, '-'), at most 64 in all.</summary>
    public static string HostProfileName(string machineName)
    {
        ArgumentNullException.ThrowIfNull(machineName);
        var b = new StringBuilder("cpu-");
        foreach (char ch in machineName.ToLowerInvariant())
        {
            b.Append(ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '-');
        }

        string name = b.ToString().TrimEnd('-');
        return name.Length > 64 ? name[..64].TrimEnd('-') : name;
    }

    /// <summary>This host's calibrated profile in <paramref name="profilesFolder"/>: <c>local/cpu-HOST.yaml</c>.</summary>
    public static string DefaultPath(string profilesFolder) =>
        Path.Combine(profilesFolder, LocalFolder, HostProfileName(Environment.MachineName) + ".yaml");

    /// <summary>This host's calibrated profile if <c>dfa calibrate</c> wrote one, else the shipped <paramref name="shipped"/>.</summary>
    public static string ProfileToValidate(string profilesFolder, string shipped)
    {
        string local = DefaultPath(profilesFolder);
        return File.Exists(local) ? local : Path.Combine(profilesFolder, shipped + ".yaml");
    }

    /// <summary>
    /// The file calibrate may write: <paramref name="requested"/> (or the default), refused with one line when it is a
    /// shipped profile (a file directly in <paramref name="profilesFolder"/>), or an existing file the user named
    /// without <paramref name="overwrite"/>.
    /// </summary>
    /// <exception cref="DfaInputException">The file may not be written.</exception>
    public static string Resolve(string? requested, string profilesFolder, bool overwrite)
    {
        ArgumentNullException.ThrowIfNull(profilesFolder);
        string path = requested ?? DefaultPath(profilesFolder);
        string full = Path.GetFullPath(path);
        string shipped = Path.GetFullPath(profilesFolder);
        if (string.Equals(Path.GetDirectoryName(full), shipped.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
        {
            throw new DfaInputException(
                $"--out '{path}' is in the shipped profiles folder; dfa calibrate never rewrites a shipped profile: write a new file (default: {Path.Combine(LocalFolder, HostProfileName(Environment.MachineName))}.yaml there)");
        }

        if (requested is not null && File.Exists(full) && !overwrite)
        {
            throw new DfaInputException($"--out '{path}' exists; give --overwrite to replace it, or another file");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return path;
    }
}
