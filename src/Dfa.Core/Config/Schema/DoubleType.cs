using System.Globalization;
using System.Text.RegularExpressions;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config.Schema;

/// <summary>A finite number, optionally bounded; each bound is inclusive or exclusive.</summary>
public sealed partial class DoubleType(double min = double.NegativeInfinity, bool minInclusive = true, double max = double.PositiveInfinity, bool maxInclusive = true)
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

    public override string Name =>
        min > double.NegativeInfinity && max < double.PositiveInfinity ? $"number in {Interval()}"
        : min > double.NegativeInfinity ? $"number {(minInclusive ? "≥" : ">")} {Num(min)}"
        : max < double.PositiveInfinity ? $"number {(maxInclusive ? "≤" : "<")} {Num(max)}"
        : "number";

    [GeneratedRegex(@"^[-+]?\.(?i:inf|nan)$")]
    private static partial Regex NonFinite();

    private string Interval() => $"{(minInclusive ? '[' : '(')}{Num(min)}, {Num(max)}{(maxInclusive ? ']' : ')')}";
}
