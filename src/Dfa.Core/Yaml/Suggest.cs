namespace Dfa.Core.Yaml;

/// <summary>"Did you mean" for keys and enum values: the closest candidate by optimal-string-alignment distance.</summary>
public static class Suggest
{
    /// <summary>
    /// The candidate closest to <paramref name="typed"/>, compared case-insensitively, or null when none is close:
    /// a suggestion must be within a third of the typed length (at least 1, at most 3 edits) so short keys do not
    /// attract unrelated ones.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var t = typed.ToLowerInvariant();
        var limit = Math.Clamp(t.Length / 3, 1, 3);
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var d = Distance(t, candidate.ToLowerInvariant());
            if (d <= limit && d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best;
    }

    public static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Closest(typed, candidates) is { } s ? $"; did you mean '{s}'?" : "";

    /// <summary>Damerau–Levenshtein distance, optimal-string-alignment variant (adjacent transpositions cost 1).</summary>
    internal static int Distance(string a, string b)
    {
        if (a.Length > 256 || b.Length > 256)
        {
            return int.MaxValue;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                var v = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    v = Math.Min(v, d[i - 2, j - 2] + 1);
                }

                d[i, j] = v;
            }
        }

        return d[a.Length, b.Length];
    }
}
