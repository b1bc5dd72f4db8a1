using Dfa.Core.Training;
using Dfa.Runs.Plots;

namespace Dfa.Runs.Training;

/// <summary>
/// The host program's side of a batch of runs (<see cref="RunBatch"/>, comparisons, experiments): how it tells the
/// user what happens and how it draws. The <c>dfa</c> command shows progress bars on a terminal and plain lines
/// elsewhere, and plots with ScottPlot; a test or another program may show nothing and draw nothing.
/// </summary>
public interface IRunView
{
    /// <summary>Draws the PNG curves of run folders and reports; null writes none.</summary>
    ICurvePlotter? Plotter { get; }

    /// <summary>A status line for the user (data being fetched, a member starting), plain text.</summary>
    void Info(string message);

    /// <summary>
    /// Runs the members of a batch one after another inside the view's progress display: <paramref name="run"/>
    /// trains member <c>i</c> (of <paramref name="members"/>) reporting to the observer it is given (null for none)
    /// and returns its record, which the view may show.
    /// </summary>
    void Show(IReadOnlyList<RunSpec> members, Func<int, ITrainingObserver?, RunRecord> run);
}

/// <summary>A view that shows nothing and draws nothing: members run in order, unobserved.</summary>
public sealed class SilentRunView : IRunView
{
    public static SilentRunView Instance { get; } = new();

    public ICurvePlotter? Plotter => null;

    public void Info(string message)
    {
    }

    public void Show(IReadOnlyList<RunSpec> members, Func<int, ITrainingObserver?, RunRecord> run)
    {
        ArgumentNullException.ThrowIfNull(members);
        ArgumentNullException.ThrowIfNull(run);
        for (int i = 0; i < members.Count; i++)
        {
            run(i, null);
        }
    }
}
