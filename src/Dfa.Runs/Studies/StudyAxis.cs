using System.Globalization;
using Dfa.Core;
using Dfa.Runs.Costing;

namespace Dfa.Runs.Studies;

/// <summary>
/// One varied config key of a study, <c>KEY=SPEC</c>: any key <c>--set</c> accepts (<c>feedback.optical.bit_depth</c>,
/// <c>lr</c>, <c>model.hidden</c>, a plug-in backend's keys), and its values, either a list (<c>1,2,4,8</c>; commas inside
/// brackets belong to the value, so <c>model.hidden=[400,400],[800,800]</c> is two values) or a range written as
/// <c>dfa sweep</c>'s, <c>START:STOP[:log|lin][:POINTS]</c> (<see cref="SweepAxis"/>; a value within 1e-9 of an integer
/// is written as that integer, so <c>1:64:log:7</c> gives 1, 2, 4, …, 64). Values stay YAML text: the config's schema
/// checks them, with the key named, when the study is planned. Their order is the listed order, which breaks ties
/// when the cost model prices two settings alike (list the cheapest hardware first).
/// </summary>
public sealed record StudyAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>Most values one axis may list (the whole grid is bounded too, <see cref="StudyPlanner.MaxRuns"/>).</summary>
    public const int MaxValues = 1000;

    /// <exception cref="DfaInputException">Malformed text, an empty or repeated value, a range <c>dfa sweep</c> refuses, or a key studies vary otherwise.</exception>
    public static StudyAxis Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        string key = eq > 0 ? text[..eq].Trim() : string.Empty;
        string spec = eq > 0 ? text[(eq + 1)..].Trim() : string.Empty;
        if (key.Length == 0 || spec.Length == 0)
        {
            throw new DfaInputException($"--vary takes KEY=SPEC, a list (feedback.optical.bit_depth=1,2,4,8) or a range as in dfa sweep (lr=1e-4:1e-2:log:5); got '{text}'");
        }

        if (key == "feedback.backend")
        {
            throw new DfaInputException($"--vary {key}: give the backends with --backends");
        }

        if (key == "seed")
        {
            throw new DfaInputException("--vary seed: give the number of seeds with --seeds");
        }

        List<string> parts = SplitTopLevel(spec);
        string[] values;
        if (parts.Count == 1 && HasTopLevel(spec, ':'))
        {
            SweepAxis range = SweepAxis.Parse($"{key}={spec}");
            values = range.Values().Select(Format).Distinct(StringComparer.Ordinal).ToArray();
        }
        else
        {
            values = parts.Select(p => p.Trim()).ToArray();
            if (values.Any(v => v.Length == 0))
            {
                throw new DfaInputException($"--vary {key}: an empty value in '{spec}'");
            }

            if (values.Distinct(StringComparer.Ordinal).Count() != values.Length)
            {
                string twice = values.GroupBy(v => v, StringComparer.Ordinal).First(g => g.Count() > 1).Key;
                throw new DfaInputException($"--vary {key}: the value '{twice}' is listed twice");
            }
        }

        if (values.Length > MaxValues)
        {
            throw new DfaInputException($"--vary {key}: at most {MaxValues} values, got {values.Length}");
        }

        return new StudyAxis(key, values);
    }

    /// <summary>The override that sets this key to value <paramref name="i"/>.</summary>
    public string Override(int i) => $"{Key}={Values[i]}";

    /// <summary>A range's number as YAML text: an integer when it is one to 1e-9 (relative), else round-trip.</summary>
    public static string Format(double v)
    {
        double r = Math.Round(v);
        return Math.Abs(v - r) <= 1e-9 * Math.Max(1, Math.Abs(v)) && Math.Abs(r) < 1e15
            ? r.ToString("0", CultureInfo.InvariantCulture)
            : v.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>A value as JSON: a number when it reads as one, a boolean for true/false, else its text.</summary>
    public static object Json(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long l))
        {
            return l;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d))
        {
            return d;
        }

        return value.ToLowerInvariant() switch
        {
            "true" => true,
            "false" => false,
            _ => value,
        };
    }

    /// <summary>Whether every value reads as a finite number (such an axis is plotted on a numeric x axis).</summary>
    public bool Numeric => Values.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d));

    /// <summary>Splits at commas outside brackets and braces.</summary>
    private static List<string> SplitTopLevel(string spec)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < spec.Length; i++)
        {
            char c = spec[i];
            if (c is '[' or '{')
            {
                depth++;
            }
            else if (c is ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                parts.Add(spec[start..i]);
                start = i + 1;
            }
        }

        parts.Add(spec[start..]);
        return parts;
    }

    private static bool HasTopLevel(string spec, char wanted)
    {
        int depth = 0;
        foreach (char c in spec)
        {
            depth += c is '[' or '{' ? 1 : c is ']' or '}' ? -1 : 0;
            if (c == wanted && depth == 0)
            {
                return true;
            }
        }

        return false;
    }
}
