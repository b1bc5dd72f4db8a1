using System.Runtime.Intrinsics;

namespace Dfa.Backends.Randomness;

/// <summary>
/// Counter-based standard normals: element <c>i</c> of the stream named by a 64-bit key is a pure function of
/// (key, i), so any block of a matrix or noise field (the optical transmission matrix, camera noise, crossbar noise) can be regenerated on demand,
/// by any thread, in any order, with the same bits. Two 32-bit hashes per element,
/// <c>h(c) = mix(mix(c + k_lo) ^ k_hi)</c> with <c>mix</c> the "lowbias32" integer finaliser (Wellons), give
/// <c>u₁ = (h(2i) ≫ 8 + 1)·2⁻²⁴ ∈ (0, 1]</c> and, from <c>h₂ = h(2i+1)</c>, a quadrant <c>q = h₂ ≫ 30</c> and
/// <c>φ ∈ [−π/4, π/4)</c> from the next 22 bits, so <c>θ = q·π/2 + φ</c> is uniform on the circle. Box–Muller gives
/// the pair <c>(ρ cos θ, ρ sin θ)·scale</c>, <c>ρ = sqrt(−2 ln u₁)</c>, with Cephes' float32 <c>logf</c> and its
/// <c>sinf</c>/<c>cosf</c> polynomials on [−π/4, π/4]. The Vector256 kernel and the scalar fallback perform the same
/// IEEE operations in the same order (no fused multiply-adds, correctly rounded square roots), so a key names the
/// same bits on every machine, thread count and code path.
/// </summary>
internal static class KeyedGaussian
{
    private const float TwoPow24Inverse = 1f / (1 << 24);
    private const float QuarterPi = MathF.PI / 4;
    private const float PhiStep = MathF.PI / 2 / (1 << 22);
    private const float Sqrt2 = 1.41421356f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float S1 = -1.6666654611e-1f;
    private const float S2 = 8.3321608736e-3f;
    private const float S3 = -1.9515295891e-4f;
    private const float C1 = 4.166664568298827e-2f;
    private const float C2 = -1.388731625493765e-3f;
    private const float C3 = 2.443315711809948e-5f;
    private const float L0 = 7.0376836292e-2f;
    private const float L1 = -1.1514610310e-1f;
    private const float L2 = 1.1676998740e-1f;
    private const float L3 = -1.2420140846e-1f;
    private const float L4 = 1.4249322787e-1f;
    private const float L5 = -1.6668057665e-1f;
    private const float L6 = 2.0000714765e-1f;
    private const float L7 = -2.4999993993e-1f;
    private const float L8 = 3.3333331174e-1f;

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
    /// </summary>
    public static void FillPairs(ulong key, float scale, Span<float> re, Span<float> im)
    {
        int n = re.Length;
        im = im[..n];
        uint lo = (uint)key;
        uint hi = (uint)(key >> 32);
        float radiusScale = -2f * scale * scale;
        int i = 0;
        if (UseVector256)
        {
            var vlo = Vector256.Create(lo);
            var vhi = Vector256.Create(hi);
            var counters = Vector256.Create(0u, 2, 4, 6, 8, 10, 12, 14);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<uint> h1 = Mix32(Mix32(counters + vlo) ^ vhi);
                Vector256<uint> h2 = Mix32(Mix32(counters + Vector256<uint>.One + vlo) ^ vhi);
                counters += Vector256.Create(16u);
                var u1 = Vector256.ConvertToSingle(Vector256.ShiftRightLogical(h1, 8).AsInt32() + Vector256<int>.One) * TwoPow24Inverse;
                Vector256<float> radius = Vector256.Sqrt(Log(u1) * radiusScale);

                // θ = q·π/2 + φ: the top two bits pick the quadrant q, the next 22 a uniform φ ∈ [−π/4, π/4).
                Vector256<uint> q = Vector256.ShiftRightLogical(h2, 30);
                var phi = (Vector256.ConvertToSingle((Vector256.ShiftRightLogical(h2, 8) & Vector256.Create(0x3FFFFFu)).AsInt32()) * PhiStep) - Vector256.Create(QuarterPi);
                Vector256<float> z = phi * phi;
                Vector256<float> sin = phi + (phi * z * (Vector256.Create(S1) + (z * (Vector256.Create(S2) + (z * S3)))));
                Vector256<float> cos = Vector256<float>.One - (z * 0.5f) + (z * z * (Vector256.Create(C1) + (z * (Vector256.Create(C2) + (z * C3)))));

                // Rotate (cos φ, sin φ) by q quarter turns: q odd swaps them, q ∈ {1, 2} negates the cosine side,
                // q ∈ {2, 3} the sine side.
                var swap = Vector256.Equals(q & Vector256<uint>.One, Vector256<uint>.One).AsSingle();
                Vector256<float> c = Vector256.ConditionalSelect(swap, sin, cos);
                Vector256<float> s = Vector256.ConditionalSelect(swap, cos, sin);
                var negC = Vector256.ShiftLeft((q ^ Vector256.ShiftRightLogical(q, 1)) & Vector256<uint>.One, 31).AsSingle();
                var negS = Vector256.ShiftLeft(Vector256.ShiftRightLogical(q, 1), 31).AsSingle();
                (radius * (c ^ negC)).StoreUnsafe(ref re[i]);
                (radius * (s ^ negS)).StoreUnsafe(ref im[i]);
            }
        }

