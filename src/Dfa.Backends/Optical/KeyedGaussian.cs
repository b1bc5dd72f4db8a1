using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Dfa.Backends.Optical;

/// <summary>
/// Counter-based standard normals: element <c>i</c> of the stream named by a 64-bit key is a pure function of
/// (key, i), so any block of the optical transmission matrix or of the camera noise can be regenerated on demand,
/// by any thread, in any order, with the same bits. Two 32-bit hashes per element,
/// <c>h(c) = mix(mix(c + k_lo) ^ k_hi)</c> with <c>mix</c> the "lowbias32" integer finaliser (Wellons), give
/// <c>u₁ = (h(2i) ≫ 8 + 1)·2⁻²⁴ ∈ (0, 1]</c> and <c>u₂ = (h(2i+1) ≫ 8)·2⁻²⁴</c>; Box–Muller turns them into the pair
/// <c>(ρ cos θ, ρ sin θ)·scale</c>, <c>ρ = sqrt(−2 ln u₁)</c>, <c>θ = 2π(u₂ − ½)</c>, computed in float32 by
/// <see cref="TensorPrimitives"/> (so bits agree across thread counts; across CPUs with different vector widths they
/// may differ in the last ulp of the transcendental functions).
/// </summary>
internal static class KeyedGaussian
{
    private const float TwoPow24Inverse = 1f / (1 << 24);

    /// <summary>Test hook: false forces the scalar hash loop (the result must be bit-identical).</summary>
    internal static bool UseVector256 { get; set; } = Vector256.IsHardwareAccelerated;

    /// <summary>Mixes a key with up to four integers (SplitMix64/Stafford "mix13" finaliser after each).</summary>
    public static ulong Key(ulong seed, ulong domain, long a, long b = 0, long c = 0, long d = 0)
    {
        ulong k = Mix64(seed ^ (domain * 0x9E3779B97F4A7C15UL));
        k = Mix64(k ^ (ulong)a);
        k = Mix64(k + 0xD1B54A32D192ED03UL ^ (ulong)b);
        k = Mix64(k + 0x8CB92BA72F3D8DD7UL ^ (ulong)c);
        return Mix64(k + 0x9E3779B97F4A7C15UL ^ (ulong)d);
    }

    /// <summary>
    /// Writes elements <c>0..re.Length−1</c> of stream <paramref name="key"/>: <c>re[i] = scale·ρᵢ cos θᵢ</c>,
    /// <c>im[i] = scale·ρᵢ sin θᵢ</c> (two independent N(0, scale²) draws per element).
    /// <paramref name="u1"/> and <paramref name="u2"/> are scratch of at least the same length.
    /// </summary>
    public static void FillPairs(ulong key, float scale, Span<float> re, Span<float> im, Span<float> u1, Span<float> u2)
    {
        int n = re.Length;
        u1 = u1[..n];
        u2 = u2[..n];
        im = im[..n];
        Uniforms(key, u1, u2);

        // ρ·scale = sqrt(−2·scale²·ln u₁); θ = 2π(u₂ − ½).
        TensorPrimitives.Log(u1, u1);
        TensorPrimitives.Multiply(u1, -2f * scale * scale, u1);
        TensorPrimitives.Sqrt(u1, u1);
        TensorPrimitives.Add(u2, -0.5f, u2);
        TensorPrimitives.Multiply(u2, 2f * MathF.PI, u2);
        TensorPrimitives.Cos(u2, re);
        TensorPrimitives.Sin(u2, im);
        TensorPrimitives.Multiply(re, u1, re);
        TensorPrimitives.Multiply(im, u1, im);
    }

    /// <summary>
    /// Writes <paramref name="normals"/>.Length standard normals of stream <paramref name="key"/>: the cosine halves
    /// of the first ⌈n/2⌉ pairs, then their sine halves. Scratch spans need ⌈n/2⌉ elements each.
    /// </summary>
    public static void FillNormals(ulong key, Span<float> normals, Span<float> u1, Span<float> u2, Span<float> sinScratch)
    {
        int h = (normals.Length + 1) / 2;
        Span<float> sin = sinScratch[..h];
        FillPairs(key, 1f, normals[..h], sin, u1, u2);
        sin[..(normals.Length - h)].CopyTo(normals[h..]);
    }

    private static void Uniforms(ulong key, Span<float> u1, Span<float> u2)
    {
        uint lo = (uint)key;
        uint hi = (uint)(key >> 32);
        int i = 0;
        if (UseVector256)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            var one = Vector256.Create(1);
            var scale = Vector256.Create(TwoPow24Inverse);
            var counters = Vector256.Create(0u, 2, 4, 6, 8, 10, 12, 14);
            var step = Vector256.Create(16u);
            for (; i + 8 <= u1.Length; i += 8)
            {
                Vector256<uint> h1 = Mix32(Mix32(counters + vlo) ^ vhi);
                Vector256<uint> h2 = Mix32(Mix32(counters + Vector256<uint>.One + vlo) ^ vhi);
                Vector256<int> a = Vector256.ShiftRightLogical(h1, 8).AsInt32() + one;
                Vector256<int> b = Vector256.ShiftRightLogical(h2, 8).AsInt32();
                (Vector256.ConvertToSingle(a) * scale).StoreUnsafe(ref u1[i]);
                (Vector256.ConvertToSingle(b) * scale).StoreUnsafe(ref u2[i]);
                counters += step;
            }
        }

        for (; i < u1.Length; i++)
        {
            uint c = 2u * (uint)i;
            uint h1 = Mix32(Mix32(c + lo) ^ hi);
            uint h2 = Mix32(Mix32(c + 1 + lo) ^ hi);
            u1[i] = ((int)(h1 >> 8) + 1) * TwoPow24Inverse;
            u2[i] = (int)(h2 >> 8) * TwoPow24Inverse;
        }
    }

    private static uint Mix32(uint x)
    {
        x ^= x >> 16;
        x *= 0x7FEB352DU;
        x ^= x >> 15;
        x *= 0x846CA68BU;
        return x ^ (x >> 16);
    }

    private static Vector256<uint> Mix32(Vector256<uint> x)
    {
        x ^= Vector256.ShiftRightLogical(x, 16);
        x *= Vector256.Create(0x7FEB352DU);
        x ^= Vector256.ShiftRightLogical(x, 15);
        x *= Vector256.Create(0x846CA68BU);
        return x ^ Vector256.ShiftRightLogical(x, 16);
    }

    private static ulong Mix64(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
