using System.Globalization;

namespace Dfa.Testing.Fuzzing;

/// <summary>
/// The fuzz tests' knobs, from the environment so CI and a developer reproducing a failure run the same code:
/// <c>DFA_FUZZ_CASES</c> (cases per input kind, default 3000; the in-process CLI runs a tenth of it),
/// <c>DFA_FUZZ_SEED</c> (default 20261128), <c>DFA_FUZZ_CASE</c> (run only this case index, to reproduce one failure),
/// <c>DFA_FUZZ_CPU_MS</c> (processor time per case, default 10000), <c>DFA_FUZZ_TIMEOUT_MS</c> (wall time per case before
/// the case counts as hung, default 30 000).
/// </summary>
public sealed record FuzzSettings
{
    public const int DefaultCases = 3000;
    public const ulong DefaultSeed = 20261128;

    /// <summary>
    /// Per-case processor-time limit: a detector for runaway work (quadratic loops, expansion), not a speed check. A
    /// case normally takes a few milliseconds and a 1 MiB input a few hundred; processor time, unlike wall time, does
    /// not grow when other jobs share the machine.
    /// </summary>
    public static readonly TimeSpan DefaultCpuLimit = TimeSpan.FromSeconds(10);

    /// <summary>Per-case wall-time limit after which a case counts as hung (a deadlock or a loop that never ends).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Most bytes the process may allocate while one case runs: far above any sane input's needs (a few MB).</summary>
    public const long DefaultMaxAllocatedBytes = 256L << 20;

    public int Cases { get; init; } = DefaultCases;

    public ulong Seed { get; init; } = DefaultSeed;

    /// <summary>When set, only this case index runs (reproduction).</summary>
    public int? OnlyCase { get; init; }

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public TimeSpan CpuLimit { get; init; } = DefaultCpuLimit;

    public long MaxAllocatedBytes { get; init; } = DefaultMaxAllocatedBytes;

    /// <summary>The settings the environment asks for; unset or unparsable variables keep their defaults.</summary>
    public static FuzzSettings FromEnvironment() => new()
    {
        Cases = Int("DFA_FUZZ_CASES") is { } n and >= 0 ? n : DefaultCases,
        Seed = ulong.TryParse(Environment.GetEnvironmentVariable("DFA_FUZZ_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed,
        OnlyCase = Int("DFA_FUZZ_CASE") is { } c and >= 0 ? c : null,
        Timeout = Int("DFA_FUZZ_TIMEOUT_MS") is { } ms and > 0 ? TimeSpan.FromMilliseconds(ms) : DefaultTimeout,
        CpuLimit = Int("DFA_FUZZ_CPU_MS") is { } cpu and > 0 ? TimeSpan.FromMilliseconds(cpu) : DefaultCpuLimit,
    };

    /// <summary>These settings with <see cref="Cases"/> scaled (the CLI fuzz runs a tenth of the library fuzz's cases).</summary>
    public FuzzSettings WithCases(int cases) => this with { Cases = cases };

    private static int? Int(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
}
