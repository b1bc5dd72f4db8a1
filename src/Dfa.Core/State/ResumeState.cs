using Dfa.Core.Feedback;
using Dfa.Core.Randomness;

namespace Dfa.Core.State;

/// <summary>
/// The named records of a checkpoint beyond the network's own tensors: int64 words (counters, random generator states,
/// doubles by their IEEE bits, so they round-trip exactly), float32 arrays (optimizer buffers) and UTF-8 texts (the
/// resolved config). Names are unique across all three kinds; a reader that misses a name or finds a wrong length
/// reports it as a bad checkpoint file.
/// </summary>
public sealed class ResumeState
{
    private readonly Dictionary<string, long[]> _words = new(StringComparer.Ordinal);
    private readonly Dictionary<string, float[]> _floats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _texts = new(StringComparer.Ordinal);

    /// <param name="displayName">The checkpoint file as errors name it.</param>
    public ResumeState(string displayName = "checkpoint")
    {
        DisplayName = displayName;
    }

    public string DisplayName { get; }

    public IReadOnlyDictionary<string, long[]> AllWords => _words;

    public IReadOnlyDictionary<string, float[]> AllFloats => _floats;

    public IReadOnlyDictionary<string, string> AllTexts => _texts;

    public void SetWords(string name, ReadOnlySpan<long> words)
    {
        ThrowIfTaken(name);
        ArgumentOutOfRangeException.ThrowIfZero(words.Length);
        _words[name] = words.ToArray();
    }

    public void SetLong(string name, long value) => SetWords(name, [value]);

    public void SetDouble(string name, double value) => SetLong(name, BitConverter.DoubleToInt64Bits(value));

    public void SetBool(string name, bool value) => SetLong(name, value ? 1 : 0);

    public void SetRng(string name, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ulong[] s = rng.GetState();
        SetWords(name, [(long)s[0], (long)s[1], (long)s[2], (long)s[3]]);
    }

    public void SetFloats(string name, ReadOnlySpan<float> values)
    {
        ThrowIfTaken(name);
        ArgumentOutOfRangeException.ThrowIfZero(values.Length);
        _floats[name] = values.ToArray();
    }

    public void SetText(string name, string text)
    {
        ThrowIfTaken(name);
        ArgumentException.ThrowIfNullOrEmpty(text);
        _texts[name] = text;
    }

    public bool Has(string name) => _words.ContainsKey(name) || _floats.ContainsKey(name) || _texts.ContainsKey(name);

    /// <exception cref="DfaInputException">No such record, or not <paramref name="length"/> words long.</exception>
    public long[] Words(string name, int? length = null)
    {
        if (!_words.TryGetValue(name, out long[]? words))
        {
            throw Missing(name);
        }

        if (length is { } n && words.Length != n)
        {
            throw new DfaInputException($"{DisplayName}: record '{name}' holds {words.Length} values, expected {n}");
        }

        return words;
    }

    public long Long(string name) => Words(name, 1)[0];

    public double Double(string name) => BitConverter.Int64BitsToDouble(Long(name));

    public bool Bool(string name) => Long(name) != 0;

    /// <summary>Sets <paramref name="rng"/> to the saved generator state.</summary>
    public void RestoreRng(string name, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        long[] w = Words(name, 4);
        try
        {
            rng.SetState([(ulong)w[0], (ulong)w[1], (ulong)w[2], (ulong)w[3]]);
        }
        catch (ArgumentException)
        {
            throw new DfaInputException($"{DisplayName}: record '{name}' is not a random generator state (all zero)");
        }
    }

    /// <exception cref="DfaInputException">No such record, or not <paramref name="length"/> values long.</exception>
    public float[] Floats(string name, int length)
    {
        if (!_floats.TryGetValue(name, out float[]? values))
        {
            throw Missing(name);
        }

        if (values.Length != length)
        {
            throw new DfaInputException($"{DisplayName}: record '{name}' holds {values.Length} values, expected {length}");
        }

        return values;
    }

    public string Text(string name) => _texts.TryGetValue(name, out string? text) ? text : throw Missing(name);

    /// <summary>Saves a projector's action counts and, if it has any, its moving state (e.g. the optical noise stream).</summary>
    public void SetProjector(string prefix, IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        SetWords(prefix + "counts", projector.Counts.ToArray());
        (projector as IResumable)?.SaveState(this, prefix);
    }

    public void RestoreProjector(string prefix, IFeedbackProjector projector)
    {
        ArgumentNullException.ThrowIfNull(projector);
        // A checkpoint of an older build holds fewer counts (actions are only appended); the newer ones start at zero.
        long[] counts = Words(prefix + "counts");
        if (counts.Length > projector.Counts.ToArray().Length)
        {
            throw new DfaInputException($"{DisplayName}: record '{prefix}counts' holds {counts.Length} values, expected at most {projector.Counts.ToArray().Length}");
        }

        if (counts.Any(c => c < 0))
        {
            throw new DfaInputException($"{DisplayName}: record '{prefix}counts' holds a negative count");
        }

        projector.Counts.CopyFrom(counts);
        (projector as IResumable)?.RestoreState(this, prefix);
    }

    private DfaInputException Missing(string name) =>
        new($"{DisplayName}: no record '{name}' (a checkpoint of another run or of another build)");

    private void ThrowIfTaken(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Has(name))
        {
            throw new ArgumentException($"Record '{name}' is already set.", nameof(name));
        }
    }
}
