using System.Text.RegularExpressions;
using Dfa.Cli.Output;
using Dfa.Core.Training;
using Dfa.Testing;
using Spectre.Console;

namespace Dfa.Cli.Tests;

/// <summary>Console output a log can be read from: no padding, one number format, plurals, aligned rows, progress lines.</summary>
public sealed partial class ConsoleOutputTests
{
    private static readonly string Profiles = RepoPaths.Combine("hardware-profiles");

    [GeneratedRegex(@"\dE[+-]\d")]
    private static partial Regex ExponentNotation();

    [Test]
    public void RedirectedConsole_EndsNoLineInSpaces()
    {
        var output = new StringWriter();
        IAnsiConsole console = DfaApp.RedirectedConsole(output);

        console.Write(new Table().Border(TableBorder.Simple).AddColumn("name").AddColumn(new TableColumn("value").RightAligned()).AddRow("a", "1").AddRow("longer name", "12345"));
        console.MarkupLine("done");

        string[] lines = output.ToString().Split('\n');
        Assert.That(lines.Where(l => l.EndsWith(' ')), Is.Empty, output.ToString());
        Assert.That(output.ToString(), Does.Contain("longer name").And.Contain("done"));
    }

    [Test]
    public void CostTable_WritesNumbersInOneFormat_WithoutExponentNotation()
    {
        CliResult result = CliRunner.Run("cost", "--workloads", "mnist-mlp,vgg16", "--outputs", "10,1000", "--profiles", "all", "--dir", Profiles);

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(ExponentNotation().Matches(result.Output).Select(m => m.Value), Is.Empty);
    }

    [Test]
    public void Sweep_WritesNumbersInOneFormat_AndOnePointInTheSingular()
    {
        using var temp = new TempFolder();
        CliResult many = CliRunner.Run(
            "sweep", "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--backends", "dense,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:7",
            "--dir", Profiles, "--out", temp.Combine("many"));
        CliResult one = CliRunner.Run(
            "sweep", "--workload", "vgg16", "--profile", "lighton-opu-aurora", "--backends", "dense,optical", "--vary", "optical.frame_time_s=1e-6:1e-3:log:1",
            "--dir", Profiles, "--out", temp.Combine("one"));

        Assert.That(many.ExitCode, Is.EqualTo(0), many.Error);
        Assert.That(ExponentNotation().Matches(many.Output).Select(m => m.Value), Is.Empty, many.Output);
        Assert.That(many.Output, Does.Contain("1e-6"));
        Assert.That(one.ExitCode, Is.EqualTo(0), one.Error);
        Assert.That(one.Output, Does.Contain(", 1 point").And.Not.Contain("1 points"));
    }

    [Test]
    public void Report_OfOneRun_WritesOneRowInTheSingular()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, """
            batch_size: 32
            epochs: 1
            model: {hidden: [8]}
            data: {dataset: synthetic, synthetic: {inputs: 10, classes: 3, train: 64, test: 32}}
            logging: {alignment_every: 0, tensorboard: false, plots: false, histograms: false}
            threads: 1
            """);
        Assert.That(CliRunner.Run("train", "-c", config, "-o", temp.Combine("run")).ExitCode, Is.EqualTo(0));

        CliResult result = CliRunner.Run("report", temp.Combine("run"), "--out", temp.Combine("r.md"));

        Assert.That(result.ExitCode, Is.EqualTo(0), result.Error);
        Assert.That(result.Output, Does.Contain("wrote 1 row to"));
    }

    /// <summary>A loss in the millions keeps every column where the header put it.</summary>
    [Test]
    public void TrainingRows_WithHugeLosses_StayAlignedWithTheHeader()
    {
        var output = new StringWriter();
        IAnsiConsole console = DfaApp.RedirectedConsole(output);
        var view = new TrainingConsole(console, verbose: true, hasValidation: false);

        view.WriteHeader();
        view.OnEpochCompleted(new EpochMetrics(1, 1e-3, 0.6931, 0.5, null, null, 0.7, 0.5, 1.2, 1234));
        view.OnEpochCompleted(new EpochMetrics(12, 1e-3, 12_345_678.9, 0.1, null, null, 987_654_321.5, 0.1, 12_345.6, 123_456_789));

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        int[] headerEnds = ColumnEnds(lines[0]);
        foreach (string row in lines[1..])
        {
            Assert.That(ColumnEnds(row), Has.Length.EqualTo(7).And.SubsetOf(headerEnds), lines[0] + "\n" + row);
        }

        Assert.That(ExponentNotation().IsMatch(output.ToString()), Is.False);
    }

    /// <summary>Outside a terminal there is no progress bar; a long epoch still says how far it is, every 10 s or so.</summary>
    [Test]
    public void TrainingProgress_NotOnATerminal_IsAPlainLineEveryFewSeconds()
    {
        var output = new StringWriter();
        IAnsiConsole console = DfaApp.RedirectedConsole(output);
        var time = new ManualTime();
        var view = new TrainingConsole(console, verbose: true, hasValidation: false, time);

        view.OnEpochStarted(1, 100);
        for (int batch = 1; batch <= 100; batch++)
        {
            time.Advance(TimeSpan.FromSeconds(0.5));
            view.OnBatch(1, batch, 100);
        }

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Is.EqualTo(new[] { "  epoch 1: 20/100 batches", "  epoch 1: 40/100 batches", "  epoch 1: 60/100 batches", "  epoch 1: 80/100 batches" }));
    }

    [Test]
    public void TrainingProgress_OnAShortEpoch_IsQuiet()
    {
        var output = new StringWriter();
        var view = new TrainingConsole(DfaApp.RedirectedConsole(output), verbose: true, hasValidation: false, new ManualTime());

        view.OnEpochStarted(1, 10);
        for (int batch = 1; batch <= 10; batch++)
        {
            view.OnBatch(1, batch, 10);
        }

        Assert.That(output.ToString(), Is.Empty);
    }

    /// <summary>Every file a run leaves in its folder has a row in README's run-folder table.</summary>
    [Test]
    public void ReadmeRunFolderTable_NamesEveryFileARunWrites()
    {
        using var temp = new TempFolder();
        string config = temp.Combine("c.yaml");
        File.WriteAllText(config, """
            batch_size: 32
            epochs: 1
            backward_method: DFA
            model: {hidden: [8]}
            data: {dataset: synthetic, synthetic: {inputs: 10, classes: 3, train: 64, test: 32}}
            logging: {alignment_every: 1, tensorboard: true, plots: true, histograms: true}
            threads: 1
            """);
        Assert.That(CliRunner.Run("train", "-c", config, "-o", temp.Combine("run")).ExitCode, Is.EqualTo(0));
        string readme = File.ReadAllText(RepoPaths.Combine("README.md"));
        string table = readme[readme.IndexOf("A run folder holds:", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n\n", table.IndexOf("| file |", StringComparison.Ordinal), StringComparison.Ordinal)];

        foreach (string file in Directory.GetFiles(temp.Combine("run")).Select(Path.GetFileName).OfType<string>())
        {
            string named = file.StartsWith("events.out.tfevents.", StringComparison.Ordinal) ? "events.out.tfevents.*" : file;
            Assert.That(table, Does.Contain($"`{named}`"), file);
        }
    }

    /// <summary>The character offset where each whitespace-separated field of a line ends.</summary>
    private static int[] ColumnEnds(string line) => [.. Regex.Matches(line, @"\S+").Select(m => m.Index + m.Length)];

    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
