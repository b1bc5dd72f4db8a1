using System.Globalization;
using System.Text.RegularExpressions;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config;

/// <summary>What the binder saw, by dotted path, so cross-field checks can point at the right node.</summary>
internal sealed class BindContext
{
    private readonly Dictionary<string, (YScalar Key, YNode Value)> _seen = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _allKeys;

    /// <param name="allKeys">Every dotted key of the schema, to tell a user whose key sits at the wrong level.</param>
    public BindContext(IReadOnlyList<string> allKeys)
    {
        _allKeys = allKeys;
    }

    /// <summary>The full path of a key named <paramref name="key"/> at another level, if exactly one exists.</summary>
    /// <summary>The other places a key exists, quoted and joined by "or" (at most three), or null when it exists nowhere else or in more places.</summary>
    public string? Elsewhere(string key, string prefix)
    {
        var matches = _allKeys.Where(k => k == key || k.EndsWith("." + key, StringComparison.Ordinal))
            .Where(k => k != (prefix.Length == 0 ? key : $"{prefix}.{key}"))
            .Take(4)
            .ToList();
        return matches.Count is >= 1 and <= 3 ? string.Join(" or ", matches.Select(m => $"'{m}'")) : null;
    }

    public void Record(string path, YScalar key, YNode value) => _seen[path] = (key, value);

    public YNode? ValueAt(string path) => _seen.TryGetValue(path, out var e) ? e.Value : null;

    public YNode? KeyAt(string path) => _seen.TryGetValue(path, out var e) ? e.Key : null;
}

/// <summary>One key of a section: how to bind its node onto the record and how to render it back.</summary>
internal abstract class Field<T>(string key)
{
    public string Key { get; } = key;

    public abstract T Bind(T target, YNode value, string path, BindContext ctx);

    public abstract void Describe(T source, string path, List<KeyValuePair<string, string>> into);
}

internal sealed class ValueField<T, TValue>(string key, Func<T, TValue> get, Func<T, TValue, T> set, ValueType<TValue> type)
    : Field<T>(key)
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) => set(target, type.Read(value, path));

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into) =>
        into.Add(new(path, type.Render(get(source))));
}

internal sealed class SectionField<T, TSection>(string key, Section<TSection> section, Func<T, TSection> get, Func<T, TSection, T> set)
    : Field<T>(key)
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) =>
        value is YMapping map
            ? set(target, section.Bind(get(target), map, path, ctx))
            : throw value.Error($"{path}: expected a mapping of keys ({section.KeyList}), got {value.KindName}");

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into) =>
        section.Describe(get(source), path, into);
}

/// <summary>A section whose absence means "off" (null); <c>key: null</c> switches it off again.</summary>
internal sealed class OptionalSectionField<T, TSection>(
    string key, Section<TSection> section, Func<T, TSection?> get, Func<T, TSection?, T> set, Func<TSection> create)
    : Field<T>(key)
    where TSection : class
{
    public override T Bind(T target, YNode value, string path, BindContext ctx) => value switch
    {
        YScalar { IsNull: true } => set(target, null),
        YMapping map => set(target, section.Bind(get(target) ?? create(), map, path, ctx)),
        _ => throw value.Error($"{path}: expected a mapping of keys ({section.KeyList}) or null, got {value.KindName}"),
    };

    public override void Describe(T source, string path, List<KeyValuePair<string, string>> into)
    {
        if (get(source) is { } s)
        {
            section.Describe(s, path, into);
        }
        else
        {
            into.Add(new(path, "null"));
        }
    }
}

/// <summary>A mapping level of the schema: its keys in the order they are rendered.</summary>
internal sealed class Section<T>
{
    private readonly Field<T>[] _fields;
    private readonly Dictionary<string, Field<T>> _byKey;

    public Section(params Field<T>[] fields)
    {
        _fields = fields;
        _byKey = fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        KeyList = string.Join(", ", fields.Select(f => f.Key));
    }

    public IEnumerable<string> Keys => _fields.Select(f => f.Key);

    public string KeyList { get; }

    public T Bind(T target, YMapping map, string prefix, BindContext ctx)
    {
        foreach (var (key, value) in map.Entries)
        {
            if (!_byKey.TryGetValue(key.Value, out var field))
            {
                var where = prefix.Length == 0 ? "" : $" in '{prefix}'";
                var hint = Suggest.DidYouMean(key.Value, Keys);
                if (hint.Length == 0 && ctx.Elsewhere(key.Value, prefix) is { } other)
                {
                    hint = $"; '{key.Value}' belongs at {other}";
                }

                throw key.Error($"unknown key '{key.Shown}'{where}{hint}");
            }

            var path = prefix.Length == 0 ? key.Value : $"{prefix}.{key.Value}";
            ctx.Record(path, key, value);
            target = field.Bind(target, value, path, ctx);
        }

        return target;
    }

    public void Describe(T source, string prefix, List<KeyValuePair<string, string>> into)
    {
        foreach (var f in _fields)
        {
            f.Describe(source, prefix.Length == 0 ? f.Key : $"{prefix}.{f.Key}", into);
        }
    }
}

