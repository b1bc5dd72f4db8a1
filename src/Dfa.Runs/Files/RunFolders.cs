using System.Globalization;
using Dfa.Core;
using Dfa.Runs.Training;

namespace Dfa.Runs.Files;

/// <summary>
/// What a training run may do to the folder it is told to write into. A folder that does not exist or is empty is
/// used as is. A non-empty folder that is not a Dfa run folder (it holds none of a run's own result files) is refused:
/// a mistyped <c>--out .</c> must not scatter a run into, or delete from, a folder of someone's work. A Dfa run folder
/// is reused, and its previous run's outputs are moved aside into <c>previous-N/</c> inside it (nothing is deleted)
/// unless the user asked to overwrite them.
/// </summary>
public static class RunFolders
{
    /// <summary>The prefix of the folders a previous run's outputs are moved into.</summary>
    public const string PreviousPrefix = "previous-";

    /// <summary>Files whose presence makes a folder a Dfa run folder.</summary>
    private static readonly string[] Markers = [RunRecorder.MetricsFile, RunRecorder.SummaryFile, RunRecorder.CheckpointFileName];

    /// <summary>A run's own outputs: what a rerun would replace.</summary>
    private static readonly string[] Outputs =
    [
        RunRecorder.MetricsFile, RunRecorder.SummaryFile, RunRecorder.WeightsFileName, RunRecorder.AlignmentFile,
        RunRecorder.LossPlot, RunRecorder.AccuracyPlot, RunRecorder.AlignmentPlot, RunRecorder.CheckpointFileName,
    ];

    /// <summary>
    /// True when <paramref name="path"/> is a folder holding one of a Dfa run's result files, or what a run writes before
    /// them: any of its outputs (plots, <c>alignment.csv</c>, <c>weights.bin</c>), a TensorBoard event file (written when
    /// a run starts, so a run killed in its first epoch leaves only that), or a <c>previous-N/</c> folder of set-aside outputs.
    /// </summary>
    public static bool IsRunFolder(string path) =>
        Directory.Exists(path)
        && (Markers.Concat(Outputs).Any(m => File.Exists(Path.Combine(path, m)))
            || Directory.EnumerateFiles(path, "events.out.tfevents.*").Any()
            || Directory.EnumerateDirectories(path, PreviousPrefix + "*").Any());

    /// <summary>
    /// Refuses (one line) a folder a new run must not write into: an existing file, or a non-empty folder that is
    /// not a Dfa run folder. Call before the folder is claimed.
    /// </summary>
    /// <param name="path">The output folder as the user gave it (null: nothing to check).</param>
    /// <param name="option">How the user named it (e.g. <c>--out</c>), for the message.</param>
    /// <exception cref="DfaInputException">The folder is not one a run may write into.</exception>
    /// <param name="advice">What the user can do instead, ending the message.</param>
    public static void CheckTarget(string? path, string option, string advice = "give an empty or new folder, or a previous run's folder")
    {
        if (path is null)
        {
            return;
        }

        string full = Path.GetFullPath(path);
        if (!Directory.Exists(full) || !Directory.EnumerateFileSystemEntries(full).Any() || IsRunFolder(full))
        {
            return;
        }

        throw new DfaInputException(
            $"{option} '{path}' is a non-empty folder that is not a Dfa run folder (it has no {string.Join(", ", Markers)}); "
            + advice);
    }

    /// <summary>
    /// Moves a previous run's outputs in <paramref name="path"/> (its result files, plots, checkpoint and TensorBoard
    /// event files) into a new <c>previous-N/</c> folder inside it, N the first number not taken. Returns that folder's
    /// name, or null when there was nothing to move.
    /// </summary>
    public static string? SetAside(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            return null;
        }

        var moving = Outputs.Select(name => Path.Combine(path, name)).Where(File.Exists)
            .Concat(Directory.EnumerateFiles(path, "events.out.tfevents.*").Order(StringComparer.Ordinal))
            .ToList();
        if (moving.Count == 0)
        {
            return null;
        }

        int n = 1;
        while (Directory.Exists(Path.Combine(path, PreviousPrefix + n.ToString(CultureInfo.InvariantCulture)))
            || File.Exists(Path.Combine(path, PreviousPrefix + n.ToString(CultureInfo.InvariantCulture))))
        {
            n++;
        }

        string name = PreviousPrefix + n.ToString(CultureInfo.InvariantCulture);
        string target = Path.Combine(path, name);
        try
        {
            Directory.CreateDirectory(target);
            foreach (string file in moving)
            {
                File.Move(file, Path.Combine(target, Path.GetFileName(file)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"cannot move the previous run's outputs in '{path}' aside into {name}/: {ex.Message}");
        }

        return name;
    }
}
