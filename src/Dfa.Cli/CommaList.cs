using System.Globalization;
using Dfa.Core;

namespace Dfa.Cli;

/// <summary>Comma-separated command-line lists (<c>--outputs 10,1000</c>, <c>--threads 1,2</c>).</summary>
internal static class CommaList
{
    /// <summary>The entries of <paramref name="text"/>, trimmed, empty ones dropped.</summary>
    /// <exception cref="DfaInputException">No entry at all.</exception>
    public static string[] Strings(string text, string option)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 0 ? parts : throw new DfaInputException($"{option} is empty");
    }

    /// <summary>Integers in 1..<paramref name="max"/>, in the order given (duplicates kept).</summary>
    /// <exception cref="DfaInputException">An entry that is not such an integer, or no entry at all.</exception>
    public static int[] Ints(string text, string option, int max = int.MaxValue) =>
        Strings(text, option).Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max
            ? v
            : throw new DfaInputException(
                $"{option} takes positive integers{(max < int.MaxValue ? $" up to {max}" : "")}, comma-separated; got '{s}'")).ToArray();
}