/// <summary>Reads one YAML node as a typed value, with the range check that belongs to the key.</summary>
internal abstract class ValueType<TValue>
{
    public abstract TValue Read(YNode node, string path);

    public abstract string Render(TValue value);

    protected static YScalar Scalar(YNode node, string path, string expected) => node switch
    {
        YScalar { IsNull: true } => throw node.Error($"{path}: expected {expected}, got {(((YScalar)node).Value.Length == 0 ? "no value" : "null")}"),
        YScalar s => s,
        _ => throw node.Error($"{path}: expected {expected}, got {node.KindName}"),
    };

    /// <summary>Numbers and booleans must be plain scalars: in YAML a quoted "5" is a string.</summary>
    protected static YScalar PlainScalar(YNode node, string path, string expected)
    {
        var s = Scalar(node, path, expected);
        return s.Plain ? s : throw node.Error($"{path}: expected {expected}, got {s.KindName}");
    }

    internal static string Num(double v) => v.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
}

internal sealed class IntType(int min, int max = int.MaxValue) : ValueType<int>
{
    public override int Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "an integer");
        if (!long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            throw node.Error($"{path}: expected an integer, got '{s.Shown}'");
        }

        return v < min ? throw node.Error($"{path} must be at least {min}, got {v}")
            : v > max ? throw node.Error($"{path} must be at most {max}, got {v}")
            : (int)v;
    }

    public override string Render(int value) => value.ToString(CultureInfo.InvariantCulture);
}

internal sealed class ULongType : ValueType<ulong>
{
    public static readonly ULongType Instance = new();

    public override ulong Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "a non-negative integer");
        if (ulong.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v))
        {
            return v;
        }

        throw long.TryParse(s.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var neg) && neg < 0
            ? node.Error($"{path} must be at least 0, got {neg}")
            : node.Error($"{path}: expected a non-negative integer, got '{s.Shown}'");
    }

    public override string Render(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A finite number, optionally bounded; each bound is inclusive or exclusive.</summary>
internal sealed partial class DoubleType(double min = double.NegativeInfinity, bool minInclusive = true, double max = double.PositiveInfinity, bool maxInclusive = true)
    : ValueType<double>
{
    public static readonly DoubleType Any = new();
    public static readonly DoubleType Positive = new(0, minInclusive: false);
    public static readonly DoubleType NonNegative = new(0);
    public static readonly DoubleType UnitHalfOpen = new(0, true, 1, false);

    public override double Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "a number");
        var finite = double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v);
        if (!finite || !double.IsFinite(v) || NonFinite().IsMatch(s.Value))
        {
            throw finite || NonFinite().IsMatch(s.Value)
                ? node.Error($"{path} must be a finite number, got '{s.Shown}'")
                : node.Error($"{path}: expected a number, got '{s.Shown}'");
        }

        if (minInclusive ? v < min : v <= min)
        {
            throw node.Error(max < double.PositiveInfinity
                ? $"{path} must be in {Interval()}, got {s.Shown}"
                : $"{path} must be {(minInclusive ? "at least" : "greater than")} {Num(min)}, got {s.Shown}");
        }

        if (maxInclusive ? v > max : v >= max)
        {
            throw node.Error(min > double.NegativeInfinity
                ? $"{path} must be in {Interval()}, got {s.Shown}"
                : $"{path} must be {(maxInclusive ? "at most" : "less than")} {Num(max)}, got {s.Shown}");
        }

        // -0 reads as 0: the range checks above pass it, but the .NET guards downstream (ThrowIfNegative in the
        // optimizers) treat -0.0 as negative, so 'weight_decay: -0' crashed the run with an internal error.
        return v == 0 ? 0 : v;
    }

    public override string Render(double value) => Num(value);

    [GeneratedRegex(@"^[-+]?\.(?i:inf|nan)$")]
    private static partial Regex NonFinite();

    private string Interval() => $"{(minInclusive ? '[' : '(')}{Num(min)}, {Num(max)}{(maxInclusive ? ']' : ')')}";
}

/// <summary>A value that may also be <c>null</c> (or left empty) to mean "not set".</summary>
internal sealed class NullableType<TValue>(ValueType<TValue> inner) : ValueType<TValue?>
    where TValue : struct
{
    public override TValue? Read(YNode node, string path) => node is YScalar { IsNull: true } ? null : inner.Read(node, path);

    public override string Render(TValue? value) => value is { } v ? inner.Render(v) : "null";
}

internal sealed class BoolType : ValueType<bool>
{
    public static readonly BoolType Instance = new();

    public override bool Read(YNode node, string path)
    {
        var s = PlainScalar(node, path, "true or false");
        return s.Value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => throw node.Error($"{path}: expected true or false, got '{s.Shown}'"),
        };
    }

    public override string Render(bool value) => value ? "true" : "false";
}

