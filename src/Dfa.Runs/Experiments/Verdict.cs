namespace Dfa.Runs.Experiments;

/// <summary>Whether a survey finding was reproduced here.</summary>
public enum VerdictStatus
{
    /// <summary>Every numeric criterion of the experiment holds.</summary>
    Reproduced,

    /// <summary>Some criteria hold and some do not (each experiment's criteria say which).</summary>
    Partly,

    /// <summary>No criterion that carries the finding holds.</summary>
    NotReproduced,

    /// <summary>The members did not run the experiment's budget (a <c>--set</c> changed its epochs or training samples), so no verdict is declared.</summary>
    NotJudged,
}

/// <summary>An experiment's outcome in one line: its status and the numbers behind it.</summary>
public sealed record Verdict(VerdictStatus Status, string Line)
{
    public string StatusText => Text(Status);

    public static string Text(VerdictStatus status) => status switch
    {
        VerdictStatus.Reproduced => "reproduced",
        VerdictStatus.Partly => "partly",
        VerdictStatus.NotJudged => "not judged",
        _ => "not reproduced",
    };

    /// <summary>All criteria met → reproduced, none → not reproduced, otherwise partly.</summary>
    public static VerdictStatus FromCount(int met, int of) =>
        met == of ? VerdictStatus.Reproduced : met == 0 ? VerdictStatus.NotReproduced : VerdictStatus.Partly;
}
