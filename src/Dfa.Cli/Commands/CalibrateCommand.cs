using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Costing;
using Dfa.Core;
using Dfa.Runs.Calibration;
using Dfa.Runs.Costing;
using Dfa.Runs.Files;
using Dfa.Runs.Reports;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa calibrate [--out FILE] [--threads N] [--seconds S] [--validate]</c>: measures this machine (peak FP32 GEMM
/// rate, the GEMM efficiency curve over a grid of shapes, batch-1 efficiency, triad bandwidth per memory level; see <see cref="Calibrator"/>),
/// writes them with their sources into a copy of the CPU profile template, atomically, into a new file (never a shipped
/// profile: <see cref="CalibrationTarget"/>), and loads the result back to validate it. <c>--validate</c> then runs <c>dfa validate</c> on the written profile.
/// <c>dfa validate [--profile FILE] [--threads N] [--seconds S] [--quick] [--out FILE]</c>: the cost model's predicted
/// seconds per training step against measured steps on held-out workloads (see <see cref="HeldOutValidation"/>).
/// </summary>
internal static class CalibrateCommand
{
    /// <summary>The profile calibrate writes by default, and its template.</summary>
    public const string CpuProfile = "cpu-avx512-2core";

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var output = new Option<string?>("--out", "-o") { Description = "Profile file to write, not a shipped one (default: local/cpu-HOST.yaml in the profiles folder, git-ignored). Its name: is the file name." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the --out file if it exists." };
        var template = new Option<string?>("--template") { Description = $"Profile whose unmeasured fields are kept (default: {CpuProfile}.yaml in the profiles folder)." };
        Option<string?> dir = DfaOptions.ProfileDir();
        Option<int> threads = ThreadsOption();
        var seconds = new Option<double>("--seconds") { Description = "Minimum seconds of timed repetitions per measurement (about 6 measurements).", DefaultValueFactory = _ => 2 };
        var square = new Option<int>("--square") { Description = "n of the n×n×n GEMM whose rate is the peak.", DefaultValueFactory = _ => 2048 };
        var dramMb = new Option<int>("--dram-array-mb") { Description = "MiB per triad array for the off-chip level (3 arrays).", DefaultValueFactory = _ => 256 };
        var statistic = new Option<string>("--statistic")
        {
            Description = "Which repetition each rate comes from: median (default: a typical call, the statistic a training run's mean step time reflects) or best (the fastest).",
            DefaultValueFactory = _ => "median",
        };
        var validate = new Option<bool>("--validate") { Description = "Then compare predicted and measured training steps on the written profile (dfa validate)." };
        var command = new Command("calibrate", "Measure this CPU (GEMM peak and efficiencies, memory bandwidth) into its hardware profile.")
        {
            output, overwrite, template, dir, threads, seconds, square, dramMb, statistic, validate,
        };
        command.SetAction(parse =>
        {
            int t = Threads(parse.GetValue(threads));
            double s = Seconds(parse.GetValue(seconds));
            int n = parse.GetValue(square);
            int mb = parse.GetValue(dramMb);
            CalibrationOptions.CheckSizes(n, mb);
            string? folder = parse.GetValue(dir);
            string templatePath = parse.GetValue(template) ?? Path.Combine(ProfileFolder.Locate(folder), CpuProfile + ".yaml");
            string outPath = CalibrationTarget.Resolve(parse.GetValue(output), ProfileFolder.Locate(folder), parse.GetValue(overwrite));
            HardwareProfile templateProfile = ProfileLoader.Load(templatePath);
            string templateText = File.ReadAllText(templatePath);

            console.MarkupLine($"calibrating with {Units.Count(t, "thread")}, ≥ {s.ToString(CultureInfo.InvariantCulture)} s per measurement on {Markup.Escape(Calibrator.CpuModel())}");
            DateTime now = DateTime.UtcNow;
            IReadOnlyList<Measurement> measured = Calibrator.Run(templateProfile, new CalibrationOptions(t, s, n, (long)mb << 20, ParseStatistic(parse.GetRequiredValue(statistic))), now);
            string name = Path.GetFileNameWithoutExtension(outPath);
            string header = FormattableString.Invariant($"measured fields written {now:yyyy-MM-dd HH:mm} UTC from template {Path.GetFileName(templatePath)}; the others are the template's");
            string description = FormattableString.Invariant($"{Calibrator.CpuModel()}, {Environment.ProcessorCount} logical CPUs, measured by dfa calibrate {now:yyyy-MM-dd} with {Units.Count(t, "thread")}; unmeasured fields from {Path.GetFileName(templatePath)}");
            string text = ProfileRewriter.Rewrite(templateText, measured, name, header, description);

            // Validate before replacing anything, then write atomically and load what was written.
            ProfileLoader.Parse(text, outPath);
            AtomicFile.WriteAllText(outPath, text);
            HardwareProfile written = ProfileLoader.Load(outPath);

            var table = new Table().Border(TableBorder.Simple)
                .AddColumn("field").AddColumn(new TableColumn("value").RightAligned()).AddColumn("unit").AddColumn(new TableColumn("was").RightAligned()).AddColumn("what");
            foreach (Measurement m in measured)
            {
                ProfileField after = written.Fields.Single(f => f.Path == m.Path);
                ProfileField? was = templateProfile.Fields.FirstOrDefault(f => f.Path == m.Path);
                table.AddRow(
                    Markup.Escape(m.Path), ProfilesCommand.FormatValue(after.Value), Markup.Escape(after.Unit),
                    was is null ? "" : ProfilesCommand.FormatValue(was.Value), Markup.Escape(m.What));
            }

            console.Write(table);
            console.MarkupLine($"wrote {Markup.Escape(Path.GetFullPath(outPath))} (profile {Markup.Escape(written.Name)}, loads and validates)");
            if (parse.GetValue(validate))
            {
                RunValidation(new Prices(written), t, s, quick: false, output: null, registry, console);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static Command CreateValidate(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var profile = new Option<string?>("--profile", "-p")
        {
            Description = $"A profile NAME or all: its published figures (validation:) against the model's predictions. A FILE (a path, or ending .yaml): measure this machine against that CPU profile (default: this host's local/cpu-HOST.yaml from dfa calibrate if there is one, else {CpuProfile}.yaml).",
        };
        Option<string?> dir = DfaOptions.ProfileDir();
        Option<int> threads = ThreadsOption();
        var seconds = new Option<double>("--seconds") { Description = "Minimum seconds per timed run of training steps (three runs per workload).", DefaultValueFactory = _ => 0.5 };
        var quick = new Option<bool>("--quick") { Description = "Measuring this machine: 8 of the held-out workloads (MLP widths 256 and 1024, batch 32 and 128, BP and DFA)." };
        var output = new Option<string?>("--out", "-o") { Description = "The JSON file to write (default runs/validate-<UTC time>.json); measuring this machine also writes the plot beside it (.png)." };
        var command = new Command("validate", "Compare the cost model's predicted training-step times with steps measured on this machine (held-out MLPs and the MNIST CNN; BP, DFA, FA, HDFA), or (--profile NAME|all) with the profiles' published figures.")
        {
            profile, dir, threads, seconds, quick, output,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(profile) is { } named && !named.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) && !named.Contains('/', StringComparison.Ordinal))
            {
                if (new Option[] { threads, seconds, quick }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } given)
                {
                    throw new DfaInputException($"{given.Name} applies only to measuring this machine (dfa validate [--profile FILE]), not to the published figures of --profile {named}");
                }

                PublishedValidationReport.Run(ProfileFolder.Open(parse.GetValue(dir)), named, parse.GetValue(output), registry, console);
                return ExitCodes.Success;
            }

            string path = parse.GetValue(profile) ?? CalibrationTarget.ProfileToValidate(ProfileFolder.Locate(parse.GetValue(dir)), CpuProfile);
            RunValidation(new Prices(ProfileLoader.Load(path)), Threads(parse.GetValue(threads)), Seconds(parse.GetValue(seconds)), parse.GetValue(quick), parse.GetValue(output), registry, console);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void RunValidation(Prices prices, int threads, double seconds, bool quick, string? output, FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        if (output is not null && (string.IsNullOrWhiteSpace(output) || Directory.Exists(output) || output.EndsWith(".png", StringComparison.OrdinalIgnoreCase)))
        {
            throw new DfaInputException($"--out '{output}' must name the JSON file (the plot is written beside it as .png), not a folder or a .png");
        }

        IReadOnlyList<HeldOutWorkload> workloads = HeldOutValidation.Workloads(threads, quick);
        string json = output ?? Path.Combine("runs", $"validate-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");
        string png = Path.ChangeExtension(json, ".png");
        try
        {
            // Before minutes of measuring, not after: a folder that cannot be made fails now.
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"--out '{json}': cannot create its folder: {ex.Message}");
        }

        console.MarkupLine($"validating {Markup.Escape(prices.Name)} on {workloads.Count} held-out workloads ({Units.Count(threads, "thread")}, Adam; MLPs tanh, the CNN ReLU; random data)");
        var table = new Table().Border(TableBorder.Simple).AddColumn("workload").AddColumn("method")
            .AddColumn(new TableColumn("predicted s/step").RightAligned()).AddColumn(new TableColumn("measured s/step").RightAligned()).AddColumn(new TableColumn("error").RightAligned());
        IReadOnlyList<HeldOutResult> results = HeldOutValidation.Run(prices, workloads, seconds, registry, r =>
            table.AddRow(Markup.Escape(r.Workload.Name), r.Workload.Method, Inv($"{r.Predicted:0.000e0}"), Inv($"{r.Measured:0.000e0}"), Inv($"{r.Error:+0.0%;-0.0%}")));
        console.Write(table);
        double median = HeldOutValidation.MedianAbsError(results), worst = HeldOutValidation.WorstAbsError(results);
        console.MarkupLine(Inv($"median |error| {median:P1} (target ≤ {HeldOutValidation.MedianTarget:P0}: {(median <= HeldOutValidation.MedianTarget ? "met" : "missed")}), worst {worst:P1} (target ≤ {HeldOutValidation.WorstTarget:P0}: {(worst <= HeldOutValidation.WorstTarget ? "met" : "missed")})"));
        console.MarkupLine("measured s/step: the mean step of the best of three timed runs; the profile's GEMM curve was fitted on other shapes (dfa calibrate), so every workload here is held out");
        if (File.Exists("/proc/loadavg"))
        {
            console.MarkupLine($"load average during the run (/proc/loadavg): {Markup.Escape(File.ReadAllText("/proc/loadavg").Trim())}");
        }

        try
        {
            HeldOutValidation.WriteJson(json, prices.Name, threads, results);
            AtomicFile.WriteAllBytes(png, new Plots.CurvePlot().Png(HeldOutValidation.Chart(prices.Name, threads, results)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"--out '{json}': cannot write the results: {ex.Message}");
        }

        console.MarkupLine("the model leaves out: " + Markup.Escape(string.Join("; ", HeldOutValidation.LeftOut)));
        console.MarkupLine($"wrote {Markup.Escape(json)} and {Markup.Escape(png)}");
    }

    private static bool ParseStatistic(string text) => text.ToLowerInvariant() switch
    {
        "best" => false,
        "median" => true,
        _ => throw new DfaInputException($"--statistic takes best or median, got '{text}'"),
    };

    private static Option<int> ThreadsOption() =>
        new("--threads") { Description = "Threads for every measurement (default: all cores).", DefaultValueFactory = _ => Environment.ProcessorCount };

    private static int Threads(int t) => t is >= 1 and <= 1024 ? t : throw new DfaInputException($"--threads must be in [1, 1024], got {t}");

    private static double Seconds(double s) =>
        s is > 0 and <= 600 ? s : throw new DfaInputException($"--seconds must be in (0, 600], got {s.ToString(CultureInfo.InvariantCulture)}");

    private static string Inv(FormattableString s) => FormattableString.Invariant(s);
}
