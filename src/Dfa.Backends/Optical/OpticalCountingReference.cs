using Dfa.Backends.Encoding;
using Dfa.Backends.Randomness;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Optical;

/// <summary>
/// The optical backend's counting reference: the device of <see cref="OpticalProjector"/> (the same transmission
/// matrix, anchor field, calibration, drift and camera noise streams for the same seed) driven frame by frame in
/// scalar loops. What the light does (the field <c>Σ_lit R_ij</c>, intensities, drift, shot and read noise, the ADC) is
/// the simulated world and is not counted; what the device and the host do is:
/// <list type="bullet">
/// <item>every frame exposed (one optical frame), every mirror of its tile region written (inputs and anchors), every
/// camera pixel of its output tile read;</item>
/// <item>on the host, per pixel of a frame, the level scaled back to intensity (one multiply; an ideal camera reports a
/// level too), and per pixel, sample and input tile the decode <c>L = (I₁ − I₀ − Î_r)/2</c> for both signs (4 adds,
/// 2 multiplies), <c>α⁺L⁺ − α⁻L⁻</c> (2 multiplies, 1 add) and its accumulation (1 add);</item>
/// <item>ternarising, per sample: a max pass (a compare per component), the cut <c>threshold·max</c> (a multiply), a
/// threshold pass (a compare, an add of the kept value into its sign's sum and an integer add into its sign's count
/// per component) and the scales (one division per scale, counted as a multiply);</item>
/// <item>setup: per output tile and calibration frame, one frame, its mirrors and pixels, one multiply (level to
/// intensity) and one add per pixel; then one division per pixel (counted as a multiply);</item>
/// <item>per call, each column's factor <c>s_l·√2/sqrt(Î_r)</c> (counted as one multiply) and one multiply per
/// output.</item>
/// </list>
/// </summary>
internal sealed class OpticalCountingReference : CountingReference
{
    private readonly OpticalGeometry _geo;
    private readonly ulong _seed;
    private readonly int _n;
    private readonly int[] _layerOffsets;
    private readonly double[] _layerScale;
    private readonly float[] _re;
    private readonly float[] _im;
    private readonly double[] _refRe;
    private readonly double[] _refIm;
    private readonly float[] _calibration;
    private readonly bool _camera;
    private readonly CameraModel _model;
    private long _calls;
    private double _drift;

    public OpticalCountingReference(OpticalGeometry geometry, ulong seed)
        : base(geometry.Shape)
    {
        _geo = geometry;
        _seed = seed;
        _n = (int)geometry.Outputs;
        int e = Shape.ErrorSize, a = geometry.Anchors, layers = Shape.LayerSizes.Count;
        _layerOffsets = new int[layers + 1];
        _layerScale = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            _layerOffsets[l + 1] = _layerOffsets[l] + Shape.LayerSizes[l];
            _layerScale[l] = geometry.Scale ?? (1.0 / Math.Sqrt(Shape.LayerSizes[l]));
        }

        OpticalOptions o = geometry.Options;
        _camera = o.BitDepth > 0 || o.FullWellElectrons > 0 || o.Drift > 0;
        _model = new CameraModel(o.Exposure, o.FullWellElectrons, o.ReadNoiseElectrons * o.ReadNoiseElectrons, o.BitDepth > 0 ? (1 << o.BitDepth) - 1 : 0);

        // The medium, row by row (e input mirrors, then the anchors), in the projector's 256-column keyed segments.
        _re = new float[(long)(e + a) * _n];
        _im = new float[(long)(e + a) * _n];
        for (int g = 0; g < e + a; g++)
        {
            for (int c0 = 0; c0 < _n; c0 += OpticalProjector.BlockColumns)
            {
                int w = Math.Min(OpticalProjector.BlockColumns, _n - c0);
                ulong key = KeyedGaussian.Key(seed, OpticalProjector.DomainMatrix, g, c0 / OpticalProjector.BlockColumns);
                KeyedGaussian.FillPairs(key, OpticalProjector.InvSqrt2, _re.AsSpan((g * _n) + c0, w), _im.AsSpan((g * _n) + c0, w));
            }
        }

        _refRe = new double[_n];
        _refIm = new double[_n];
        for (int g = e; g < e + a; g++)
        {
            for (int j = 0; j < _n; j++)
            {
                _refRe[j] += _re[(g * _n) + j];
                _refIm[j] += _im[(g * _n) + j];
            }
        }

