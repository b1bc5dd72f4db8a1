using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Tensors;
using Dfa.Core.Training;
using Dfa.Runs.Bench;
using Dfa.Runs.Files;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa bench [--out DIR] [--threads 1,2] [--seconds S]</c>: our GEMM against OpenBLAS on the MLP's shapes, and
/// BP/DFA training steps as a fraction of the GEMM-bound rate, all measured in one run. The OpenBLAS side runs in a
/// child process (<c>--openblas-worker</c>) so its kernel selection is not forced by this machine's environment.
/// </summary>
internal static class BenchCommand
{
    private const string SquareShape = "gemm.square.2048";

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var output = new Option<string?>("--out", "-o") { Description = "Also write DIR/bench.json." };
        var threads = new Option<string>("--threads") { Description = "Thread counts to measure, comma-separated.", DefaultValueFactory = _ => "1,2" };
        var seconds = new Option<double>("--seconds") { Description = "Minimum seconds per GEMM measurement (training steps take 4×).", DefaultValueFactory = _ => 0.3 };
        var suites = new Option<string>("--suite")
        {
            Description = "What to measure, comma-separated: gemm, train, feedback (the feedback step on every backend, e = 1000 → 2×4096).",
            DefaultValueFactory = _ => "gemm,train,feedback",
        };
        var worker = new Option<string?>("--openblas-worker") { Hidden = true };
        var command = new Command("bench", "Measure our GEMM against OpenBLAS, BP/DFA training steps against the GEMM-bound rate, and every feedback backend against dense.")
        {
            output, threads, seconds, suites, worker,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(worker) is { } workerArgs)
            {
                return OpenBlasWorker.Run(workerArgs, Console.Out);
            }