        for (; i < n; i++)
        {
            uint counter = 2u * (uint)i;
            uint h1 = Mix32(Mix32(counter + lo) ^ hi);
            uint h2 = Mix32(Mix32(counter + 1 + lo) ^ hi);
            float u1 = ((int)(h1 >> 8) + 1) * TwoPow24Inverse;
            float radius = MathF.Sqrt(Log(u1) * radiusScale);
            uint q = h2 >> 30;
            float phi = ((int)((h2 >> 8) & 0x3FFFFF) * PhiStep) - QuarterPi;
            float z = phi * phi;
            float sin = phi + (phi * z * (S1 + (z * (S2 + (z * S3)))));
            float cos = 1f - (z * 0.5f) + (z * z * (C1 + (z * (C2 + (z * C3)))));
            bool swap = (q & 1) != 0;
            float c = swap ? sin : cos;
            float s = swap ? cos : sin;
            if (((q ^ (q >> 1)) & 1) != 0)
            {
                c = -c;
            }

            if ((q >> 1) != 0)
            {
                s = -s;
            }

            re[i] = radius * c;
            im[i] = radius * s;
        }
    }

    /// <summary>
    /// Writes <paramref name="normals"/>.Length standard normals of stream <paramref name="key"/>: the cosine halves
    /// of the first ⌈n/2⌉ pairs, then their sine halves. <paramref name="scratch"/> needs ⌈n/2⌉ elements.
    /// </summary>
    public static void FillNormals(ulong key, Span<float> normals, Span<float> scratch)
    {
        int h = (normals.Length + 1) / 2;
        Span<float> sin = scratch[..h];
        FillPairs(key, 1f, normals[..h], sin);
        sin[..(normals.Length - h)].CopyTo(normals[h..]);
    }

    /// <summary>
    /// Natural log for x in (0, 1], Cephes <c>logf</c>: <c>x = m·2^k</c> with <c>m ∈ [√½, √2)</c>, then a degree-9
    /// polynomial in <c>m − 1</c>; about 1 ulp. Scalar and vector forms run the same float operations in the same
    /// order (no fused multiply-adds), so they give the same bits.
    /// </summary>
    private static float Log(float x)
    {
        int bits = BitConverter.SingleToInt32Bits(x);
        int k = (bits >> 23) - 127;
        float m = BitConverter.Int32BitsToSingle((bits & 0x007FFFFF) | 0x3F800000);
        if (m > Sqrt2)
        {
            m *= 0.5f;
            k++;
        }

        float f = m - 1f;
        float z = f * f;
        float p = (((((((((L0 * f) + L1) * f) + L2) * f) + L3) * f) + L4) * f) + L5;
        p = (((((p * f) + L6) * f) + L7) * f) + L8;
        float ek = k;
        float y = (f * z * p) + (ek * Ln2Low) - (z * 0.5f);
        return f + y + (ek * Ln2High);
    }

    private static Vector256<float> Log(Vector256<float> x)
    {
        Vector256<int> bits = x.AsInt32();
        Vector256<int> k = Vector256.ShiftRightArithmetic(bits, 23) - Vector256.Create(127);
        Vector256<float> m = ((bits & Vector256.Create(0x007FFFFF)) | Vector256.Create(0x3F800000)).AsSingle();
        Vector256<float> big = Vector256.GreaterThan(m, Vector256.Create(Sqrt2));
        m = Vector256.ConditionalSelect(big, m * 0.5f, m);
        k -= big.AsInt32(); // true lanes are −1
        Vector256<float> f = m - Vector256<float>.One;
        Vector256<float> z = f * f;
        Vector256<float> p = (((((((((Vector256.Create(L0) * f) + Vector256.Create(L1)) * f) + Vector256.Create(L2)) * f) + Vector256.Create(L3)) * f) + Vector256.Create(L4)) * f) + Vector256.Create(L5);
        p = (((((p * f) + Vector256.Create(L6)) * f) + Vector256.Create(L7)) * f) + Vector256.Create(L8);
        Vector256<float> ek = Vector256.ConvertToSingle(k);
        Vector256<float> y = (f * z * p) + (ek * Ln2Low) - (z * 0.5f);
        return f + y + (ek * Ln2High);
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
