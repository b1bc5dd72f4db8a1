namespace Dfa.Runs.Files;

/// <summary>
/// The files shipped with <c>dfa</c>: its build copies <c>configs/</c> and <c>hardware-profiles/</c> beside the
/// executable, so a command started from any folder finds them. A relative config path is read from the working
/// directory when it exists there (a user's own <c>configs/</c> wins), else from beside the executable.
/// </summary>
public static class ShippedFiles
{
    /// <summary><paramref name="path"/> as the working directory sees it, or the shipped copy when only that exists.</summary>
    public static string Config(string path) => Config(path, Environment.CurrentDirectory, AppContext.BaseDirectory);

    /// <inheritdoc cref="Config(string)"/>
    public static string Config(string path, string workingDirectory, string toolDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || Path.IsPathRooted(path) || File.Exists(Path.Combine(workingDirectory, path)))
        {
            return path;
        }

        string shipped = Path.Combine(toolDirectory, path);
        return File.Exists(shipped) ? shipped : path;
    }
}
