using Dfa.Core;

namespace Dfa.Runs.Files;

/// <summary>
/// A command's output folder. It is claimed only after every input has been checked, is probed for writability up
/// front (so an unwritable folder is a clean input error, not a crash after an hour of training), and is removed again
/// if the command created it and then fails before writing any result.
/// </summary>
public sealed class OutputFolder
{
    private readonly bool _created;

    private OutputFolder(string path, bool created)
    {
        Path = path;
        _created = created;
    }

    public string Path { get; }

    public static OutputFolder Claim(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        bool existed = Directory.Exists(full);
        try
        {
            if (File.Exists(full))
            {
                throw new DfaInputException($"output folder '{path}' is a file");
            }

            Directory.CreateDirectory(full);
            string probe = System.IO.Path.Combine(full, $".write-probe.{Environment.ProcessId}");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            if (!existed)
            {
                TryRemoveEmpty(full);
            }

            throw new DfaInputException($"cannot write to output folder '{path}': {ex.Message}");
        }

        return new OutputFolder(full, created: !existed);
    }

    public string PathOf(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Removes the folder if this command created it and it is still empty.</summary>
    public void AbandonIfUnused()
    {
        if (_created)
        {
            TryRemoveEmpty(Path);
        }
    }

    private static void TryRemoveEmpty(string path)
    {
        try
        {
            if (Directory.Exists(path) && !Directory.EnumerateFileSystemEntries(path).Any())
            {
                Directory.Delete(path);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
