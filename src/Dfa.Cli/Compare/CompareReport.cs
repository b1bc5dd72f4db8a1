using System.Globalization;
using System.Text;
using Dfa.Cli.Costing;
using Dfa.Cli.Output;
using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Training;
using Dfa.Runs.Compare;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Compare;

/// <summary>
/// <c>dfa compare</c>'s outputs: the console tables, <c>report.md</c>, <c>summary.json</c> and the overlay plots. Every
/// number comes from the members' runs (<c>&lt;label&gt;/summary.json</c>, <c>metrics.csv</c>, <c>alignment.csv</c>) or
/// from the simulator's priced rows; the report says which profile and output size each cost is for.
/// </summary>
internal static class CompareReport
{
    public const string ReportFile = "report.md";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string[] TrainingHeader(IReadOnlyList<CompareMember> members) =>
    [
        "method", members[0].OtherSeeds.Count == 0 ? "test acc" : $"test acc (mean ± sd, {members[0].OtherSeeds.Count + 1} seeds)", "train loss", "train time", "samples/s",
        "gradient alignment (final)", "weight alignment (final)", Classes(members) == CompareCosts.ImageNetOutputs ? "feedback storage" : $"feedback storage (e={Classes(members)} / e=1000)",
    ];

    public static IEnumerable<string[]> TrainingRows(IReadOnlyList<CompareMember> members) => members.Select(m =>
    {
        RunOutcome o = m.Outcome;
        EpochMetrics? last = o.Last;
        string accuracy = m.OtherSeeds.Count > 0 ? m.SeedsAccuracyText()
            : o.Diverged is { } d ? $"diverged (step {d.Step})" : last is null ? "—" : Percent(last.TestAccuracy);
        return new[]
        {
            m.Label,
            accuracy,
            last is null ? "—" : last.TrainLoss.ToString("F4", Inv),
            Seconds(o.Epochs.Sum(e => e.Seconds)),
            o.Result is { } r ? r.SamplesPerSecond.ToString("N0", Inv) : "—",
            m.Alignment is { } a ? string.Join(", ", a.Gradient.Select(g => $"{g.Block} {Degrees(g.WeightDegrees)}")) : m.Backend == "bp" ? "— (BP)" : "— (not logged)",
            m.Alignment is { } w ? string.Join(", ", w.Weight.Select(g => $"{g.Block} {Degrees(g.Degrees)}")) : "—",
            m.Backend == "bp" ? "—"
                : m.Run.Setup.Network.OutputSize == CompareCosts.ImageNetOutputs ? Commands.BackendsCommand.Bytes(m.StorageBytes.Trained)
                : $"{Commands.BackendsCommand.Bytes(m.StorageBytes.Trained)} / {Commands.BackendsCommand.Bytes(m.StorageBytes.ImageNet)}",
        };
    });

    /// <summary>Cost columns: per profile, the feedback (or backward) phase, the whole step and its energy.</summary>
    public static string[] CostHeader(IReadOnlyList<string> profiles) =>
        ["method", "e", .. profiles.Select(p => $"{p}: feedback · step · energy")];

    public static IEnumerable<string[]> CostRows(IReadOnlyList<CompareMember> members, IReadOnlyList<string> profiles)
    {
        foreach (int e in members.SelectMany(m => m.Costs).Select(c => c.Outputs).Distinct().Order())
        {
            foreach (CompareMember m in members)
            {
                var cells = new List<string> { m.Label, e.ToString(Inv) };
                foreach (string p in profiles)
                {
                    MemberCost? c = m.Costs.FirstOrDefault(x => x.Profile == p && x.Outputs == e);
                    cells.Add(c is null
                        ? $"— (needs {("aeiou".Contains(m.ProfileKind[0], StringComparison.Ordinal) ? "an" : "a")} {m.ProfileKind} profile)"
                        : $"{CostReport.Seconds(c.BackwardSeconds)} · {CostReport.Seconds(c.Row.TimeSeconds)} · {CostReport.Joules(c.Row.EnergyJ)}");
                }

                yield return cells.ToArray();
            }
        }
    }

    public static void Print(IAnsiConsole console, IReadOnlyList<CompareMember> members, IReadOnlyList<string> profiles, int batch)
    {
        console.Write(Table("Training", TrainingHeader(members), TrainingRows(members)));
        console.Write(Table($"Simulated training step (batch {batch}; feedback = DFA's B·e phase, BP's backward pass)", CostHeader(profiles), CostRows(members, profiles)));
    }

