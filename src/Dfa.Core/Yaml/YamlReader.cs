using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dfa.Core.Yaml;

/// <summary>
/// Reads YAML text into <see cref="YNode"/>s from YamlDotNet's parser events, so every node keeps its position and
/// nothing is expanded: aliases and tags are refused, nesting is capped, the number of nodes is capped, keys must be
/// unique scalars.
/// </summary>
public static partial class YamlReader
{
    /// <summary>
    /// Most nodes (scalars, lists, mappings; a key counts) one document may hold: 100 000, hundreds of times the largest
    /// shipped config or profile. Since aliases are refused, this is also the node count after alias expansion. It
    /// bounds the tree a file under the size limit can build: a 1 MiB flow list of 350 000 items cost 275 MB of
    /// allocations before the cap.
    /// </summary>
    public const int MaxNodes = 100_000;

    /// <summary>Reads one document's root node; null when the text holds no document (only comments or whitespace).</summary>
    public static YNode? Read(string text, YamlSource source, int maxDepth)
    {
        var nodes = 0;
        try
        {
            var scanner = new Scanner(new StringReader(text), skipComments: true);
            var parser = new ScannerParser(new Parser(scanner), scanner);
            Expect<StreamStart>(parser, source);
            var first = Next(parser, source);
            if (first is StreamEnd)
            {
                return null;
            }

            if (first is not DocumentStart)
            {
                throw At(source, first.Start, $"unexpected YAML event {first.GetType().Name}");
            }

            var root = ReadNode(parser, Next(parser, source), source, 0, maxDepth, ref nodes);
            Expect<DocumentEnd>(parser, source);
            var after = Next(parser, source);
            if (after is not StreamEnd)
            {
                throw At(source, after.Start, "a config holds one YAML document; found a second one ('---')");
            }

            return root;
        }
        catch (YamlException ex)
        {
            var problem = Clean(ex.Message);
            var e = source.OverrideText is null
                ? ConfigException.WithInner(source.Name, (int)ex.Start.Line, (int)ex.Start.Column, $"malformed YAML: {problem}", ex)
                : source.Error((int)ex.Start.Line, (int)ex.Start.Column, $"malformed YAML: {problem}");
            throw e;
        }
    }

    private static YNode ReadNode(IParser parser, ParsingEvent evt, YamlSource source, int depth, int maxDepth, ref int nodes)
    {
        if (depth > maxDepth)
        {
            throw At(source, evt.Start, $"nesting is deeper than {maxDepth} levels");
        }

        if (++nodes > MaxNodes)
        {
            throw At(source, evt.Start, $"more than {MaxNodes} YAML nodes (keys, values and list items); a config or profile needs a few hundred");
        }

        switch (evt)
        {
            case AnchorAlias alias:
                throw At(source, alias.Start, $"YAML aliases ('*{alias.Value}') are not supported; write the value out");
            case NodeEvent tagged when !tagged.Tag.IsEmpty && !tagged.Tag.IsNonSpecific:
                throw At(source, tagged.Start, $"YAML tags ('{tagged.Tag.Value}') are not supported");
            case Scalar scalar:
                return new YScalar(source, Line(scalar.Start), Col(scalar.Start), scalar.Value, scalar.Style is ScalarStyle.Plain);
            case SequenceStart start:
                return ReadSequence(parser, start, source, depth, maxDepth, ref nodes);
            case MappingStart start:
                return ReadMapping(parser, start, source, depth, maxDepth, ref nodes);
            default:
                throw At(source, evt.Start, $"unexpected YAML event {evt.GetType().Name}");
        }
    }

    private static YSequence ReadSequence(IParser parser, SequenceStart start, YamlSource source, int depth, int maxDepth, ref int nodes)
    {
        var seq = new YSequence(source, Line(start.Start), Col(start.Start));
        for (var e = Next(parser, source); e is not SequenceEnd; e = Next(parser, source))
        {
            seq.Items.Add(ReadNode(parser, e, source, depth + 1, maxDepth, ref nodes));
        }

        return seq;
    }

    private static YMapping ReadMapping(IParser parser, MappingStart start, YamlSource source, int depth, int maxDepth, ref int nodes)
    {
        var map = new YMapping(source, Line(start.Start), Col(start.Start));

        // A set, not map.IndexOf: a linear scan per key is quadratic (a fuzzed file of 60 000 keys ran past 5 s).
        var seen = new Dictionary<string, YScalar>(StringComparer.Ordinal);
        for (var e = Next(parser, source); e is not MappingEnd; e = Next(parser, source))
        {
            var keyNode = ReadNode(parser, e, source, depth + 1, maxDepth, ref nodes);
            if (keyNode is not YScalar key || key.IsNull)
            {
                throw keyNode.Error($"a key must be a plain name, got {keyNode.KindName}");
            }

            if (!seen.TryAdd(key.Value, key))
            {
                var prior = seen[key.Value];
                throw key.Error($"duplicate key '{key.Shown}' (first given at line {prior.Line}, column {prior.Column})");
            }

            var value = ReadNode(parser, Next(parser, source), source, depth + 1, maxDepth, ref nodes);
            map.Entries.Add(new(key, value));
        }

        return map;
    }

    private static ParsingEvent Next(IParser parser, YamlSource source)
    {
        bool moved;
        try
        {
            moved = parser.MoveNext();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // YamlDotNet's scanner has states it reports with a bare InvalidOperationException rather than a
            // YamlException (e.g. an unclosed flow sequence followed by a "key: value" line); keep its position.
            var at = ((ScannerParser)parser).Position;
            throw source.Error(Line(at), Col(at), "malformed YAML: the text here cannot be parsed (an unclosed '[' or '{' before it?)");
        }

        if (!moved || parser.Current is null)
        {
            throw source.Error(1, 1, "malformed YAML: unexpected end of input");
        }

        return parser.Current;
    }

    /// <summary>A parser that can say where its scanner stopped, for errors YamlDotNet raises without a mark.</summary>
    private sealed class ScannerParser(IParser inner, Scanner scanner) : IParser
    {
        public ParsingEvent? Current => inner.Current;

        public Mark Position => scanner.CurrentPosition;

        public bool MoveNext() => inner.MoveNext();
    }

    private static void Expect<T>(IParser parser, YamlSource source)
        where T : ParsingEvent
    {
        var e = Next(parser, source);
        if (e is not T)
        {
            throw At(source, e.Start, $"malformed YAML: unexpected {e.GetType().Name}");
        }
    }

    private static ConfigException At(YamlSource source, Mark mark, string problem) =>
        source.Error(Line(mark), Col(mark), problem);

    private static int Line(Mark m) => (int)Math.Clamp(m.Line, 1, int.MaxValue);

    private static int Col(Mark m) => (int)Math.Clamp(m.Column, 1, int.MaxValue);

    /// <summary>YamlDotNet's messages may carry their own position prefix and several lines; keep one plain line.</summary>
    internal static string Clean(string message)
    {
        var m = PositionPrefix().Replace(message, "");
        m = Whitespace().Replace(m, " ").Trim();
        m = m.TrimEnd('.');
        return m.Length == 0 ? "syntax error" : char.ToLowerInvariant(m[0]) + m[1..];
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
