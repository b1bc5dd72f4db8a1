using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Experiments;
using Dfa.Core;
using Dfa.Runs.Experiments;
using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa experiment NAME|all [--quick] [--out DIR] [--data DIR] [--set key=value ...] [--base FILE] [--list] [--seeds N] [--shard i/n]</c>:
/// reruns the survey's Section 3.2 experiments, each into a report with plots and a one-line verdict. <c>--set</c>
/// applies to every member after the mode's settings and before the member's own overrides, so what an experiment
/// varies stays varied.
/// </summary>
internal static class ExperimentCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var name = new Argument<string?>("NAME") { Description = $"The experiment ({string.Join(", ", ExperimentCatalog.Names)}) or 'all'.", Arity = ArgumentArity.ZeroOrOne };
        var quick = new Option<bool>("--quick") { Description = "Small scale: a few minutes per experiment on 2 cores (10 000 training samples)." };
        Option<string?> output = DfaOptions.Out("Output folder (default: runs/experiments/<time>).");
        Option<string?> data = DfaOptions.Data();
        Option<string[]> set = DfaOptions.Set("Override a config key for every member (after the mode, before the member's own keys).");
        Option<int?> epochs = DfaOptions.Epochs();
        var baseConfig = new Option<string?>("--base") { Description = $"Base config instead of the shipped {ExperimentCatalog.BaseConfig}." };
        var list = new Option<bool>("--list") { Description = "List the experiments, their members and scales, and exit." };
        var seeds = new Option<int>("--seeds") { Description = "Train every member with its seed and the next N − 1; judge each seed, and call a verdict that differs between seeds inconclusive.", DefaultValueFactory = _ => 1 };
        var shard = new Option<string?>("--shard") { Description = "Train only shard i of n (1-based) of the members, for a job array: member k (in whole-run order) goes to shard (k mod n) + 1. Combine the shard folders with dfa merge." };
        var command = new Command("experiment", "Rerun the survey's Section 3.2 experiments: reports, plots and a verdict per experiment.")
        {
            name, quick, output, data, set, epochs, baseConfig, list, seeds, shard,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(list))
            {
                List(console);
                return Task.FromResult(ExitCodes.Success);
            }

            ShardSpec? shardSpec = parse.GetValue(shard) is { } shardText ? ShardSpec.Parse(shardText) : null;
            string experiment = parse.GetValue(name)
                ?? throw new DfaInputException($"name an experiment ({string.Join(", ", ExperimentCatalog.Names)}) or 'all'; --list describes them");
            var request = new ExperimentRequest(
                experiment,
                parse.GetValue(quick),
                parse.GetValue(output),
                parse.GetValue(data),
                [.. parse.GetValue(set) ?? [], .. DfaOptions.EpochsOverride(parse, epochs)],
                parse.GetValue(baseConfig) is { } path ? ShippedFiles.Config(path) : null,
                shardSpec,
                parse.GetValue(seeds));

            // Off the invocation thread so System.CommandLine's Ctrl-C handler can cancel the token (see TrainCommand).
            return Task.Run(
                () =>
                {
                    ExperimentRunner.Execute(request, registry, new ConsoleExperimentView(console), cancellationToken);
                    return ExitCodes.Success;
                },
                CancellationToken.None);
        });
        return command;
    }

    private static void List(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("name").AddColumn("survey").AddColumn("members").AddColumn("quick").AddColumn("full");
        foreach (Experiment e in ExperimentCatalog.All)
        {
            table.AddRow(
                Markup.Escape(e.Name),
                Markup.Escape(e.Section),
                Markup.Escape(string.Join(", ", e.Members.Select(m => m.Label))),
                Markup.Escape(e.Quick.Text),
                Markup.Escape(e.Full.Text));
        }

        console.Write(table);
        console.MarkupLine($"base config: {ExperimentCatalog.BaseConfig}; 'dfa experiment all --quick' runs every one at the quick scale.");
    }
}
