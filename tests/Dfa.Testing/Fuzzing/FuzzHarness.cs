using System.Diagnostics;
using System.Globalization;
using System.Text;
using NUnit.Framework;

namespace Dfa.Testing.Fuzzing;

/// <summary>
/// Runs fuzz cases against a target and checks the contract every loader promises for hostile input: each case ends
/// in success or the loader's clean exception (a <see cref="Dfa.Core.DfaInputException"/> with a non-empty one-line
/// message and no stack trace), within the per-case time limit and allocation cap; never another exception type.
/// </summary>
/// <remarks>
/// Each case runs on a thread-pool task awaited with <see cref="FuzzSettings.Timeout"/> (a hang); its processor time is
/// the growth of the process's <see cref="Process.TotalProcessorTime"/> across the case, checked against
/// <see cref="FuzzSettings.CpuLimit"/> (runaway work); allocation is the growth of
/// <see cref="GC.GetTotalAllocatedBytes"/> (process-wide, so helper threads count too), checked against
/// <see cref="FuzzSettings.MaxAllocatedBytes"/>. The tests run their cases one after another, so both deltas belong
/// to the case. A failing
/// case's input is saved under the test's work directory as <c>fuzz-failures/KIND/seed-S-case-I.bin</c> with a
/// <c>.txt</c> beside it, and every failure message names the seed and case index (<c>DFA_FUZZ_SEED</c>,
/// <c>DFA_FUZZ_CASE</c> reproduce it). A hang stops the run, since the stuck thread cannot be aborted.
/// </remarks>
public static class FuzzHarness
{
    /// <summary>Longest error message accepted as "one line": long enough for a path plus a sentence.</summary>
    public const int MaxMessageLength = 1000;

    private const int MaxReportedFailures = 20;

    /// <summary>Runs <paramref name="settings"/>.Cases cases (or the one <see cref="FuzzSettings.OnlyCase"/>).</summary>
    /// <param name="kind">Names the input kind in output, failure messages and the failure folder (e.g. <c>config</c>).</param>
    /// <param name="settings">Seed, case count, limits.</param>
    /// <param name="generate">Case index → input (usually <see cref="Mutator.Generate"/>).</param>
    /// <param name="target">
    /// Feeds one input to the code under test. Returns normally when the input was accepted; throws the loader's
    /// clean exception when it was refused; throws <see cref="FuzzViolation"/> for a contract breach it detects itself
    /// (e.g. a CLI exit code).
    /// </param>
    /// <param name="extension">File extension for saved failing inputs (e.g. <c>yaml</c>).</param>
    public static FuzzReport Run(string kind, FuzzSettings settings, Func<int, FuzzInput> generate, Action<FuzzInput> target, string extension = "bin")
    {
        ArgumentNullException.ThrowIfNull(settings);
        var report = new FuzzReport(kind, settings.Seed);
        var clock = Stopwatch.StartNew();
        using var process = Process.GetCurrentProcess();
        IEnumerable<int> indices = settings.OnlyCase is { } only ? [only] : Enumerable.Range(0, settings.Cases);
        foreach (int index in indices)
        {
            FuzzInput input = generate(index);
            report.CountStrategy(input.Strategy);
            long before = GC.GetTotalAllocatedBytes(precise: false);
            TimeSpan cpuBefore = process.TotalProcessorTime;
            var caseClock = Stopwatch.StartNew();
            var task = Task.Run(() => target(input));
            string? failure;
            bool hung = false;
            try
            {
                if (!task.Wait(settings.Timeout))
                {
                    hung = true;
                    failure = $"still running after {settings.Timeout.TotalSeconds:F0} s (a hang or an unbounded loop)";
                }
                else
                {
                    report.Succeeded++;
                    failure = null;
                }
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count == 1)
            {
                failure = CheckRefusal(ex.InnerException!);
                if (failure is null)
                {
                    report.CleanErrors++;
                    report.LongestMessage = Math.Max(report.LongestMessage, ex.InnerException!.Message.Length);
                }
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: false) - before;
            report.MaxAllocatedBytes = Math.Max(report.MaxAllocatedBytes, allocated);
            process.Refresh();
            TimeSpan cpu = process.TotalProcessorTime - cpuBefore;
            report.Record(input, caseClock.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds, allocated);
            if (failure is null && !hung && allocated > settings.MaxAllocatedBytes)
            {
                failure = $"allocated {allocated >> 20} MB, above the {settings.MaxAllocatedBytes >> 20} MB limit per case";
            }

            if (failure is null && !hung && cpu > settings.CpuLimit)
            {
                failure = $"took {cpu.TotalMilliseconds:F0} ms of processor time, above the {settings.CpuLimit.TotalMilliseconds:F0} ms limit per case";
            }

            if (failure is not null)
            {
                report.Failures.Add(Describe(kind, settings, input, failure, extension));
                if (hung || report.Failures.Count >= MaxReportedFailures)
                {
                    break;
                }
            }
        }

        report.Cases = settings.OnlyCase is null ? settings.Cases : 1;
        report.WallSeconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    /// <summary>Null when <paramref name="ex"/> is a clean refusal; otherwise what is wrong with it.</summary>
    public static string? CheckRefusal(Exception ex)
    {
        if (ex is FuzzViolation violation)
        {
            return violation.Message;
        }

        if (ex is not Dfa.Core.DfaInputException)
        {
            return $"threw {ex.GetType().FullName}: {OneLine(ex.Message)} at {OneLine(ex.StackTrace ?? "")}";
        }

        return CheckMessage(ex.Message);
    }

    /// <summary>Null when <paramref name="message"/> is one clean line; otherwise what is wrong with it.</summary>
    public static string? CheckMessage(string message)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return "refused with an empty message";
        }