            return Execute(
                parse.GetValue(output), [.. CommaList.Ints(parse.GetRequiredValue(threads), "--threads", 256).Distinct()], parse.GetValue(seconds),
                ParseSuites(parse.GetRequiredValue(suites)), registry, console);
        });
        return command;
    }

    private static int Execute(
        string? outPath, IReadOnlyList<int> threads, double seconds, IReadOnlySet<string> suites, FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        if (!(seconds > 0 && seconds <= 60))
        {
            throw new DfaInputException($"--seconds must be in (0, 60], got {seconds.ToString(CultureInfo.InvariantCulture)}");
        }

        OutputFolder? folder = outPath is null ? null : OutputFolder.Claim(outPath);
        try
        {
            return Measure(folder, threads, seconds, suites, registry, console);
        }
        finally
        {
            folder?.AbandonIfUnused();
        }
    }

    private static int Measure(
        OutputFolder? folder, IReadOnlyList<int> threads, double seconds, IReadOnlySet<string> suites, FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]dfa bench[/]: {Environment.ProcessorCount} cores, {Markup.Escape(RuntimeInformation.ProcessArchitecture.ToString())}, GEMM kernel {Markup.Escape(Gemm.KernelDescription)}");

        var results = new List<BenchResult>();
        string? corename = null;
        IReadOnlyList<BenchResult> gemm = [];
        if (suites.Contains("gemm"))
        {
            var log = new StringWriter();
            gemm = GemmBench.Run(threads: threads, minSeconds: seconds, log: log);
            corename = log.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("OpenBLAS core: ", StringComparison.Ordinal))?["OpenBLAS core: ".Length..].Trim();
            foreach (string line in log.ToString().Split('\n').Where(l => l.StartsWith("OpenBLAS baseline skipped", StringComparison.Ordinal)))
            {
                console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
            }

            results.AddRange(gemm);
        }

        if (suites.Contains("train"))
        {
            results.AddRange(TrainingSuite.Run(threads, seconds, t => SquareRate(gemm, t), registry));
        }

        if (suites.Contains("feedback"))
        {
            var log = new StringWriter();
            results.AddRange(FeedbackBench.Run(registry, threads, seconds, log, t => SquareRate(gemm, t)));
            foreach (string line in log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                console.MarkupLine($"[yellow]{Markup.Escape(line)}[/]");
            }
        }

        Render(console, results, corename, registry.Default.Name);
        if (folder is not null)
        {
            WriteJson(folder, results, corename);
            console.MarkupLine($"wrote {Markup.Escape(folder.PathOf("bench.json"))}");
        }

        return ExitCodes.Success;
    }

    /// <summary>OpenBLAS's 2048³ rate (FLOP/s) at <paramref name="threads"/> in this run, or null without the gemm suite or OpenBLAS.</summary>
    private static double? SquareRate(IReadOnlyList<BenchResult> gemm, int threads) =>
        gemm.FirstOrDefault(r => r.Name == SquareShape && r.Threads == threads)?.Baseline is { } gflops ? gflops * 1e9 : null;

    private static void Render(IAnsiConsole console, IReadOnlyList<BenchResult> results, string? corename, string reference)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("measurement").AddColumn("threads")
            .AddColumn(new TableColumn("ours").RightAligned()).AddColumn("unit")
            .AddColumn(new TableColumn("baseline").RightAligned()).AddColumn(new TableColumn("ratio").RightAligned())
            .AddColumn("goal");
        foreach (BenchResult r in results)
        {
            string goal = r.Goal is null ? "" : $"{Markup.Escape(r.Goal.ToString())} {(r.GoalMet switch { true => "[green]met[/]", false => "[red]missed[/]", null => "" })}";
            table.AddRow(
                Markup.Escape(r.Name), r.Threads.ToString(CultureInfo.InvariantCulture), r.Value.ToString("F1", CultureInfo.InvariantCulture), r.Unit,
                r.Baseline?.ToString("F1", CultureInfo.InvariantCulture) ?? "-", r.Ratio?.ToString("F2", CultureInfo.InvariantCulture) ?? "-", goal);
        }

        console.Write(table);
        console.MarkupLine(
            "GEMM baseline: OpenBLAS cblas_sgemm" + (corename is null ? " (unavailable)" : $" ({Markup.Escape(corename)} kernels)")
            + "; training-step baseline: the GEMM-bound rate, FLOPs per sample ÷ OpenBLAS's 2048³ rate at the same thread count"
            + " (MLP BP 7.6 M, DFA 5.1 M; CNN BP 82.0 M, DFA 55.7 M: convolutions as GEMMs plus the FC layers);"
            + " epoch-loop baseline: the bare DFA step at the same thread count;"
            + $" feedback baseline: the {Markup.Escape(reference)} backend at the same batch and thread count, or the GEMM-bound rate of the products a line names.");
    }

    private static void WriteJson(OutputFolder folder, IReadOnlyList<BenchResult> results, string? corename)
    {
        static KeyValuePair<string, object?> F(string key, object? value) => new(key, value);
        List<KeyValuePair<string, object?>> Row(BenchResult r)
        {
            var row = new List<KeyValuePair<string, object?>> { F("name", r.Name), F("threads", r.Threads), F("value", r.Value), F("unit", r.Unit) };
            if (r.Baseline is { } baseline)
            {
                row.Add(F("baseline", baseline));
                row.Add(F("ratio", r.Ratio));
            }

            if (r.Goal is { } goal)
            {
                row.Add(F("goal", goal.ToString()));
                row.Add(F("goal_met", r.GoalMet));
            }

            return row;
        }

        JsonFile.Write(folder.PathOf("bench.json"),
        [
            F("gemm_kernel", Gemm.KernelDescription),
            F("openblas_core", corename),
            F("cores", Environment.ProcessorCount),
            F("results", results.Select(Row).ToList()),
        ]);
    }

    private static HashSet<string> ParseSuites(string text)
    {
        string[] known = ["gemm", "train", "feedback"];
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string name = part.ToLowerInvariant();
            if (!known.Contains(name))
            {
                throw new DfaInputException($"--suite takes a comma-separated list of {string.Join(", ", known)}; got '{part}'");
            }

            set.Add(name);
        }

        return set.Count > 0 ? set : throw new DfaInputException("--suite is empty");
    }
}
