using Dfa.Backends.Registry;
using Dfa.Runs.Validation;
using Dfa.Sim.Profiles;
using Spectre.Console;

namespace Dfa.Cli.Costing;

/// <summary><c>dfa validate --profile NAME|all</c>: every published figure of the profiles against the model (<see cref="PublishedValidation"/>).</summary>
internal static class PublishedValidationReport
{
    public static void Run(ProfileCatalog catalog, string names, string? output, FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        PublishedValidation.CheckOutput(output);
        IReadOnlyList<PublishedComparison> results = PublishedValidation.Run(catalog, CommaList.Strings(names, "--profile"), registry, out IReadOnlyList<string> none);
        foreach (string name in none)
        {
            console.MarkupLine($"[grey]{Markup.Escape(name)}: no published figures (validation:) to predict{(name == Commands.CalibrateCommand.CpuProfile ? "; this machine's profile is validated by measurement: dfa validate" : "")}[/]");
        }

        var table = new Table().Border(TableBorder.Simple);
        foreach (string c in (string[])["profile", "entry", "role", "published", "predicted", "error", "bound", "source"])
        {
            table.AddColumn(new TableColumn(c) { Alignment = c is "published" or "predicted" or "error" ? Justify.Right : Justify.Left });
        }

        foreach (PublishedComparison r in results)
        {
            string bound = r.Entry.Bound is { } b ? FormattableString.Invariant($"±{b:P0} ") + (r.WithinBound == true ? "[green]ok[/]" : "[red]exceeded[/]") : "";
            table.AddRow(
                Markup.Escape(r.Profile), Markup.Escape(r.Entry.Name), Markup.Escape(r.RoleText), Markup.Escape(PublishedComparison.Format(r.Entry.Quantity, r.Entry.Value)),
                Markup.Escape(PublishedComparison.Format(r.Entry.Quantity, r.Predicted)), FormattableString.Invariant($"{r.Error:+0.0%;-0.0%}"), bound, Markup.Escape(r.Entry.Source));
        }

        console.Write(table);
        string file = output ?? Path.Combine("runs", $"validate-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        PublishedValidation.WriteJson(file, results);
        console.MarkupLine($"wrote {results.Count} entries to {Markup.Escape(file)}");
        PublishedValidation.ThrowIfACalibrationFailed(results);
    }
}
