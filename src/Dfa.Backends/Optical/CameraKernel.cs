using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Dfa.Backends.Optical;

/// <summary>
/// The camera and the recovery of one sample's signal over a block of pixels, for one input tile: the four frames
/// (x⁺ anchored, x⁺ plain, x⁻ anchored, x⁻ plain) through <see cref="CameraModel"/>, then
/// <c>y_j += L(x⁺) − L(x⁻)</c> with <c>L = (I₁ − I₀ − Î_r)/2</c>. Four pixels at a time in double (Vector256), with the
/// scalar loop for the tail and for machines without AVX.
/// </summary>
/// <remarks>
/// The vector body performs, lane by lane, exactly the IEEE operations of the scalar loop in the same order (no FMA
/// contraction; <c>max(0, x)</c>, <c>clamp</c> and round-half-even as selects and <c>vroundpd</c>), so a pixel's result
/// does not depend on whether it falls in the body or the tail. Before, this step was a scalar call per pixel and
/// frame, and it took most of the projection's time when errors are sparse (few lit mirrors, little field work).
/// </remarks>
internal static class CameraKernel
{
    /// <summary>Test hook: false forces the scalar loop.</summary>
    internal static bool UseVector256 { get; set; } = Avx.IsSupported;

    /// <summary>
    /// <paramref name="y"/>[j] += α⁺·L(x⁺) − α⁻·L(x⁻) for j in [<paramref name="from"/>, <paramref name="to"/>), with
    /// <paramref name="alphaPlus"/> and <paramref name="alphaMinus"/> the sample's ternary scales. <paramref name="noise"/> holds the four frames'
    /// normals (frame k at <c>k·w</c>, w = y.Length); <paramref name="lit"/> the mirrors lit in each frame (anchors
    /// included in the anchored ones) and <paramref name="drift"/> each frame's drift. With <paramref name="camera"/>
    /// false the intensities are used as they are (no exposure, noise or ADC).
    /// </summary>
    public static void Accumulate(
        in CameraModel model, bool camera,
        ReadOnlySpan<float> pRe, ReadOnlySpan<float> pIm, ReadOnlySpan<float> mRe, ReadOnlySpan<float> mIm,
        ReadOnlySpan<double> rRe, ReadOnlySpan<double> rIm, ReadOnlySpan<float> reference, ReadOnlySpan<float> noise,
        Frames lit, FrameDrift drift, double alphaPlus, double alphaMinus, Span<double> y, int from, int to)
    {
        int w = y.Length;
        int j = from;
        if (UseVector256)
        {
            j = camera
                ? AccumulateVector(model, pRe, pIm, mRe, mIm, rRe, rIm, reference, noise, lit, drift, alphaPlus, alphaMinus, y, from, to)
                : AccumulatePlainVector(pRe, pIm, mRe, mIm, rRe, rIm, reference, alphaPlus, alphaMinus, y, from, to);
        }

        for (; j < to; j++)
        {
            if (!camera)
            {
                double lPlus = (Anchored(pRe[j], pIm[j], rRe[j], rIm[j]) - Plain(pRe[j], pIm[j]) - reference[j]) * 0.5;
                double lMinus = (Anchored(mRe[j], mIm[j], rRe[j], rIm[j]) - Plain(mRe[j], mIm[j]) - reference[j]) * 0.5;
                y[j] += (alphaPlus * lPlus) - (alphaMinus * lMinus);
                continue;
            }

            double pa = model.Apply(Anchored(pRe[j], pIm[j], rRe[j], rIm[j]), lit.PlusAnchored, drift.PlusAnchored, noise[j]);
            double pp = model.Apply(Plain(pRe[j], pIm[j]), lit.Plus, drift.Plus, noise[w + j]);
            double ma = model.Apply(Anchored(mRe[j], mIm[j], rRe[j], rIm[j]), lit.MinusAnchored, drift.MinusAnchored, noise[(2 * w) + j]);
            double mp = model.Apply(Plain(mRe[j], mIm[j]), lit.Minus, drift.Minus, noise[(3 * w) + j]);
            double l1 = (pa - pp - reference[j]) * 0.5;
            double l2 = (ma - mp - reference[j]) * 0.5;
            y[j] += (alphaPlus * l1) - (alphaMinus * l2);
        }
    }

