using System.CommandLine;
using System.Globalization;
using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;
using Spectre.Console;

namespace Dfa.Cli.Commands;

/// <summary>
/// <c>dfa backends [--hidden 800,800] [--outputs 10,1000] [--batch 128]</c>: every registered feedback backend with
/// its config keys (type, default, meaning, from its own section), and for each output size its predicted feedback storage and the work of one projection per
/// sample, from <see cref="IFeedbackBackend.Predict"/> (nothing is built, so ImageNet-size shapes cost nothing).
/// </summary>
internal static class BackendsCommand
{
    /// <summary>Largest layer or output size the listing accepts.</summary>
    private const int MaxSize = 1 << 26;

    public static Command Create(FeedbackBackendRegistry registry, IAnsiConsole console)
    {
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer widths (the feedback points), comma-separated.", DefaultValueFactory = _ => "800,800" };
        var outputs = new Option<string>("--outputs") { Description = "Output (error) sizes e, comma-separated.", DefaultValueFactory = _ => "10,1000" };
        var batch = new Option<int>("--batch") { Description = "Samples per projection call the work is predicted for.", DefaultValueFactory = _ => 128 };
        var reference = new Option<bool>("--reference") { Description = "Print the config reference of the feedback keys (every backend's section) as a Markdown table, and exit." };
        var command = new Command("backends", "List the feedback backends with their config keys, predicted storage and work per sample.") { hidden, outputs, batch, reference };
        command.SetAction(parse =>
        {
            if (parse.GetValue(reference))
            {
                console.Profile.Out.Writer.Write(Reference(registry));
                return ExitCodes.Success;
            }

            int[] layers = CommaList.Ints(parse.GetRequiredValue(hidden), "--hidden", MaxSize);
            int[] sizes = CommaList.Ints(parse.GetRequiredValue(outputs), "--outputs", MaxSize);
            int b = parse.GetValue(batch);
            if (b < 1)
            {
                throw new DfaInputException($"--batch must be at least 1, got {b}");
            }

            Render(registry, layers, sizes, b, console);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>
    /// The README's table of <c>feedback.*</c> keys, from the registry: the backends <c>feedback.backend</c> takes, and
    /// every key of every backend's own section with its type, default and meaning.
    /// </summary>
    internal static string Reference(FeedbackBackendRegistry registry)
    {
        IEnumerable<IReadOnlyList<string>> rows = ConfigLoader.Document(registry.Schema)
            .Where(d => d.Path.StartsWith("feedback.", StringComparison.Ordinal))
            .Select(d => (IReadOnlyList<string>)
            [
                $"`{d.Path}`",
                d.Default,
                d.Path == "feedback.backend"
                    ? $"one of {string.Join(", ", registry.Names.Select(n => $"`{n}`"))}: {d.Doc}"
                    : $"{d.Type}: {d.Doc}",
            ]);
        return Output.MarkdownTable.Render(["key", "default", "meaning"], rows);
    }

    private static void Render(FeedbackBackendRegistry registry, int[] layers, int[] sizes, int batch, IAnsiConsole console)
    {
        foreach (string name in registry.Names)
        {
            IFeedbackBackend backend = registry.Get(name);
            console.MarkupLine($"[bold]{Markup.Escape(name)}[/]: {Markup.Escape(backend.Description)}");
            foreach (KeyDoc key in backend.Section?.Document($"feedback.{name}") ?? [])
            {
                console.MarkupLine($"  [grey]{Markup.Escape(key.Path)}[/] ({Markup.Escape(key.Type)}; default {Markup.Escape(key.Default)}): {Markup.Escape(key.Doc)}");
            }
        }

        string reference = registry.Default.Name;
        foreach (int e in sizes)
        {
            var shape = new FeedbackShape(e, layers);
            long dense = Predict(registry, reference, shape, batch).Storage.MatrixBytes;
            var table = new Table().Border(TableBorder.Simple).Title($"e = {e} → [[{string.Join(", ", layers)}]], batch {batch}")
                .AddColumn("backend").AddColumn("layout")
                .AddColumn(new TableColumn("matrix").RightAligned()).AddColumn(new TableColumn($"÷ {reference}").RightAligned())
                .AddColumn(new TableColumn("calibration").RightAligned()).AddColumn("work per sample");
            foreach (string name in registry.Names)
            {
                FeedbackPrediction p = Predict(registry, name, shape, batch);

                string ratio = p.Storage.MatrixBytes == 0 ? "∞" : ((double)dense / p.Storage.MatrixBytes).ToString("0.#", CultureInfo.InvariantCulture);
                string work = string.Join(", ", p.PerProjection.NonZero().Select(kv => $"{kv.Key} {Format((double)kv.Value / batch)}"));
                table.AddRow(
                    Markup.Escape(name), Markup.Escape(p.Storage.Layout), Bytes(p.Storage.MatrixBytes), ratio,
                    Bytes(p.Storage.CalibrationBytes), Markup.Escape(work));
            }

            console.Write(table);
            foreach (string name in registry.Names)
            {
                if (Predict(registry, name, shape, batch).Infeasible is { } reason)
                {
                    console.MarkupLine($"[red]{Markup.Escape(name)} cannot run this shape at its defaults[/]: {Markup.Escape(reason)}");
                }
            }
        }
    }

    private static FeedbackPrediction Predict(FeedbackBackendRegistry registry, string name, FeedbackShape shape, int batch)
    {
        try
        {
            return registry.Get(name).Predict(shape, new FeedbackConfig { Backend = name }, batch);
        }
        catch (OverflowException)
        {
            throw new DfaInputException($"{name}: {shape} at batch {batch} is too large to count in 64-bit counters");
        }
    }

    internal static string Bytes(long bytes) => bytes switch
    {
        < 10_000 => $"{bytes} B",
        < 1_000_000 => $"{bytes / 1e3:0.##} kB",
        < 1_000_000_000 => $"{bytes / 1e6:0.##} MB",
        _ => $"{bytes / 1e9:0.##} GB",
    };

    private static string Format(double value) =>
        value >= 1e6 ? value.ToString("0.###e0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture);
}