/// <summary>
/// An enum spelled by name, case-insensitively and ignoring <c>_</c> and <c>-</c> (so <c>leaky_relu</c> and
/// <c>LeakyReLU</c> both match). <paramref name="hints"/> are spellings that are refused but earn a suggestion.
/// </summary>
internal sealed class EnumType<TEnum>((string Name, TEnum Value)[] names, (string Spelling, string Name)[]? hints = null)
    : ValueType<TEnum>
    where TEnum : struct, Enum
{
    public override TEnum Read(YNode node, string path)
    {
        var s = Scalar(node, path, $"one of {List()}");
        var typed = Normalize(s.Value);
        foreach (var (name, value) in names)
        {
            if (Normalize(name) == typed)
            {
                return value;
            }
        }

        var hint = hints?.FirstOrDefault(h => Normalize(h.Spelling) == typed).Name;
        if (hint is null && Suggest.Closest(typed, names.Select(n => Normalize(n.Name))) is { } close)
        {
            hint = names.First(n => Normalize(n.Name) == close).Name;
        }

        var suggestion = hint is null ? "" : $"; did you mean '{hint}'?";
        throw node.Error($"{path}: unknown value '{s.Shown}', expected one of {List()}{suggestion}");
    }

    public override string Render(TEnum value) => names.First(n => EqualityComparer<TEnum>.Default.Equals(n.Value, value)).Name;

    private string List() => string.Join(", ", names.Select(n => n.Name));

    private static string Normalize(string s) => s.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
}

/// <summary>A string; quoted or plain. <paramref name="nullable"/> lets <c>null</c> mean "not set".</summary>
internal sealed partial class StringType(bool nullable) : ValueType<string?>
{
    public static readonly StringType Required = new(false);
    public static readonly StringType Optional = new(true);

    public override string? Read(YNode node, string path)
    {
        if (nullable && node is YScalar { IsNull: true })
        {
            return null;
        }

        var s = Scalar(node, path, "a string");
        return s.Value.Trim().Length == 0 ? throw node.Error($"{path}: expected a non-empty string") : s.Value;
    }

    public override string Render(string? value) =>
        value is null ? "null"
        : Bare().IsMatch(value) && !Reserved().IsMatch(value) ? value
        : $"'{value.Replace("'", "''", StringComparison.Ordinal)}'";

    [GeneratedRegex(@"^[A-Za-z_./~][A-Za-z0-9_./~+-]*$")]
    private static partial Regex Bare();

    [GeneratedRegex(@"^(?i:null|true|false|~|\.inf|\.nan|infinity|nan)$")]
    private static partial Regex Reserved();
}

/// <summary>A list of bounded integers, e.g. <c>[800, 800]</c>.</summary>
internal sealed class IntListType(int minCount, int maxCount, IntType item) : ValueType<IReadOnlyList<int>>
{
    public override IReadOnlyList<int> Read(YNode node, string path)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"{path}: expected a list of integers such as [800, 800], got {node.KindName}");
        }

        if (seq.Items.Count < minCount || seq.Items.Count > maxCount)
        {
            throw node.Error($"{path}: expected {minCount} to {maxCount} entries, got {seq.Items.Count}");
        }

        var values = new int[seq.Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var element = seq.Items[i];
            if (element is not YScalar)
            {
                throw element.Error($"{path}: expected a list of integers, got {element.KindName} at index {i}");
            }

            values[i] = item.Read(element, $"{path}[{i}]");
        }

        return Array.AsReadOnly(values);
    }

    public override string Render(IReadOnlyList<int> value) =>
        $"[{string.Join(", ", value.Select(v => v.ToString(CultureInfo.InvariantCulture)))}]";
}

/// <summary>A list of names, e.g. <c>[conv1, conv2]</c>: block names of the network.</summary>
internal sealed class NameListType(int maxCount) : ValueType<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(YNode node, string path)
    {
        if (node is not YSequence seq)
        {
            throw node.Error($"{path}: expected a list of names such as [conv1, conv2], got {node.KindName}");
        }

        if (seq.Items.Count > maxCount)
        {
            throw node.Error($"{path}: expected at most {maxCount} names, got {seq.Items.Count}");
        }

        var values = new string[seq.Items.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = StringType.Required.Read(seq.Items[i], $"{path}[{i}]")!;
            if (Array.IndexOf(values, values[i], 0, i) >= 0)
            {
                throw seq.Items[i].Error($"{path}[{i}]: '{values[i]}' is listed twice");
            }
        }

        return Array.AsReadOnly(values);
    }

    public override string Render(IReadOnlyList<string> value) =>
        $"[{string.Join(", ", value.Select(StringType.Required.Render))}]";
}

/// <summary>Field factories for records of type <typeparamref name="T"/>, so only the value type is inferred.</summary>
internal static class Keys<T>
{
    public static Field<T> F<TValue>(string key, Func<T, TValue> get, Func<T, TValue, T> set, ValueType<TValue> type) =>
        new ValueField<T, TValue>(key, get, set, type);

    public static Field<T> S<TSection>(string key, Section<TSection> section, Func<T, TSection> get, Func<T, TSection, T> set) =>
        new SectionField<T, TSection>(key, section, get, set);
}
