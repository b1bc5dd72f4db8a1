using System.Globalization;
using Dfa.Cli.Output;
using Dfa.Runs.Experiments;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;
using Dfa.Runs.Sharding;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Experiments;

/// <summary>Experiments on the console: progress as any batch, each experiment's <c>report.md</c> and verdict line, and the index of several.</summary>
internal sealed class ConsoleExperimentView(IAnsiConsole console) : ConsoleRunView(console), IExperimentView
{
    private readonly IAnsiConsole _console = console;

    public void Starting(PlannedExperiment plan, ExperimentRequest request, IReadOnlyList<RunSpec> members, string folder, ShardSpec? shard)
    {
        string name = Markup.Escape(plan.Experiment.Name);
        _console.MarkupLine(shard is null
            ? $"[bold]experiment {name}[/] ({plan.ModeName}{(plan.OnBudget ? "" : ", changed by --set")}: {plan.Ran}{(plan.OnBudget ? "" : $"; the {plan.ModeName} mode is {plan.Mode.Text}")}; {Units.Count(members.Count, "member")}) → {Markup.Escape(folder)}"
            : $"[bold]experiment {name}[/], shard {shard}: {Markup.Escape(string.Join(", ", members.Select(s => s.Label)))} ({members.Count} of {plan.Specs.Count} members) → {Markup.Escape(folder)}");
    }

    public void Finished(ExperimentResult result, ExperimentRequest request, OutputFolder folder)
    {
        ExperimentReport.Write(result, request, folder);
        _console.MarkupLine($"  [bold]{Markup.Escape(result.Verdict.Line)}[/]");
    }

    public void AllFinished(IReadOnlyList<ExperimentResult> results, ExperimentRequest request, OutputFolder root)
    {
        if (results.Count <= 1)
        {
            return;
        }

        AtomicFile.WriteAllText(root.PathOf(ExperimentReport.ReportFile), ExperimentReport.Index(results, request));
        _console.MarkupLine($"[bold]verdicts[/] ({Markup.Escape(root.PathOf(ExperimentReport.ReportFile))}):");
        foreach (ExperimentResult r in results)
        {
            _console.MarkupLine($"  {Markup.Escape(r.Verdict.Line)} [grey]({r.WallSeconds.ToString("F0", CultureInfo.InvariantCulture)} s)[/]");
        }
    }
}
