namespace Dfa.Core.Feedback;

/// <summary>A tally of <see cref="HardwareAction"/>s. Not thread-safe; one per projector.</summary>
public sealed class ActionCounts
{
    private static readonly HardwareAction[] AllActions = Enum.GetValues<HardwareAction>();
    private readonly long[] _counts = new long[AllActions.Length];

    public long this[HardwareAction action] => _counts[(int)action];

    public void Add(HardwareAction action, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _counts[(int)action] = checked(_counts[(int)action] + count);
    }

    /// <summary>
    /// One more <paramref name="action"/>: what a counting reference calls inside the loop that performs the action
    /// (see <see cref="ICountingReference"/>).
    /// </summary>
    public void Increment(HardwareAction action) => _counts[(int)action] = checked(_counts[(int)action] + 1);

    public void Add(ActionCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] = checked(_counts[i] + other._counts[i]);
        }
    }

    public void Reset() => Array.Clear(_counts);

    /// <summary>Every count in enum order, zeros included (for checkpoints).</summary>
    public long[] ToArray() => (long[])_counts.Clone();

    /// <summary>
    /// Replaces every count with <paramref name="counts"/>, in enum order (as <see cref="ToArray"/> gives them). Fewer
    /// counts than actions is an older build's list (actions are only ever appended): the missing ones are zero.
    /// </summary>
    /// <exception cref="ArgumentException">More counts than actions, or a negative count.</exception>
    public void CopyFrom(ReadOnlySpan<long> counts)
    {
        if (counts.Length > _counts.Length)
        {
            throw new ArgumentException($"Expected at most {_counts.Length} counts, got {counts.Length}.", nameof(counts));
        }

        foreach (long c in counts)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(c, nameof(counts));
        }

        Array.Clear(_counts);
        counts.CopyTo(_counts);
    }

    /// <summary>Non-zero counts, in enum order.</summary>
    public IEnumerable<KeyValuePair<HardwareAction, long>> NonZero()
    {
        foreach (HardwareAction action in AllActions)
        {
            long value = _counts[(int)action];
            if (value != 0)
            {
                yield return new(action, value);
            }
        }
    }

    public bool ContentEquals(ActionCounts other) => other is not null && _counts.AsSpan().SequenceEqual(other._counts);

    public override string ToString() => string.Join(", ", NonZero().Select(kv => $"{kv.Key}={kv.Value}"));
}
