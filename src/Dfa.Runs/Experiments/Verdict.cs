using System.Globalization;

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

    /// <summary>Run over several seeds (<c>--seeds N</c>), the verdict differs between seeds: it flips inside the seed spread.</summary>
    Inconclusive,
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
        VerdictStatus.Inconclusive => "inconclusive",
        _ => "not reproduced",
    };

    /// <summary>All criteria met → reproduced, none → not reproduced, otherwise partly.</summary>
    public static VerdictStatus FromCount(int met, int of) =>
        met == of ? VerdictStatus.Reproduced : met == 0 ? VerdictStatus.NotReproduced : VerdictStatus.Partly;

    /// <summary>
    /// One verdict from the verdicts of the same experiment judged on each seed's members: the seeds' common status
    /// when every seed agrees (with the first seed's numbers), else <see cref="VerdictStatus.Inconclusive"/>, naming
    /// the seeds of each status.
    /// </summary>
    public static Verdict OverSeeds(string experiment, IReadOnlyList<Verdict> perSeed, IReadOnlyList<ulong> seeds)
    {
        ArgumentNullException.ThrowIfNull(perSeed);
        ArgumentNullException.ThrowIfNull(seeds);
        if (perSeed.Count == 0 || perSeed.Count != seeds.Count)
        {
            throw new ArgumentException("One verdict per seed is required.", nameof(perSeed));
        }

        if (perSeed.Count == 1)
        {
            return perSeed[0];
        }

        string SeedList(IEnumerable<ulong> s) => string.Join(", ", s.Select(x => x.ToString(CultureInfo.InvariantCulture)));
        if (perSeed.All(v => v.Status == perSeed[0].Status))
        {
            return new Verdict(perSeed[0].Status, $"{experiment}: {Text(perSeed[0].Status)} on all {perSeed.Count} seeds ({SeedList(seeds)}) — seed {seeds[0]}: {Measured(perSeed[0].Line)}");
        }

        IEnumerable<string> groups = perSeed.Select((v, k) => (v.Status, Seed: seeds[k])).GroupBy(x => x.Status).OrderBy(g => g.Key)
            .Select(g => $"{Text(g.Key)} on seed{(g.Count() == 1 ? "" : "s")} {SeedList(g.Select(x => x.Seed))}");
        return new Verdict(VerdictStatus.Inconclusive, $"{experiment}: {Text(VerdictStatus.Inconclusive)} — the verdict flips between seeds: {string.Join("; ", groups)}");
    }

    /// <summary>The numbers of a verdict line: what follows its status (<c>name: status — numbers</c>).</summary>
    public static string Measured(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        int dash = line.IndexOf(" — ", StringComparison.Ordinal);
        return dash < 0 ? line : line[(dash + 3)..];
    }
}