    public static string Markdown(IReadOnlyList<CompareMember> members, IReadOnlyList<string> profiles, CompareSettings settings, double wallSeconds)
    {
        var sb = new StringBuilder();
        CompareMember first = members[0];
        sb.Append("# dfa compare\n\n");
        sb.Append(Inv, $"Network {first.Run.Setup.Network.Describe()} ({first.Run.Setup.Network.ParameterCount:N0} parameters), ");
        sb.Append(Inv, $"{settings.Config.Optimizer.ToString().ToUpperInvariant()} lr {settings.Config.LearningRate}, batch {settings.Config.BatchSize}, ");
        sb.Append(Inv, $"{settings.Config.Epochs} epochs, {settings.SeedsText}, {settings.Config.EffectiveThreads} threads; ");
        sb.Append(Inv, $"{first.Run.TrainSamples} training samples. Config: `{settings.ConfigLabel}`");
        if (settings.Overrides.Count > 0)
        {
            sb.Append(" with ").AppendJoin(", ", settings.Overrides.Select(o => $"`{o}`"));
        }

        sb.Append(Inv, $". Wall time {Seconds(wallSeconds)}.\n\n");
        sb.Append("## Training\n\n");
        sb.Append(MarkdownTable.Render(TrainingHeader(members), TrainingRows(members)));
        sb.Append(settings.Seeds > 1 ? CompareFiles.SeedsNote(settings.Seeds) : string.Empty);
        sb.Append("\nAlignment: the angle between the DFA update and the true BP gradient of the same weights on a fixed probe batch ");
        sb.Append("(gradient), and between `B_l` and the product of the forward weights above the layer (weight), measured after the last step; ");
        sb.Append("90° is no alignment. Each run's `alignment.csv` has the whole curve.\n\n");
        sb.Append(Inv, $"![train loss]({CompareFiles.LossPlot})\n![test accuracy]({CompareFiles.AccuracyPlot})\n");
        if (members.Any(m => m.Outcome.Alignment.Count > 0))
        {
            sb.Append(Inv, $"![alignment]({CompareFiles.AlignmentPlot})\n");
        }

        var analysed = members.Where(m => m.Outcome.Feedback is not null).ToArray();
        if (analysed.Length > 0)
        {
            sb.Append("\n## Feedback matrices\n\n");
            sb.Append("Each realised `B_l` (e × n_l) as the backend applies it, analysed with a Math.NET SVD: numerical rank (singular values above ");
            sb.Append("σ_max·max(e, n_l)·2⁻⁵²), condition number σ_max/σ_min (∞ when rank-deficient), the fraction of exact zeros, and the largest and smallest singular values.\n\n");
            sb.Append(MarkdownTable.Render(
                ["method", "layer", "shape", "rank", "condition number", "sparsity", "σ_max", "σ_min"],
                analysed.SelectMany(m => m.Outcome.Feedback!.Select((a, l) => (IReadOnlyList<string>)
                [
                    m.Label,
                    m.Run.Setup.Network.FeedbackBlocks[l].Name,
                    $"{a.Rows}×{a.Cols}",
                    a.Rank.ToString(Inv),
                    double.IsFinite(a.ConditionNumber) ? a.ConditionNumber.ToString("G4", Inv) : "∞",
                    a.Sparsity.ToString("P1", Inv),
                    a.SingularValues.Count > 0 ? a.SingularValues[0].ToString("G4", Inv) : "—",
                    a.SingularValues.Count > 0 ? a.SingularValues[^1].ToString("G4", Inv) : "—",
                ]))));
        }

        sb.Append("\n## Simulated cost of a training step\n\n");
        sb.Append(Inv, $"Priced by `src/Dfa.Sim` from each backend's predicted work (the same numbers its counters are tested against) on the hardware profiles in `hardware-profiles/`, ");
        sb.Append(Inv, $"for the trained network's widths with its own output size and with e = {CompareCosts.ImageNetOutputs} (ImageNet-size), batch {settings.Config.BatchSize}, ");
        sb.Append(Inv, $"{settings.Config.Optimizer.ToString().ToUpperInvariant()}. Each cell: the feedback phase (DFA's `B_l·e` for all layers; BP's backward pass) · the whole step · its energy. ");
        sb.Append("On an optical profile the digital backends, and every phase but the optical projection, run on the profile's host. ");
        sb.Append("`dfa cost` prints the phases, the energy split and the operation counts behind each cell.\n\n");
        sb.Append(MarkdownTable.Render(CostHeader(profiles), CostRows(members, profiles)));
        sb.Append("\nEach member's run folder (`<method>/`) holds `metrics.csv`, `alignment.csv`, `summary.json`, `weights.bin`, a TensorBoard event file and its own plots.\n");
        return sb.ToString();
    }

    private static Table Table(string title, string[] header, IEnumerable<string[]> rows)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)) };
        foreach (string h in header)
        {
            table.AddColumn(Markup.Escape(h));
        }

        foreach (string[] row in rows)
        {
            table.AddRow(row.Select(Markup.Escape).ToArray());
        }

        return table;
    }

    private static int Classes(IReadOnlyList<CompareMember> members) => members[0].Run.Setup.Network.OutputSize;


    private static string Percent(double fraction) => (fraction * 100).ToString("F2", Inv) + " %";

    private static string Degrees(double degrees) => double.IsFinite(degrees) ? degrees.ToString("F1", Inv) + "°" : "—";

    private static string Seconds(double s) => s.ToString("F1", Inv) + " s";
}