        if (message.Contains('\n') || message.Contains('\r'))
        {
            return $"message spans several lines: {OneLine(message)}";
        }

        if (message.Contains("   at ", StringComparison.Ordinal) || message.Contains("Exception:", StringComparison.Ordinal))
        {
            return $"message carries a stack trace or exception dump: {Shorten(message)}";
        }

        return message.Length > MaxMessageLength
            ? $"message is {message.Length} characters, above {MaxMessageLength}: {Shorten(message)}"
            : null;
    }

    private static string Describe(string kind, FuzzSettings settings, FuzzInput input, string failure, string extension)
    {
        string folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures", kind);
        string name = $"seed-{settings.Seed}-case-{input.Index}";
        string saved = Path.Combine(folder, $"{name}.{extension}");
        string text = $"{kind} case {input.Index} (seed {settings.Seed}; {input.Strategy} on {input.SeedName}; {input.Bytes.Length} bytes): {failure}";
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(saved, input.Bytes);
            File.WriteAllText(Path.Combine(folder, name + ".txt"), text + "\n");
        }
        catch (IOException ex)
        {
            saved = $"(not saved: {ex.Message})";
        }

        return $"{text}; input saved to {saved}; reproduce with DFA_FUZZ_SEED={settings.Seed} DFA_FUZZ_CASE={input.Index}";
    }

    private static string OneLine(string s) => Shorten(s.ReplaceLineEndings(" | "));

    private static string Shorten(string s) => s.Length <= 300 ? s : string.Concat(s.AsSpan(0, 300), "…");
}

/// <summary>A breach of the fuzz contract that a target detects itself, e.g. a CLI exit code other than 0 or 2.</summary>
public sealed class FuzzViolation(string message) : Exception(message);

/// <summary>What one input kind's fuzz run did; <see cref="ToString"/> is the line the tests print.</summary>
public sealed class FuzzReport(string kind, ulong seed)
{
    private readonly SortedDictionary<string, int> _strategies = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _strategyMs = new(StringComparer.Ordinal);

    public string Kind { get; } = kind;

    public ulong Seed { get; } = seed;

    public int Cases { get; internal set; }

    public int Succeeded { get; internal set; }

    public int CleanErrors { get; internal set; }

    public List<string> Failures { get; } = [];

    public long MaxAllocatedBytes { get; internal set; }

    /// <summary>The slowest cases, slowest first: (index, strategy, bytes, milliseconds, allocated bytes).</summary>
    public List<(int Index, string Strategy, int Bytes, double Ms, long Allocated)> Slowest { get; } = [];

    /// <summary>Most processor time one case took, in milliseconds.</summary>
    public double MaxCpuMs { get; private set; }

    public double SlowestCaseMs => Slowest.Count == 0 ? 0 : Slowest[0].Ms;

    public int LongestMessage { get; internal set; }

    public double WallSeconds { get; internal set; }

    internal void Record(FuzzInput input, double ms, double cpuMs, long allocated)
    {
        MaxCpuMs = Math.Max(MaxCpuMs, cpuMs);
        foreach (string s in input.Strategy.Split('+'))
        {
            _strategyMs[s] = _strategyMs.GetValueOrDefault(s) + ms;
        }

        Slowest.Add((input.Index, input.Strategy, input.Bytes.Length, ms, allocated));
        Slowest.Sort((a, b) => b.Ms.CompareTo(a.Ms));
        if (Slowest.Count > 5)
        {
            Slowest.RemoveAt(5);
        }
    }

    internal void CountStrategy(string strategy)
    {
        foreach (string s in strategy.Split('+'))
        {
            _strategies[s] = _strategies.GetValueOrDefault(s) + 1;
        }
    }

    /// <summary>Strategy name → cases that used it.</summary>
    public IReadOnlyDictionary<string, int> Strategies => _strategies;

    public override string ToString()
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture,
            $"fuzz {Kind}: {Cases} cases (seed {Seed}): {Succeeded} succeeded, {CleanErrors} clean errors, {Failures.Count} failures; ");
        b.Append(CultureInfo.InvariantCulture,
            $"{WallSeconds:F1} s, slowest case {SlowestCaseMs:F0} ms (most processor time {MaxCpuMs:F0} ms), most allocated by one case {MaxAllocatedBytes / 1048576.0:F1} MB, longest message {LongestMessage} chars");
        b.Append("\n  strategies: ").AppendJoin(", ", _strategies.Select(kv =>
            string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value} ({_strategyMs.GetValueOrDefault(kv.Key) / 1000:F1} s)")));
        b.Append("\n  slowest: ").AppendJoin("; ", Slowest.Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"case {s.Index} {s.Strategy} {s.Bytes} B {s.Ms:F0} ms {s.Allocated / 1048576.0:F1} MB")));
        return b.ToString();
    }

    /// <summary>Prints the report to the test output and fails the test with every failure when there is one.</summary>
    public void AssertClean()
    {
        TestContext.Out.WriteLine(ToString());
        if (Failures.Count > 0)
        {
            Assert.Fail($"{Failures.Count} fuzz failure(s):\n" + string.Join('\n', Failures));
        }

        Assert.That(Succeeded + CleanErrors, Is.EqualTo(Cases), "every case must end in success or a clean error");
    }
}
