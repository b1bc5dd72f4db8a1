using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Cli.Experiments;
using Dfa.Core;
using Dfa.Runs.Costing;
using Dfa.Runs.Experiments;
using Dfa.Runs.Files;
using Dfa.Runs.Sharding;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa merge SHARD_DIR... --out DIR</c>: combines the folders of <c>dfa sweep --shard i/n</c> or
/// <c>dfa experiment --shard i/n</c> or <c>dfa study --shard i/n</c> into what one machine's run writes, after checking (<see cref="ShardSet"/>) that
/// they are every shard of one grid, each once.
/// </summary>
internal static class MergeCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var shards = new Argument<string[]>("SHARD_DIR") { Description = "The shard folders (every shard 1..n of one run, each once; any order).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output folder for the merged results (not one of the shard folders).", Required = true };
        var command = new Command("merge", "Combine the shard folders of a sharded dfa sweep, dfa experiment or dfa study into the single-machine outputs.")
        {
            shards, output,
        };
        command.SetAction(parse =>
        {
            string[] folders = parse.GetRequiredValue(shards);
            string outPath = parse.GetRequiredValue(output);
            ShardSet set = ShardSet.Load(folders);
            string full = Path.GetFullPath(outPath);
            if (set.Shards.Any(s => string.Equals(Path.GetFullPath(s.Path).TrimEnd(Path.DirectorySeparatorChar), full.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal)))
            {
                throw new DfaInputException($"--out '{outPath}' is one of the shard folders; merge into another folder");
            }

            OutputFolder folder = OutputFolder.Claim(outPath);
            try
            {
                switch (set.First.Command)
                {
                    case SweepShard.Command:
                        SweepReport.Write(SweepShard.Merge(set), folder, console);
                        break;
                    case ExperimentShard.Command:
                        ExperimentShard.Merge(set, folder, registry, new ConsoleExperimentView(console));
                        break;
                    case Runs.Studies.StudyRunner.Command:
                        console.Write(new Text(Runs.Studies.StudyReport.ConsoleText(Runs.Studies.StudyRunner.Merge(set, folder, new Plots.CurvePlot()))));
                        break;
                    default:
                        throw new DfaInputException($"'{set.Shards[0].Path}' is a shard of '{set.First.Command}', which dfa merge does not know");
                }
            }
            finally
            {
                folder.AbandonIfUnused();
            }

            console.MarkupLine($"merged {set.Shards.Count} shards of {Markup.Escape(set.First.Command)} grid {ShardSet.Short(set.First.GridHash)} ({set.GridItems} items) → {Markup.Escape(folder.Path)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
