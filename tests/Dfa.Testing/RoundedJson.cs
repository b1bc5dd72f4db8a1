using System.Globalization;
using System.Text.Json;

namespace Dfa.Testing;

/// <summary>
/// A JSON document as a plain tree for snapshot tests (<c>Dictionary</c>, <c>List</c>, <c>string</c>, <c>bool</c>,
/// null), with every number rounded to a stated number of significant digits and written as text, and the named
/// keys (timings, paths) left out at every depth.
/// </summary>
/// <remarks>
/// Why rounding: a run's numbers are bit-identical for the same seed and thread count on one machine, but the GEMM's
/// summation order follows the SIMD width (AVX-512, AVX2 or scalar), so the last bits of a loss may differ between
/// machines. Four significant digits is the stated tolerance of the summary snapshots: a relative change of about
/// 10⁻⁴ or more, or any change of an integer (a count, a size), shows up as a snapshot diff.
/// </remarks>
public static class RoundedJson
{
    public static object? View(string json, int significantDigits, params string[] dropKeys)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return Convert(doc.RootElement, significantDigits, new HashSet<string>(dropKeys, StringComparer.Ordinal));
    }

    /// <summary>A number in <paramref name="significantDigits"/> significant digits, as invariant text; integers (counts, bytes, steps) stay exact.</summary>
    public static string Round(double value, int significantDigits) =>
        value == Math.Floor(value) && Math.Abs(value) < 9e15
            ? value.ToString("R", CultureInfo.InvariantCulture)
            : value.ToString("G" + significantDigits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static object? Convert(JsonElement e, int digits, HashSet<string> drop) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject()
            .Where(p => !drop.Contains(p.Name))
            .ToDictionary(p => p.Name, p => Convert(p.Value, digits, drop)),
        JsonValueKind.Array => e.EnumerateArray().Select(x => Convert(x, digits, drop)).ToList(),
        JsonValueKind.Number => Round(e.GetDouble(), digits),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
