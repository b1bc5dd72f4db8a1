namespace Dfa.Core.Randomness;

/// <summary>
/// xoshiro256** (Blackman &amp; Vigna), seeded through SplitMix64. Portable and fully specified, unlike
/// <see cref="System.Random"/>: a seed names the same stream on every runtime and machine, which is what lets a seed
/// name a feedback matrix. Not thread-safe; give each consumer its own generator (see <see cref="Derive"/>).
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    private Rng(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    /// <summary>
    /// A generator for the named sub-stream of <paramref name="seed"/>: the same (seed, stream) pair always gives the
    /// same generator, and different streams are statistically independent. Used so that adding a consumer of
    /// randomness does not shift the numbers every other consumer sees.
    /// </summary>
    public static Rng Derive(ulong seed, string stream)
    {
        ArgumentNullException.ThrowIfNull(stream);

        // FNV-1a over the UTF-16 code units: stable across runtimes, unlike string.GetHashCode.
        ulong h = 14695981039346656037UL;
        foreach (char ch in stream)
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        ulong mixed = seed ^ h;
        _ = SplitMix64(ref mixed);
        return new Rng(mixed);
    }

    /// <summary>The full generator state, for checkpoints.</summary>
    public ulong[] GetState() => [_s0, _s1, _s2, _s3];

    public static Rng FromState(ReadOnlySpan<ulong> state)
    {
        ThrowIfInvalid(state);
        return new Rng(state[0], state[1], state[2], state[3]);
    }

    /// <summary>Continues from <paramref name="state"/> (as <see cref="GetState"/> gave it), for a generator another object owns.</summary>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        ThrowIfInvalid(state);
        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform on [0, 1) with 24 random bits.</summary>
    public float NextSingle() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, <paramref name="maxExclusive"/>), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxExclusive, 1);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * bound;
            if ((ulong)product >= threshold)
            {
                return (int)(ulong)(product >> 64);
            }
        }
    }

    /// <summary>Standard normal by the Box–Muller transform; uses two uniforms per call, keeps no cached value.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fisher–Yates shuffle of <paramref name="items"/> in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static void ThrowIfInvalid(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4 || (state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("A xoshiro256** state is four words, not all zero.", nameof(state));
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