    /// <summary><c>|f + r|²</c> in double.</summary>
    public static double Anchored(float fRe, float fIm, double rRe, double rIm)
    {
        double re = fRe + rRe;
        double im = fIm + rIm;
        return (re * re) + (im * im);
    }

    /// <summary><c>|f|²</c> in double.</summary>
    public static double Plain(float fRe, float fIm) => ((double)fRe * fRe) + ((double)fIm * fIm);

    private static int AccumulateVector(
        in CameraModel model,
        ReadOnlySpan<float> pRe, ReadOnlySpan<float> pIm, ReadOnlySpan<float> mRe, ReadOnlySpan<float> mIm,
        ReadOnlySpan<double> rRe, ReadOnlySpan<double> rIm, ReadOnlySpan<float> reference, ReadOnlySpan<float> noise,
        Frames lit, FrameDrift drift, double alphaPlus, double alphaMinus, Span<double> y, int from, int to)
    {
        int w = y.Length;
        var half = Vector256.Create(0.5);
        var ap = Vector256.Create(alphaPlus);
        var am = Vector256.Create(alphaMinus);
        FrameConstants pa = new(model, lit.PlusAnchored, drift.PlusAnchored);
        FrameConstants pp = new(model, lit.Plus, drift.Plus);
        FrameConstants ma = new(model, lit.MinusAnchored, drift.MinusAnchored);
        FrameConstants mp = new(model, lit.Minus, drift.Minus);
        int j = from;
        for (; j <= to - 4; j += 4)
        {
            Vector256<double> fpr = Widen(pRe, j), fpi = Widen(pIm, j), fmr = Widen(mRe, j), fmi = Widen(mIm, j);
            Vector256<double> rr = Load(rRe, j), ri = Load(rIm, j);
            Vector256<double> refJ = Widen(reference, j);
            Vector256<double> ipa = Camera(model, AnchoredV(fpr, fpi, rr, ri), pa, Widen(noise, j));
            Vector256<double> ipp = Camera(model, PlainV(fpr, fpi), pp, Widen(noise, w + j));
            Vector256<double> ima = Camera(model, AnchoredV(fmr, fmi, rr, ri), ma, Widen(noise, (2 * w) + j));
            Vector256<double> imp = Camera(model, PlainV(fmr, fmi), mp, Widen(noise, (3 * w) + j));
            Vector256<double> l1 = (ipa - ipp - refJ) * half;
            Vector256<double> l2 = (ima - imp - refJ) * half;
            Store(y, j, Load(y, j) + ((ap * l1) - (am * l2)));
        }

        return j;
    }

