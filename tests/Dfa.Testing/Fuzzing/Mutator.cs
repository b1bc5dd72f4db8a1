using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Dfa.Core.Randomness;

namespace Dfa.Testing.Fuzzing;

/// <summary>
/// A seeded, deterministic mutation fuzzer: case <c>i</c> picks a seed-corpus file and applies one to three
/// strategies, all drawn from <c>Rng.Derive(seed, "case i")</c>, so a case reproduces from (seed, index) alone, on any
/// machine, without running the cases before it.
/// </summary>
/// <remarks>
/// Byte strategies (every kind): bit flips, byte overwrites, random insertions, deletions, truncation, splicing chunks
/// of another corpus file, duplicating a chunk. YAML strategies (<see cref="InputKind.Yaml"/>): numbers replaced by
/// huge, negative, NaN, <c>1e309</c>, <c>-0</c>, hex and very long digit strings; odd scalars; nesting far beyond
/// the loaders' limits (flow, block and unclosed); alias bombs ("billion laughs"), anchors, aliases and merge keys;
/// tags and directives; multi-document streams; re-encoding (UTF-16/32 with and without byte-order mark, Latin-1,
/// invalid UTF-8, NUL bytes); very long keys, values, lines and lists, very many keys; duplicated keys. IDX strategies
/// (<see cref="InputKind.Idx"/>): interesting big-endian int32s written over the header (0, −1, int.MaxValue, limits
/// ± 1, counts whose products overflow 32 bits), changed magic bytes, payloads grown or cut.
/// </remarks>
public sealed partial class Mutator
{
    private readonly ulong _seed;
    private readonly IReadOnlyList<FuzzSeed> _corpus;
    private readonly (string Name, Func<byte[], Rng, byte[]> Apply)[] _strategies;