        _calibration = Calibrate();
    }

    private float[] Calibrate()
    {
        OpticalOptions o = _geo.Options;
        int frames = o.CalibrationFrames;
        var sum = new double[_n];
        var noise = new float[_n];
        bool shot = _camera && o.FullWellElectrons > 0;
        for (int c = 0; c < frames; c++)
        {
            if (shot)
            {
                Noise(OpticalProjector.DomainCalibration, noise, 1, c);
            }

            for (int to = 0; to < _geo.OutputTiles; to++)
            {
                Counts.Increment(HardwareAction.OpticalFrames);
                WriteMirrors(_geo.TileInputs(0) + _geo.Anchors);
                for (int j = to * o.CameraPixels; j < Math.Min(_n, (to + 1L) * o.CameraPixels); j++)
                {
                    Counts.Increment(HardwareAction.CameraPixelsRead);
                    double intensity = (_refRe[j] * _refRe[j]) + (_refIm[j] * _refIm[j]);
                    sum[j] += Report(intensity, _geo.Anchors, 0, shot ? noise[j] : 0);
                    Counts.Increment(HardwareAction.Fp32Add);
                }
            }
        }

        var calibration = new float[_n];
        for (int j = 0; j < _n; j++)
        {
            calibration[j] = (float)(sum[j] / frames);
            Counts.Increment(HardwareAction.Fp32Multiply);
        }

        return calibration;
    }

    /// <summary>The pixel through the camera, then scaled back to intensity on the host (one counted multiply).</summary>
    private double Report(double intensity, int lit, double drift, float z)
    {
        double level = _camera ? _model.Level(intensity, lit, drift, z) : intensity / _model.FullScale(lit);
        Counts.Increment(HardwareAction.Fp32Multiply);
        return level * _model.FullScale(lit);
    }

    private void WriteMirrors(int count)
    {
        for (int m = 0; m < count; m++)
        {
            Counts.Increment(HardwareAction.MirrorPixelsWritten);
        }
    }

    /// <summary>The normals the projector draws for one key, laid out over the whole row of pixels by 256-column block.</summary>
    private void Noise(ulong domain, float[] into, int frames, long a, long b = 0, long c = 0)
    {
        int width = OpticalProjector.BlockColumns;
        var block = new float[frames * width];
        var scratch = new float[((frames * width) + 1) / 2];
        for (int c0 = 0; c0 < _n; c0 += width)
        {
            int w = Math.Min(width, _n - c0);
            ulong key = domain == OpticalProjector.DomainCalibration
                ? KeyedGaussian.Key(_seed, domain, a, c0 / width)
                : KeyedGaussian.Key(_seed, domain, a, b, c, c0 / width);
            KeyedGaussian.FillNormals(key, block.AsSpan(0, frames * w), scratch);
            for (int f = 0; f < frames; f++)
            {
                block.AsSpan(f * w, w).CopyTo(into.AsSpan((f * _n) + c0, w));
            }
        }
    }

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        OpticalOptions o = _geo.Options;
        int batch = error.Rows, e = Shape.ErrorSize, tin = _geo.InputTiles, tout = _geo.OutputTiles, a = _geo.Anchors;
        float[] x = ReadErrors(error);
        var signs = new sbyte[batch * e];
        var alphaPlus = new double[batch];
        var alphaMinus = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            (alphaPlus[b], alphaMinus[b]) = Ternarize(x.AsSpan(b * e, e), signs.AsSpan(b * e, e), o);
        }

        // Drift of every frame in exposure order (output tile, input tile, sample, kind): the simulated light source.
        var drifts = new double[4L * batch * tin * tout];
        if (_camera && o.Drift > 0)
        {
            var rng = Rng.Derive(_seed, $"optical/drift/{_calls}");
            double rho = Math.Exp(-1 / o.DriftFrames);
            double kick = Math.Sqrt(1 - (rho * rho)) * o.Drift;
            for (int f = 0; f < drifts.Length; f++)
            {
                _drift = (rho * _drift) + (kick * rng.NextGaussian());
                drifts[f] = _drift;
            }
        }

        bool shot = _camera && o.FullWellElectrons > 0;
        var y = new double[batch * _n];
        var noise = new float[4 * _n];
        var frameRe = new float[4][];
        var frameIm = new float[4][];
        for (int ti = 0; ti < tin; ti++)
        {
            int i0 = ti * _geo.Capacity, i1 = i0 + _geo.TileInputs(ti);
            for (int b = 0; b < batch; b++)
            {
                // The fields of x⁺ and x⁻ over every pixel: the light, not counted.
                int litPlus = 0, litMinus = 0;
                float[] plusRe = new float[_n], plusIm = new float[_n], minusRe = new float[_n], minusIm = new float[_n];
                for (int i = i0; i < i1; i++)
                {
                    sbyte t = signs[(b * e) + i];
                    if (t == 0)
                    {
                        continue;
                    }

                    (float[] re, float[] im) = t > 0 ? (plusRe, plusIm) : (minusRe, minusIm);
                    _ = t > 0 ? litPlus++ : litMinus++;
                    for (int j = 0; j < _n; j++)
                    {
                        re[j] += _re[(i * _n) + j];
                        im[j] += _im[(i * _n) + j];
                    }
                }

                if (shot)
                {
                    Noise(OpticalProjector.DomainNoise, noise, 4, _calls, b, ti);
                }

                for (int to = 0; to < tout; to++)
                {
                    int frame = (((to * tin) + ti) * batch) + b;
                    for (int kind = 0; kind < 4; kind++)
                    {
                        Counts.Increment(HardwareAction.OpticalFrames);
                        WriteMirrors(_geo.TileInputs(ti) + a);
                    }

                    for (int j = to * o.CameraPixels; j < Math.Min(_n, (to + 1L) * o.CameraPixels); j++)
                    {
                        for (int kind = 0; kind < 4; kind++)
                        {
                            Counts.Increment(HardwareAction.CameraPixelsRead);
                        }

                        double pa = Report(CameraKernel.Anchored(plusRe[j], plusIm[j], _refRe[j], _refIm[j]), litPlus + a, drifts[(4 * frame) + 0], shot ? noise[j] : 0);
                        double pp = Report(CameraKernel.Plain(plusRe[j], plusIm[j]), litPlus, drifts[(4 * frame) + 1], shot ? noise[_n + j] : 0);
                        double ma = Report(CameraKernel.Anchored(minusRe[j], minusIm[j], _refRe[j], _refIm[j]), litMinus + a, drifts[(4 * frame) + 2], shot ? noise[(2 * _n) + j] : 0);
                        double mp = Report(CameraKernel.Plain(minusRe[j], minusIm[j]), litMinus, drifts[(4 * frame) + 3], shot ? noise[(3 * _n) + j] : 0);
                        double l1 = pa - pp;
                        Counts.Increment(HardwareAction.Fp32Add);
                        l1 -= _calibration[j];
                        Counts.Increment(HardwareAction.Fp32Add);
                        l1 *= 0.5;
                        Counts.Increment(HardwareAction.Fp32Multiply);
                        double l2 = ma - mp;
                        Counts.Increment(HardwareAction.Fp32Add);
                        l2 -= _calibration[j];
                        Counts.Increment(HardwareAction.Fp32Add);
                        l2 *= 0.5;
                        Counts.Increment(HardwareAction.Fp32Multiply);
                        double plus = alphaPlus[b] * l1;
                        Counts.Increment(HardwareAction.Fp32Multiply);
                        double minus = alphaMinus[b] * l2;
                        Counts.Increment(HardwareAction.Fp32Multiply);
                        double d = plus - minus;
                        Counts.Increment(HardwareAction.Fp32Add);
                        y[(b * _n) + j] += d;
                        Counts.Increment(HardwareAction.Fp32Add);
                    }
                }
            }
        }

        _calls++;
        for (int l = 0; l < signals.Count; l++)
        {
            int c0 = _layerOffsets[l], n = Shape.LayerSizes[l];
            var factor = new double[n];
            for (int j = 0; j < n; j++)
            {
                float reference = _calibration[c0 + j];
                factor[j] = reference > 0 ? _layerScale[l] * Math.Sqrt(2) / Math.Sqrt(reference) : 0;
                Counts.Increment(HardwareAction.Fp32Multiply);
            }

            var s = new float[batch * n];
            for (int b = 0; b < batch; b++)
            {
                for (int j = 0; j < n; j++)
                {
                    s[(b * n) + j] = (float)(factor[j] * y[(b * _n) + c0 + j]);
                    Counts.Increment(HardwareAction.Fp32Multiply);
                }
            }

            WriteSignal(s, signals[l]);
        }
    }

    /// <summary>
    /// One sample's signs and scales (α⁺, α⁻; equal with a shared scale), as <see cref="Ternarizer"/> defines them,
    /// in fixed work per component.
    /// </summary>
    private (double Plus, double Minus) Ternarize(ReadOnlySpan<float> x, Span<sbyte> signs, OpticalOptions o)
    {
        float max = 0;
        foreach (float v in x)
        {
            max = MathF.Max(max, MathF.Abs(v));
            Counts.Increment(HardwareAction.Fp32Compare);
        }

        bool usable = max > 0 && float.IsFinite(max);
        float cut = (float)(o.Threshold * max);
        Counts.Increment(HardwareAction.Fp32Multiply);
        bool perSign = o.TernaryScale == TernaryScale.PerSign;
        double plus = 0, minus = 0;
        int nPlus = 0, nMinus = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            bool keep = usable && MathF.Abs(v) > cut;
            Counts.Increment(HardwareAction.Fp32Compare);
            bool negative = float.IsNegative(v);
            signs[i] = keep ? (negative ? (sbyte)-1 : (sbyte)1) : (sbyte)0;

            // A shared scale sums every kept magnitude into one sum and count; per-sign scales, each sign into its own.
            if (keep && negative && perSign)
            {
                minus -= v;
                nMinus++;
            }
            else
            {
                plus += keep ? (perSign ? v : MathF.Abs(v)) : 0;
                nPlus += keep ? 1 : 0;
            }

            Counts.Increment(HardwareAction.Fp32Add);
            Counts.Increment(HardwareAction.Int32Add);
        }

        if (!perSign)
        {
            float alpha = nPlus > 0 ? (float)(plus / nPlus) : 0;
            Counts.Increment(HardwareAction.Fp32Multiply);
            return (alpha, alpha);
        }

        float ap = nPlus > 0 ? (float)(plus / nPlus) : 0;
        Counts.Increment(HardwareAction.Fp32Multiply);
        float am = nMinus > 0 ? (float)(minus / nMinus) : 0;
        Counts.Increment(HardwareAction.Fp32Multiply);
        return (ap, am);
    }
}
