using System.Globalization;
using Dfa.Core;

namespace Dfa.Runs.Sharding;

/// <summary>
/// <c>--shard i/n</c>: this process computes shard <c>i</c> of <c>n</c> (1-based, <c>1 ≤ i ≤ n ≤ 10000</c>) of a grid.
/// Shards need no coordination: item <c>k</c> (0-based, in the order a whole run takes the items) belongs to shard
/// <c>(k mod n) + 1</c>. Round robin rather than contiguous blocks, so that neighbouring items (an experiment's
/// members, which often differ in cost along one axis) spread over the shards.
/// </summary>
public sealed record ShardSpec
{
    /// <summary>The largest <c>n</c>: beyond Slurm's default array limit (1001) with room to spare, and a bound on manifests.</summary>
    public const int MaxCount = 10_000;

    public ShardSpec(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, MaxCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(index, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>1-based: the Slurm array task id, or a Kubernetes job completion index + 1.</summary>
    public int Index { get; }

    public int Count { get; }

    /// <summary>Parses <c>i/n</c>; anything else (other separators, signs, spaces inside, <c>i &gt; n</c>, <c>0</c>) is one input error.</summary>
    /// <exception cref="DfaInputException">The text is not <c>i/n</c> with <c>1 ≤ i ≤ n ≤ 10000</c>.</exception>
    public static ShardSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Trim().Split('/');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            && n is >= 1 and <= MaxCount && i >= 1 && i <= n)
        {
            return new ShardSpec(i, n);
        }

        throw new DfaInputException($"--shard takes i/n with 1 ≤ i ≤ n ≤ {MaxCount} (e.g. 2/4; i is 1-based), got '{text}'");
    }

    /// <summary>Whether item <paramref name="k"/> (0-based) belongs to this shard: <c>k mod n = i − 1</c>.</summary>
    public bool Holds(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        return k % Count == Index - 1;
    }

    /// <summary>The items of a grid of <paramref name="total"/> items that this shard holds, ascending (empty when <c>i &gt; total</c>).</summary>
    public int[] Items(int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        return Enumerable.Range(0, total).Where(Holds).ToArray();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}