    /// <param name="seed">Names the whole sequence of cases.</param>
    /// <param name="corpus">Valid inputs to start from; at least one.</param>
    /// <param name="kind">Which strategies apply besides the byte-level ones.</param>
    public Mutator(ulong seed, IReadOnlyList<FuzzSeed> corpus, InputKind kind)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfZero(corpus.Count);
        _seed = seed;
        _corpus = corpus;
        _strategies = [.. ByteStrategies(), .. kind == InputKind.Yaml ? YamlStrategies() : IdxStrategies()];
    }

    /// <summary>The names of the strategies this mutator draws from.</summary>
    public IEnumerable<string> StrategyNames => _strategies.Select(s => s.Name);

    /// <summary>Case <paramref name="index"/>'s input; a pure function of (seed, index, corpus).</summary>
    public FuzzInput Generate(int index)
    {
        var rng = Rng.Derive(_seed, $"case {index}");
        var from = _corpus[rng.NextInt(_corpus.Count)];
        var bytes = from.Bytes;
        var rounds = rng.NextInt(4) == 0 ? 2 + rng.NextInt(2) : 1;
        var names = new string[rounds];
        for (var r = 0; r < rounds; r++)
        {
            var (name, apply) = _strategies[rng.NextInt(_strategies.Length)];
            bytes = apply(bytes, rng);
            names[r] = name;
        }

        return new FuzzInput(index, bytes, string.Join('+', names), from.Name);
    }

    private (string, Func<byte[], Rng, byte[]>)[] ByteStrategies() =>
    [
        ("flip-bits", FlipBits),
        ("set-bytes", SetBytes),
        ("insert-bytes", InsertBytes),
        ("delete-range", DeleteRange),
        ("truncate", Truncate),
        ("splice", Splice),
        ("duplicate-chunk", DuplicateChunk),
    ];

    private static (string, Func<byte[], Rng, byte[]>)[] YamlStrategies() =>
    [
        ("replace-number", Text(ReplaceNumber)),
        ("replace-number", Text(ReplaceNumber)),
        ("replace-scalar", Text(ReplaceScalar)),
        ("deep-nesting", Text(DeepNesting)),
        ("alias-bomb", Text(AliasBomb)),
        ("anchors-merge", Text(AnchorsAndMerges)),
        ("tags", Text(Tags)),
        ("multi-document", Text(MultiDocument)),
        ("encoding", Reencode),
        ("long-token", Text(LongToken)),
        ("many-keys", Text(ManyKeys)),
        ("duplicate-key", Text(DuplicateLine)),
        ("yaml-indicators", Text(Indicators)),
    ];

    private static (string, Func<byte[], Rng, byte[]>)[] IdxStrategies() =>
    [
        ("header-int32", HeaderInt32),
        ("header-int32", HeaderInt32),
        ("magic", Magic),
        ("payload-length", PayloadLength),
    ];

    // ---- byte strategies ----

    private static byte[] FlipBits(byte[] b, Rng rng)
    {
        if (b.Length == 0)
        {
            return b;
        }

        var r = (byte[])b.Clone();
        for (int n = 1 + rng.NextInt(8); n > 0; n--)
        {
            r[rng.NextInt(r.Length)] ^= (byte)(1 << rng.NextInt(8));
        }

        return r;
    }

    private static readonly byte[] InterestingBytes = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x0A, 0x0D, 0x22, 0x27];

    private static byte[] SetBytes(byte[] b, Rng rng)
    {
        if (b.Length == 0)
        {
            return b;
        }

        var r = (byte[])b.Clone();
        for (int n = 1 + rng.NextInt(8); n > 0; n--)
        {
            r[rng.NextInt(r.Length)] = rng.NextInt(2) == 0 ? InterestingBytes[rng.NextInt(InterestingBytes.Length)] : (byte)rng.NextInt(256);
        }

        return r;
    }

    private static byte[] InsertBytes(byte[] b, Rng rng)
    {
        var insert = new byte[1 + rng.NextInt(32)];
        for (int i = 0; i < insert.Length; i++)
        {
            insert[i] = (byte)rng.NextInt(256);
        }

        return Insert(b, rng.NextInt(b.Length + 1), insert);
    }

    private static byte[] DeleteRange(byte[] b, Rng rng)
    {
        if (b.Length == 0)
        {
            return b;
        }

        int at = rng.NextInt(b.Length);
        int count = Math.Min(1 + rng.NextInt(64), b.Length - at);
        return [.. b.AsSpan(0, at), .. b.AsSpan(at + count)];
    }

    private static byte[] Truncate(byte[] b, Rng rng) => b[..rng.NextInt(b.Length + 1)];

    private byte[] Splice(byte[] b, Rng rng)
    {
        var other = _corpus[rng.NextInt(_corpus.Count)].Bytes;
        if (other.Length == 0)
        {
            return b;
        }

        int start = rng.NextInt(other.Length);
        int count = 1 + rng.NextInt(Math.Min(other.Length - start, 4096));
        int at = rng.NextInt(b.Length + 1);
        var chunk = other.AsSpan(start, count);
        if (rng.NextInt(2) == 0)
        {
            return Insert(b, at, chunk);
        }

        // Overwrite in place, growing the input where the chunk runs past its end.
        var r = new byte[Math.Max(b.Length, at + count)];
        b.CopyTo(r, 0);
        chunk.CopyTo(r.AsSpan(at));
        return r;
    }

    private static byte[] DuplicateChunk(byte[] b, Rng rng)
    {
        if (b.Length == 0)
        {
            return b;
        }

        int start = rng.NextInt(b.Length);
        int count = 1 + rng.NextInt(Math.Min(b.Length - start, 512));
        return Insert(b, rng.NextInt(b.Length + 1), b.AsSpan(start, count));
    }

    private static byte[] Insert(ReadOnlySpan<byte> b, int at, ReadOnlySpan<byte> insert) =>
        [.. b[..at], .. insert, .. b[at..]];

    // ---- IDX strategies ----

    private static readonly int[] InterestingInts =
    [
        0, 1, -1, 2, 9, 10, 27, 28, 29, 255, 256, 4095, 4096, 4097, 46340, 46341, 65535, 65536, 1 << 24,
        9_999_999, 10_000_000, 10_000_001, int.MaxValue, int.MaxValue - 1, int.MinValue, 0x00000803, 0x00000801,
        0x08030000, 0x7FFF_FFF0,
    ];

    /// <summary>Writes an interesting big-endian int32 over a header word (magic or a dimension), sometimes elsewhere.</summary>
    private static byte[] HeaderInt32(byte[] b, Rng rng)
    {
        int at = rng.NextInt(4) != 0 ? 4 * rng.NextInt(4) : rng.NextInt(Math.Max(1, b.Length));
        int value = rng.NextInt(8) == 0 ? (int)rng.NextUInt64() : InterestingInts[rng.NextInt(InterestingInts.Length)];
        var r = new byte[Math.Max(b.Length, at + 4)];
        b.CopyTo(r, 0);
        BinaryPrimitives.WriteInt32BigEndian(r.AsSpan(at), value);
        return r;
    }

    /// <summary>Magic variants: gzip's 1F 8B, other IDX type codes (0x09–0x0E), other dimension counts, swapped kinds.</summary>
    private static byte[] Magic(byte[] b, Rng rng)
    {
        var r = b.Length >= 4 ? (byte[])b.Clone() : [.. b, .. new byte[4 - b.Length]];
        switch (rng.NextInt(4))
        {
            case 0:
                (r[0], r[1]) = (0x1F, 0x8B);
                break;
            case 1:
                r[2] = (byte)(0x08 + rng.NextInt(7));
                break;
            case 2:
                r[3] = (byte)rng.NextInt(256);
                break;
            default:
                r[3] = r[3] == 3 ? (byte)1 : (byte)3;
                break;
        }

        return r;
    }

    /// <summary>Grows or cuts the end of the file by a little or a lot (header-only files, one byte short or long).</summary>
    private static byte[] PayloadLength(byte[] b, Rng rng)
    {
        int delta = rng.NextInt(3) switch
        {
            0 => 1,
            1 => 1 + rng.NextInt(784),
            _ => 1 + rng.NextInt(Math.Max(1, b.Length)),
        };
        return rng.NextInt(2) == 0 ? [.. b, .. new byte[delta]] : b[..Math.Max(0, b.Length - delta)];
    }

    // ---- YAML strategies (on text) ----

    private static Func<byte[], Rng, byte[]> Text(Func<string, Rng, string> mutate) =>
        (b, rng) => Encoding.UTF8.GetBytes(mutate(Encoding.UTF8.GetString(b), rng));

    private static readonly string[] HostileNumbers =
    [
        "1e309", "-1e309", "1e-400", "4.9e-324", ".nan", ".NaN", "NaN", ".inf", "-.inf", "+.Inf", "Infinity", "-0", "-0.0",
        "0x7FFFFFFF", "0xFFFFFFFFFFFFFFFFFFFF", "0x", "0o777", "0b101", "-1", "0", "2147483647", "2147483648",
        "-2147483649", "9223372036854775808", "18446744073709551616", "1_000", "+5", ".5", "5.", "1,5", "1e", "--1",
        "0.1e99999", "1e-99999", "1.7976931348623157e308", "3.4028236e38", "16777216", "16777217", "99999999999999999999999999",
        "1000000", "65536", "100000", "1e6", "1e7", "0.0", "1e-45", "0.99999999999999999",
    ];

    [GeneratedRegex(@"(?<![\w.])[-+]?\d[\d_]*(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex NumberToken();

    private static string ReplaceNumber(string s, Rng rng)
    {
        var matches = NumberToken().Matches(s);
        if (matches.Count == 0)
        {
            return s;
        }

        var m = matches[rng.NextInt(matches.Count)];
        string replacement = rng.NextInt(5) == 0
            ? (rng.NextInt(2) == 0 ? "-" : "") + new string('9', 20 + rng.NextInt(5000)) + (rng.NextInt(2) == 0 ? ".5" : "")
            : HostileNumbers[rng.NextInt(HostileNumbers.Length)];
        return string.Concat(s.AsSpan(0, m.Index), replacement, s.AsSpan(m.Index + m.Length));
    }

    private static readonly string[] OddScalars =
    [
        "", "~", "null", "yes", "no", "on", "off", "True", "TRUE", "'5'", "\"5\"", "[]", "{}", "[1, [2]]", "{a: 1}",
        "|\n  text\n", ">-\n  folded\n", "? complex", "- item", "\"\\u0000\"", "\"\\x00\"", "\"\\ud800\"", "\"\\U0010FFFF\"",
        "'é𝔘\u200b'", "\"\\\"", "'unterminated", "\"unterminated", "@reserved", "`backtick", "%percent", "[unclosed",
        "{unclosed: 1", "&", "*", "!", "|", ">", "dfa", "DFA", "adam", "sgd", "mnist", "synthetic", "dense", "tanh",
        "relu", "[800, 800]", "[0]", "[-1]", "[1e9]", "{kind: constant}",
    ];

    [GeneratedRegex(@"(?<=:[ \t]+)[^\s#][^\n#]*")]
    private static partial Regex ValueToken();

    private static string ReplaceValue(string s, Rng rng, string replacement)
    {
        var matches = ValueToken().Matches(s);
        if (matches.Count == 0)
        {
            return s + replacement;
        }

        var m = matches[rng.NextInt(matches.Count)];
        return string.Concat(s.AsSpan(0, m.Index), replacement, s.AsSpan(m.Index + m.Length));
    }

    private static string ReplaceScalar(string s, Rng rng) => ReplaceValue(s, rng, OddScalars[rng.NextInt(OddScalars.Length)]);

    private static readonly int[] Depths = [9, 17, 40, 200, 5_000, 100_000];

    private static string DeepNesting(string s, Rng rng)
    {
        int depth = Depths[rng.NextInt(Depths.Length)];
        string nested = rng.NextInt(5) switch
        {
            0 => new string('[', depth) + new string(']', depth),
            1 => string.Concat(Enumerable.Repeat("{a: ", depth)) + "1" + new string('}', depth),
            2 => new string('[', depth), // unclosed
            3 => string.Concat(Enumerable.Repeat("- ", Math.Min(depth, 50_000))) + "x",
            _ => BlockNesting(Math.Min(depth, 1_000)),
        };
        return rng.NextInt(3) == 0 ? nested : ReplaceValue(s, rng, nested);
    }

    /// <summary><c>a:\n  a:\n    a: ...</c>: block nesting; its size grows with depth², so it is capped near the 1 MiB limit.</summary>
    private static string BlockNesting(int depth)
    {
        var b = new StringBuilder("\n");
        for (int i = 1; i <= depth; i++)
        {
            b.Append(' ', 2 * i).Append("a:\n");
        }

        b.Append(' ', 2 * (depth + 1)).Append("1\n");
        return b.ToString();
    }

    /// <summary>"Billion laughs": each level a list of ten aliases of the level below, 10^levels leaves once expanded.</summary>
    private static string AliasBomb(string s, Rng rng)
    {
        int levels = 2 + rng.NextInt(8);
        var b = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= levels; i++)
        {
            b.Append($"l{i}: &l{i} [");
            b.AppendJoin(", ", Enumerable.Repeat($"*l{i - 1}", 10));
            b.Append("]\n");
        }

        return rng.NextInt(3) switch
        {
            0 => b.ToString(),
            1 => b + s,
            _ => s + "\n" + b + $"lr: *l{levels}\n",
        };
    }

    private static readonly string[] AnchorSnippets =
    [
        "&anc ", "*anc", "*undefined", "&a [*a]", "&a {x: *a}", "<<: *anc", "<<: {lr: 1}", "<<: [*a, *b]", "<<: 5",
        "&", "*", "& x", "&a &b 1", "*a *b",
    ];

    private static string AnchorsAndMerges(string s, Rng rng)
    {
        string snippet = AnchorSnippets[rng.NextInt(AnchorSnippets.Length)];
        return rng.NextInt(3) switch
        {
            0 => ReplaceValue(s, rng, snippet),
            1 => "base: &anc {lr: 0.5}\n" + s + "\n<<: *anc\n",
            _ => InsertAtLineStart(s, rng, snippet.StartsWith("<<", StringComparison.Ordinal) ? snippet + "\n" : $"k: {snippet}\n"),
        };
    }

    private static readonly string[] TagSnippets =
    [
        "!!binary aGVsbG8=", "!!python/object:os.system \"rm -rf /\"", "!!python/object/apply:os.system [\"id\"]",
        "!!str 5", "!!int \"5\"", "!!float .nan", "!!map {}", "!!seq []", "!custom x", "!<tag:yaml.org,2002:str> x",
        "!!timestamp 2001-12-14", "!!set {a, b}", "!!omap [a: 1]", "! x", "!!", "!<> x",
    ];

    private static readonly string[] Directives =
    [
        "%TAG ! tag:example.com,2000:\n---\n", "%YAML 1.1\n---\n", "%YAML 9.9\n---\n", "%YAML 1.2\n%YAML 1.2\n---\n",
        "%FOO bar\n---\n", "--- !!map\n", "--- !custom\n",
    ];

    private static string Tags(string s, Rng rng) => rng.NextInt(3) == 0
        ? Directives[rng.NextInt(Directives.Length)] + s
        : ReplaceValue(s, rng, TagSnippets[rng.NextInt(TagSnippets.Length)]);

    private static string MultiDocument(string s, Rng rng) => rng.NextInt(5) switch
    {
        0 => s + "\n---\n" + s,
        1 => "---\n" + s + "\n...\n",
        2 => s + "\n...\ngarbage: after end\n",
        3 => "---\n---\n" + s,
        _ => string.Concat(Enumerable.Repeat("---\n", 1 + rng.NextInt(10_000))) + s,
    };

    private static byte[] Reencode(byte[] b, Rng rng)
    {
        string s = Encoding.UTF8.GetString(b);
        return rng.NextInt(11) switch
        {
            0 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(s)],
            1 => Encoding.Unicode.GetBytes(s),
            2 => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(s)],
            3 => Encoding.BigEndianUnicode.GetBytes(s),
            4 => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(s)],
            5 => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(s),
            6 => Encoding.Latin1.GetBytes(s.Replace('e', 'é').Replace('a', 'ä')),
            7 => Insert(b, rng.NextInt(b.Length + 1), InvalidUtf8[rng.NextInt(InvalidUtf8.Length)]),
            8 => Insert(b, rng.NextInt(b.Length + 1), new byte[1 + rng.NextInt(4)]),
            9 => [.. "\uFEFF\uFEFF"u8, .. b],
            _ => Encoding.UTF8.GetBytes(rng.NextInt(2) == 0 ? s.Replace("\n", "\r", StringComparison.Ordinal) : s.Replace("\n", "\r\n", StringComparison.Ordinal)),
        };
    }

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xFF], [0xFE], [0x80],
        [0xC3], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xEF, 0xBF, 0xBE], [0xC2, 0x85], [0xE2, 0x80, 0xA8],
    ];

    private static readonly int[] LongLengths = [1_000, 65_536, 500_000, 1_048_000, 1_048_577, 1_200_000];

    private static string LongToken(string s, Rng rng)
    {
        int n = LongLengths[rng.NextInt(LongLengths.Length)];
        return rng.NextInt(5) switch
        {
            0 => new string('k', n) + ": 1\n" + s,
            1 => ReplaceValue(s, rng, new string('v', n)),
            2 => ReplaceValue(s, rng, "\"" + new string('q', n) + "\""),
            3 => s + "\n#" + new string(' ', n) + "\n",
            _ => ReplaceValue(s, rng, "[" + string.Join(", ", Enumerable.Repeat("1", Math.Min(n / 3, 400_000))) + "]"),
        };
    }

    /// <summary>Tens of thousands of distinct keys (or list items): quadratic duplicate checks show up here.</summary>
    private static string ManyKeys(string s, Rng rng)
    {
        // 500 to 8 000, geometric, and one case in sixteen 60 000 (120 000 nodes, past the 100 000-node limit): YamlDotNet
        // reads some 100 000 keys a second, so the big inputs are kept rare to hold the suite's time budget.
        int n = rng.NextInt(16) == 0 ? 60_000 : 500 << rng.NextInt(5);
        var b = new StringBuilder(s).Append('\n');
        bool list = rng.NextInt(3) == 0;
        if (list)
        {
            b.Append("model: {hidden: [");
        }

        for (int i = 0; i < n; i++)
        {
            b.Append(list ? (i == 0 ? "1" : ", 1") : $"k{i}: {i}\n");
        }

        return (list ? b.Append("]}\n") : b).ToString();
    }

    private static string DuplicateLine(string s, Rng rng)
    {
        var lines = s.Split('\n');
        var withKeys = lines.Where(l => l.Contains(':', StringComparison.Ordinal) && !l.TrimStart().StartsWith('#')).ToArray();
        if (withKeys.Length == 0)
        {
            return s;
        }

        string line = withKeys[rng.NextInt(withKeys.Length)];
        int at = rng.NextInt(lines.Length + 1);
        return string.Join('\n', lines.Take(at).Append(line).Concat(lines.Skip(at)));
    }

    private const string YamlIndicators = "{}[],:&*!|>'\"%@`#-? \n\t\\";

    private static string Indicators(string s, Rng rng)
    {
        var b = new StringBuilder(s);
        for (int n = 1 + rng.NextInt(4); n > 0; n--)
        {
            b.Insert(rng.NextInt(b.Length + 1), YamlIndicators[rng.NextInt(YamlIndicators.Length)]);
        }

        return b.ToString();
    }

    private static string InsertAtLineStart(string s, Rng rng, string text)
    {
        var starts = new List<int> { 0 };
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == '\n')
            {
                starts.Add(i + 1);
            }
        }

        return s.Insert(starts[rng.NextInt(starts.Count)], text);
    }
}

/// <summary>Which strategies a <see cref="Mutator"/> uses besides the byte-level ones.</summary>
public enum InputKind
{
    /// <summary>YAML configs and hardware profiles.</summary>
    Yaml,

    /// <summary>IDX image and label files.</summary>
    Idx,
}

/// <summary>One valid input of the seed corpus, named for messages (e.g. its path in the repository).</summary>
public sealed record FuzzSeed(string Name, byte[] Bytes);

/// <summary>One generated case: its index, the bytes, the strategies applied, and the corpus file it came from.</summary>
public sealed record FuzzInput(int Index, byte[] Bytes, string Strategy, string SeedName);