    private static int AccumulatePlainVector(
        ReadOnlySpan<float> pRe, ReadOnlySpan<float> pIm, ReadOnlySpan<float> mRe, ReadOnlySpan<float> mIm,
        ReadOnlySpan<double> rRe, ReadOnlySpan<double> rIm, ReadOnlySpan<float> reference, double alphaPlus, double alphaMinus,
        Span<double> y, int from, int to)
    {
        var half = Vector256.Create(0.5);
        var ap = Vector256.Create(alphaPlus);
        var am = Vector256.Create(alphaMinus);
        int j = from;
        for (; j <= to - 4; j += 4)
        {
            Vector256<double> fpr = Widen(pRe, j), fpi = Widen(pIm, j), fmr = Widen(mRe, j), fmi = Widen(mIm, j);
            Vector256<double> rr = Load(rRe, j), ri = Load(rIm, j);
            Vector256<double> refJ = Widen(reference, j);
            Vector256<double> l1 = (AnchoredV(fpr, fpi, rr, ri) - PlainV(fpr, fpi) - refJ) * half;
            Vector256<double> l2 = (AnchoredV(fmr, fmi, rr, ri) - PlainV(fmr, fmi) - refJ) * half;
            Store(y, j, Load(y, j) + ((ap * l1) - (am * l2)));
        }

        return j;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> AnchoredV(Vector256<double> fRe, Vector256<double> fIm, Vector256<double> rRe, Vector256<double> rIm)
    {
        Vector256<double> re = fRe + rRe;
        Vector256<double> im = fIm + rIm;
        return (re * re) + (im * im);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> PlainV(Vector256<double> fRe, Vector256<double> fIm) => (fRe * fRe) + (fIm * fIm);

    /// <summary>Lane-wise <see cref="CameraModel.Apply"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Camera(in CameraModel model, Vector256<double> intensity, in FrameConstants frame, Vector256<double> z)
    {
        Vector256<double> v = frame.Gain * intensity / frame.FullScale;
        if (model.FullWell > 0)
        {
            var fullWell = Vector256.Create(model.FullWell);
            Vector256<double> mu = v * fullWell;
            Vector256<double> electrons = mu + (Vector256.Sqrt(mu + Vector256.Create(model.ReadVariance)) * z);

            // Math.Max(0, e): +0 for e ≤ 0 (−0 included), NaN stays NaN.
            electrons = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(electrons, Vector256<double>.Zero), Vector256<double>.Zero, electrons);
            v = electrons / fullWell;
        }

        if (model.AdcMax > 0)
        {
            var adcMax = Vector256.Create(model.AdcMax);
            Vector256<double> dn = Vector256.Round(v * adcMax);

            // Math.Clamp(dn, 0, max): below min first, then above max, else the value itself.
            dn = Vector256.ConditionalSelect(
                Vector256.LessThan(dn, Vector256<double>.Zero), Vector256<double>.Zero,
                Vector256.ConditionalSelect(Vector256.GreaterThan(dn, adcMax), adcMax, dn));
            v = dn / adcMax;
        }

        return v * frame.FullScale;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Widen(ReadOnlySpan<float> x, int i) =>
        Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load(ReadOnlySpan<double> x, int i) => Vector256.LoadUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Span<double> x, int i, Vector256<double> v) => v.StoreUnsafe(ref MemoryMarshal.GetReference(x), (nuint)i);

    /// <summary>A frame's per-call constants: <c>1 + drift</c> and its full scale, as the scalar model computes them.</summary>
    private readonly struct FrameConstants(in CameraModel model, int lit, double drift)
    {
        public readonly Vector256<double> Gain = Vector256.Create(1 + drift);
        public readonly Vector256<double> FullScale = Vector256.Create(model.FullScale(lit));
    }
}

/// <summary>Mirrors lit in the four frames of one sample and input tile (anchors included in the anchored two).</summary>
internal readonly record struct Frames(int PlusAnchored, int Plus, int MinusAnchored, int Minus);

/// <summary>The drift of the four frames of one sample and input tile.</summary>
internal readonly record struct FrameDrift(double PlusAnchored, double Plus, double MinusAnchored, double Minus);

/// <summary>
/// One pixel of one frame through the camera: auto exposure, drift, shot + read noise, ADC (see
/// <see cref="OpticalProjector"/>); every step in double.
/// </summary>
internal readonly record struct CameraModel(double Exposure, double FullWell, double ReadVariance, double AdcMax)
{
    /// <summary>Full scale <c>I_fs = max(lit, 1)/exposure</c>.</summary>
    public double FullScale(int lit) => Math.Max(lit, 1) / Exposure;

    /// <summary>The intensity the camera reports for <paramref name="intensity"/>, with standard normal <paramref name="z"/> for its noise.</summary>
    public double Apply(double intensity, int lit, double drift, float z) => Level(intensity, lit, drift, z) * FullScale(lit);

    /// <summary>
    /// What the device gives for <paramref name="intensity"/>: the pixel's level as a fraction of full scale after drift,
    /// shot and read noise and the ADC (a digital number over its maximum); the host multiplies it by the full scale.
    /// </summary>
    public double Level(double intensity, int lit, double drift, float z)
    {
        double fullScale = FullScale(lit);
        double v = (1 + drift) * intensity / fullScale;
        if (FullWell > 0)
        {
            double mu = v * FullWell;
            double electrons = Math.Max(0, mu + (Math.Sqrt(mu + ReadVariance) * z));
            v = electrons / FullWell;
        }

        if (AdcMax > 0)
        {
            v = Math.Clamp(Math.Round(v * AdcMax), 0, AdcMax) / AdcMax;
        }

        return v;
    }
}
