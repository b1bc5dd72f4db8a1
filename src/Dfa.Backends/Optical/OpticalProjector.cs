using Dfa.Backends.Encoding;
using Dfa.Backends.Randomness;
using Dfa.Core;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Optical;

/// <summary>
/// A simulated LightOn-style optical processing unit (OPU) used as a DFA feedback projector: a laser lights a
/// binary micro-mirror array (DMD), a multiply-scattering medium mixes the light by a fixed complex Gaussian
/// transmission matrix R, and a camera measures intensities. A signed linear projection is recovered with an anchor
/// (reference) field, "linear without holography" (arXiv 2305.12988).
/// <para><b>Encoding.</b> Per sample, <see cref="Ternarizer.TernarizePerSign"/> gives <c>t ∈ {−1, 0, +1}^e</c> and
/// two scales α⁺, α⁻ (<c>ternary_scale: per_sign</c>, the default), or <see cref="Ternarizer.Ternarize"/> one scale
/// α = α⁺ = α⁻ (<c>shared</c>). Two binary frames <c>x⁺ = [t = +1]</c>, <c>x⁻ = [t = −1]</c> are shown on the DMD; the
/// scales are applied digitally to their decoded projections.</para>
/// <para><b>Geometry.</b> A anchor mirrors (see <see cref="OpticalGeometry.AutomaticAnchors"/>); a tile holds
/// <c>cap = mirrors − A</c> inputs, <c>T_in = ⌈e/cap⌉</c>. The hidden layers are concatenated into
/// <c>N = Σ n_l</c> outputs (layer l owns a contiguous range of camera pixels), <c>T_out = ⌈N/camera_pixels⌉</c>.
/// Each (input tile, output tile) pair is exposed separately; as an idealisation each tile sees its own region of R
/// (its own rows and columns, as a different region of interest or device would) while the anchor field is the same
/// in every input tile.</para>
/// <para><b>Transmission matrix.</b> <c>R_gj = (x + i·y)/√2</c>, <c>x, y ~ N(0, 1)</c>, so <c>E|R_gj|² = 1</c>, over
/// rows <c>g ∈ [0, e + A)</c> (e input mirrors, then the A anchors) and columns <c>j ∈ [0, N)</c>. It is named by the
/// seed only and never stored: the 256-column segment of row g in column block <c>bc</c> is the counter-based
/// stream <see cref="KeyedGaussian"/> keyed by (seed, g, bc), regenerated on every call. The anchor field
/// <c>r_j = Σ_{a&lt;A} R_{e+a, j}</c> is computed once (it is the simulated world's state, not device storage).</para>
/// <para><b>Measurement.</b> For each binary frame x the camera takes <c>I₁ = |f(x) + r|²</c> (anchors lit) and
/// <c>I₀ = |f(x)|²</c>, <c>f_j(x) = Σ_i x_i R_ij</c> over the tile's inputs. The reference intensity <c>Î_r</c> is
/// measured at construction as the mean of <c>calibration_frames</c> anchor-only frames per output tile and kept as
/// float32 (the only stored data). Then <c>L(x) = (I₁ − I₀ − Î_r)/2</c>, which is <c>Re(r̄_j f_j(x))</c> exactly
/// without noise. Four frames per sample and tile pair, in this order: x⁺ anchored, x⁺ plain, x⁻ anchored,
/// x⁻ plain; all are exposed even when dark, so the work does not depend on the data. Intensities and the
/// subtraction are computed in double. The fields are float32 sums of the lit rows, in ascending row order
/// (<see cref="FieldKernel"/>); rows of mirrors dark in every frame of a call are not even generated.</para>
/// <para><b>Recovery.</b> <c>y_j = Σ_tiles [α⁺_b·L(x⁺) − α⁻_b·L(x⁻)]</c> and <c>S[b, j] = s_l·√2·y_j / sqrt(Î_r,j)</c> with
/// <c>s_l = feedback.scale</c> or <c>1/sqrt(n_l)</c>. Without noise this is <c>E_ternary · B_l</c> with
/// <c>B_l[i, j] = s_l·√2·Re(r̄_j R_ij)/sqrt(Î_r,j)</c>; with an exact calibration <c>Î_r = |r|²</c> its entries are
/// i.i.d. N(0, s_l²) (the phase of r_j is independent of the input rows, and <c>Re(e^{−iφ}R)·√2 ~ N(0, 1)</c>). A pixel
/// whose reference reads 0 carries no signal (its column of B is 0). <see cref="FeedbackMatrix"/> returns this B_l
/// with the measured Î_r.</para>
/// <para><b>Camera</b> (per frame, per pixel; off entirely when bit_depth, full_well_e and drift are all 0). Auto
/// exposure like lightonml's <c>ones_factor</c>: full scale <c>I_fs = max(lit, 1)/exposure</c>, lit = mirrors lit in
/// the frame (ones of x, plus A if anchored; <c>E[I] = lit</c>). Relative level <c>v = m(t)·I/I_fs</c> with laser
/// drift m. Shot and read noise (when full_well_e &gt; 0): electrons <c>q = max(0, μ + sqrt(μ + σ_read²)·z)</c>,
/// <c>μ = v·full_well</c>, z ~ N(0, 1) — one Gaussian for both, clamped at 0 (the Gaussian approximation of Poisson is
/// poor below ~20 e⁻, i.e. in dark speckle grains, and accepted); <c>v = q/full_well</c>. With full_well_e = 0 there is
/// no electron scale and read noise is ignored too. ADC (bit_depth b &gt; 0):
/// <c>DN = clamp(round(v·(2^b − 1)), 0, 2^b − 1)</c>, saturating at full scale, decoded as <c>I = DN/(2^b − 1)·I_fs</c>.
/// Drift: <c>m(t) = 1 + d(t)</c>, an Ornstein–Uhlenbeck process over the projector's frame counter,
/// <c>d_{t+1} = ρ d_t + sqrt(1 − ρ²)·drift·z</c>, <c>ρ = exp(−1/drift_frames)</c>, stationary std <c>drift</c>;
/// calibration happens at <c>d = 0</c> and the process continues across calls. Why the signed split cancels drift to
/// first order: <c>I₁ − I₀ − Î_r ≈ 2(1 + d)·L + (d − d_cal)|r|²</c>; the second term does not depend on x, so it
/// cancels in <c>L(x⁺) − L(x⁻)</c> up to <c>(d⁺ − d⁻)|r|²/2</c>, and d moves by only ~<c>drift·sqrt(2·Δt/drift_frames)</c>
/// over the two frames Δt separating x⁺ from x⁻; what is left is a ~drift relative gain error on the signal.
/// The noise defaults (10 000 e⁻ full well, 5 e⁻ read noise, 1 % drift) are typical-CMOS assumptions, not measured
/// OPU figures.</para>
/// <para><b>Determinism.</b> Camera noise of frame (sample b, kind k, input tile) in column block bc of call c is
/// the stream keyed by (seed, c, b, tile, bc); the drift sequence is drawn sequentially per call from
/// <c>Rng.Derive(seed, "optical/drift/c")</c>, frames ordered by (output tile, input tile, sample, kind). Column
/// blocks are split over threads, each computed by one fixed sequence of operations, so 1 and 2 threads give the same
/// bits.</para>
/// <para><b>Counted work</b> (performed and counted in scalar loops by <see cref="OpticalCountingReference"/>). Setup:
/// <c>calibration_frames·T_out</c> optical frames, each writing <c>min(e, cap) + A</c> mirrors (the first tile's
/// region, inputs dark); <c>calibration_frames·N</c> camera pixels read, fp32 multiplies (each pixel's level back to
/// intensity) and fp32 adds (the averaging sums), <c>N</c> fp32 multiplies (÷ frames). Per call of batch B:
/// <c>4·B·T_in·T_out</c> optical frames; per frame, the tile's inputs + A mirrors written
/// (<c>4·B·T_out·(e + T_in·A)</c> in all) and the output tile's pixels read (<c>4·B·T_in·N</c>); host work, ternarising with
/// fixed work per component: <c>2·B·e</c> fp32 compares (the sample's max, then the threshold), <c>B·e</c> fp32 adds
/// (the kept values into their scale's sum; a dropped one adds 0), <c>B·e</c> int adds (the kept counts), and per
/// sample the cut <c>threshold·max</c> and one division per scale (two per-sign, one shared), counted as multiplies;
/// decoding, per sample, tile and pixel, 4 multiplies (DN → intensity), 4 adds and 2 multiplies for the
/// two L's, 2 multiplies by α⁺ and α⁻, 1 add for <c>α⁺L⁺ − α⁻L⁻</c> and 1 add to accumulate y (<c>6·B·T_in·N</c> adds,
/// <c>8·B·T_in·N</c> multiplies); then N multiplies for the column factors <c>s_l·√2/sqrt(Î_r)</c> (a reciprocal
/// square root counted as one multiply) and <c>B·N</c> multiplies for <c>factor·y</c>; <c>4·B·e</c> error bytes
/// read and <c>4·B·N</c> signal bytes written. No feedback bits are read: nothing is stored.</para>
/// <para><b>Storage.</b> 0 weight, index and padding bits; <c>4·N</c> calibration bytes (Î_r as float32).</para>
/// </summary>
public sealed class OpticalProjector : IFeedbackProjector, IResumable
{
    internal const int BlockColumns = 256;
    private const int BlockRows = 128;

    // Row stride of a generated block: 16 floats past a power of two, so that a 32-column slice of its rows does not
    // map onto a handful of L1 sets; 128 rows × 32 columns × (re + im) is 32 KiB, L1-sized.
    private const int BlockStride = BlockColumns + 16;
    internal const ulong DomainMatrix = 1;
    internal const ulong DomainNoise = 2;
    internal const ulong DomainCalibration = 3;
    internal static readonly float InvSqrt2 = (float)(1 / Math.Sqrt(2));

    /// <summary>Test hook: false keeps every tile on the per-row sums (the reference the GEMM fields must match bit for bit).</summary>
    internal static bool UseDenseFields { get; set; } = true;

    private readonly OpticalGeometry _geo;
    private readonly ulong _seed;
    private readonly int _threads;
    private readonly int _n;
    private readonly int[] _layerOffsets;
    private readonly double[] _layerScale;
    private readonly double[] _refRe;
    private readonly double[] _refIm;
    private readonly float[] _calibration;
    private readonly bool _camera;
    private readonly double _fullWell;
    private readonly double _readVariance;
    private readonly double _adcMax;
    private readonly Workspace[] _workspaces;
    private readonly CameraModel _cameraModel;
    private long _calls;
    private double _drift;
    private int[] _litIndex = [];
    private int[] _litStart = [];
    private int[] _litEnd = [];
    private bool[] _rowLit = [];
    private float[] _alphaPlus = [];
    private float[] _alphaMinus = [];
    private int[] _lit = [];
    private double[] _drifts = [];
    private sbyte[] _signs = [];
    private bool[] _denseTile = [];
    private float[][] _frameMatrices = [];

    internal OpticalProjector(OpticalGeometry geometry, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        // OpticalGeometry.Create has already refused shapes with more than int.MaxValue outputs.

        _geo = geometry;
        _seed = seed;
        _threads = threads;
        Shape = geometry.Shape;
        _n = (int)geometry.Outputs;
        int layers = Shape.LayerSizes.Count;
        _layerOffsets = new int[layers + 1];
        _layerScale = new double[layers];
        for (int l = 0; l < layers; l++)
        {
            _layerOffsets[l + 1] = _layerOffsets[l] + Shape.LayerSizes[l];
            _layerScale[l] = geometry.Scale ?? (1.0 / Math.Sqrt(Shape.LayerSizes[l]));
        }

        var o = geometry.Options;
        _camera = o.BitDepth > 0 || o.FullWellElectrons > 0 || o.Drift > 0;
        _fullWell = o.FullWellElectrons;
        _readVariance = o.ReadNoiseElectrons * o.ReadNoiseElectrons;
        _adcMax = o.BitDepth > 0 ? (1 << o.BitDepth) - 1 : 0;
        _cameraModel = new CameraModel(o.Exposure, _fullWell, _readVariance, _adcMax);
        _refRe = new double[_n];
        _refIm = new double[_n];
        _calibration = new float[_n];
        _workspaces = new Workspace[threads];
        for (int t = 0; t < threads; t++)
        {
            _workspaces[t] = new Workspace();
        }

        ForEachBlock(Calibrate);

        int frames = o.CalibrationFrames;
        for (int to = 0; to < geometry.OutputTiles; to++)
        {
            Counts.Add(HardwareAction.OpticalFrames, frames);
            Counts.Add(HardwareAction.MirrorPixelsWritten, (long)frames * (geometry.TileInputs(0) + geometry.Anchors));
            long pixels = Math.Min(o.CameraPixels, _n - ((long)to * o.CameraPixels));
            Counts.Add(HardwareAction.CameraPixelsRead, frames * pixels);
            Counts.Add(HardwareAction.Fp32Add, frames * pixels);
        }

        Counts.Add(HardwareAction.Fp32Multiply, checked(((long)frames * _n) + _n));
    }

    public string Backend => "optical";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => new(OpticalBackend.Layout, 0, 0, 0, 4L * _calibration.Length);

    /// <summary>Anchor mirrors in use (automatic or configured).</summary>
    public int AnchorMirrors => _geo.Anchors;

    /// <summary><c>T_in</c>, <c>T_out</c>.</summary>
    public (int Input, int Output) Tiles => (_geo.InputTiles, _geo.OutputTiles);

    /// <summary>
    /// Saves the call counter (which keys every later call's camera noise and drift stream) and the drift's current
    /// value, the only state that moves; the mirrors' matrix and the calibration are rebuilt from the seed.
    /// </summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetLong(prefix + "optical_calls", _calls);
        state.SetDouble(prefix + "optical_drift", _drift);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long calls = state.Long(prefix + "optical_calls");
        if (calls < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: record '{prefix}optical_calls' is negative ({calls})");
        }

        _calls = calls;
        _drift = state.Double(prefix + "optical_drift");
    }

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        int tin = _geo.InputTiles;
        int tout = _geo.OutputTiles;
        int anchors = _geo.Anchors;
        EnsureBuffers(batch);

        Array.Clear(_rowLit);

        // Ternarise and list each frame's lit mirrors, ascending: sample b's region of e slots holds x⁺'s indices
        // then x⁻'s (the two are disjoint, so they fit), with lit counts per input tile for the camera's exposure.
        for (int b = 0; b < batch; b++)
        {
            if (_geo.Options.TernaryScale == TernaryScale.PerSign)
            {
                (_alphaPlus[b], _alphaMinus[b]) = Ternarizer.TernarizePerSign(error.Row(b), _geo.Options.Threshold, _signs);
            }
            else
            {
                _alphaPlus[b] = _alphaMinus[b] = Ternarizer.Ternarize(error.Row(b), _geo.Options.Threshold, _signs);
            }

            int plus = b * e;
            _litStart[2 * b] = plus;
            for (int ti = 0; ti < tin; ti++)
            {
                int i0 = ti * _geo.Capacity;
                int i1 = i0 + _geo.TileInputs(ti);
                int litPlus = 0;
                for (int i = i0; i < i1; i++)
                {
                    if (_signs[i] > 0)
                    {
                        _rowLit[i] = true;
                        _litIndex[plus++] = i;
                        litPlus++;
                    }
                }

                _lit[2 * ((b * tin) + ti)] = litPlus;
            }

            int minus = plus;
            _litEnd[2 * b] = plus;
            _litStart[(2 * b) + 1] = minus;
            for (int ti = 0; ti < tin; ti++)
            {
                int i0 = ti * _geo.Capacity;
                int i1 = i0 + _geo.TileInputs(ti);
                int litMinus = 0;
                for (int i = i0; i < i1; i++)
                {
                    if (_signs[i] < 0)
                    {
                        _rowLit[i] = true;
                        _litIndex[minus++] = i;
                        litMinus++;
                    }
                }

                _lit[(2 * ((b * tin) + ti)) + 1] = litMinus;
            }

            _litEnd[(2 * b) + 1] = minus;
        }

        Counts.Add(HardwareAction.Fp32Compare, 2L * batch * e);
        Counts.Add(HardwareAction.Fp32Add, (long)batch * e);
        Counts.Add(HardwareAction.Int32Add, (long)batch * e);
        Counts.Add(HardwareAction.Fp32Multiply, (long)batch * (_geo.Options.TernaryScale == TernaryScale.PerSign ? 3 : 2));
        Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);

        if (_geo.Options.Drift > 0)
        {
            // Frames in exposure order: output tile, input tile, sample, kind.
            var rng = Rng.Derive(_seed, $"optical/drift/{_calls}");
            double rho = Math.Exp(-1 / _geo.Options.DriftFrames);
            double kick = Math.Sqrt(1 - (rho * rho)) * _geo.Options.Drift;
            for (int f = 0; f < _drifts.Length; f++)
            {
                _drift = (rho * _drift) + (kick * rng.NextGaussian());
                _drifts[f] = _drift;
            }
        }

        PrepareDenseTiles(batch);
        long call = _calls;
        ForEachBlock((bc, ws) => ProjectBlock(bc, ws, batch, call, signals));
        _calls++;

        for (int to = 0; to < tout; to++)
        {
            long pixels = Math.Min(_geo.Options.CameraPixels, _n - ((long)to * _geo.Options.CameraPixels));
            for (int ti = 0; ti < tin; ti++)
            {
                Counts.Add(HardwareAction.OpticalFrames, 4L * batch);
                Counts.Add(HardwareAction.MirrorPixelsWritten, 4L * batch * (_geo.TileInputs(ti) + anchors));
                Counts.Add(HardwareAction.CameraPixelsRead, 4L * batch * pixels);
                Counts.Add(HardwareAction.Fp32Multiply, 8L * batch * pixels);
                Counts.Add(HardwareAction.Fp32Add, 6L * batch * pixels);
            }
        }

        Counts.Add(HardwareAction.Fp32Multiply, _n + ((long)batch * _n));
        Counts.Add(HardwareAction.SignalBytesWritten, 4L * batch * _n);
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        if (_geo.Options.TernaryScale == TernaryScale.PerSign)
        {
            Ternarizer.EncodePerSign(error, _geo.Options.Threshold, encoded);
        }
        else
        {
            Ternarizer.Encode(error, _geo.Options.Threshold, encoded);
        }
    }

    /// <summary><c>B_l[i, j] = s_l·√2·Re(r̄_j R_ij)/sqrt(Î_r,j)</c>, regenerated from the seed (allocates e × n_l floats).</summary>
    public Matrix FeedbackMatrix(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, Shape.LayerSizes.Count);
        int e = Shape.ErrorSize;
        int c0 = _layerOffsets[layer];
        int c1 = _layerOffsets[layer + 1];
        var m = new Matrix(e, c1 - c0);
        var ws = new Workspace();
        for (int bc = c0 / BlockColumns; bc * BlockColumns < c1; bc++)
        {
            int b0 = bc * BlockColumns;
            int w = Math.Min(BlockColumns, _n - b0);
            Span<float> re = ws.MatrixRe.AsSpan(0, w);
            Span<float> im = ws.MatrixIm.AsSpan(0, w);
            int j0 = Math.Max(c0, b0);
            int j1 = Math.Min(c1, b0 + w);
            for (int i = 0; i < e; i++)
            {
                KeyedGaussian.FillPairs(KeyedGaussian.Key(_seed, DomainMatrix, i, bc), InvSqrt2, re, im);
                Span<float> row = m.Row(i);
                for (int j = j0; j < j1; j++)
                {
                    double factor = ColumnFactor(layer, j);
                    row[j - c0] = (float)(factor * ((_refRe[j] * re[j - b0]) + (_refIm[j] * im[j - b0])));
                }
            }
        }

        return m;
    }

    /// <summary>The measured reference intensities <c>Î_r</c> (for analysis and tests; do not modify).</summary>
    internal ReadOnlySpan<float> ReferenceIntensity => _calibration;

    private double ColumnFactor(int layer, int j)
    {
        float reference = _calibration[j];
        return reference > 0 ? _layerScale[layer] * Math.Sqrt(2) / Math.Sqrt(reference) : 0;
    }

    private void EnsureBuffers(int batch)
    {
        int e = Shape.ErrorSize;
        if (_alphaPlus.Length != batch)
        {
            _alphaPlus = new float[batch];
            _alphaMinus = new float[batch];
            _litIndex = new int[checked(batch * e)];
            _litStart = new int[2 * batch];
            _litEnd = new int[2 * batch];
            _lit = new int[2 * batch * _geo.InputTiles];
            _drifts = new double[checked(4 * batch * _geo.InputTiles * _geo.OutputTiles)];
        }

        if (_signs.Length != e)
        {
            _signs = new sbyte[e];
            _rowLit = new bool[e];
        }

        foreach (Workspace ws in _workspaces)
        {
            ws.Ensure(batch);
        }
    }

    /// <summary>Runs <paramref name="body"/> over every column block, each worker with its own workspace.</summary>
    private void ForEachBlock(Action<int, Workspace> body)
    {
        int blocks = (_n + BlockColumns - 1) / BlockColumns;
        int workers = Math.Min(_threads, blocks);
        if (workers == 1)
        {
            for (int bc = 0; bc < blocks; bc++)
            {
                body(bc, _workspaces[0]);
            }

            return;
        }

        // Each worker takes the next unclaimed block, so a worker that loses its core on a shared machine leaves its
        // blocks to the others. A block's result depends only on its index (the workspace is scratch, reset per block).
        int next = 0;
        WorkerPool.Run(workers, workers, p =>
        {
            for (int bc = Interlocked.Increment(ref next) - 1; bc < blocks; bc = Interlocked.Increment(ref next) - 1)
            {
                body(bc, _workspaces[p]);
            }
        });
    }

    /// <summary>Anchor field and reference calibration of one column block.</summary>
    private void Calibrate(int bc, Workspace ws)
    {
        int e = Shape.ErrorSize;
        int c0 = bc * BlockColumns;
        int w = Math.Min(BlockColumns, _n - c0);
        Span<float> re = ws.MatrixRe.AsSpan(0, w);
        Span<float> im = ws.MatrixIm.AsSpan(0, w);
        Span<double> rRe = _refRe.AsSpan(c0, w);
        Span<double> rIm = _refIm.AsSpan(c0, w);
        for (int a = 0; a < _geo.Anchors; a++)
        {
            KeyedGaussian.FillPairs(KeyedGaussian.Key(_seed, DomainMatrix, e + a, bc), InvSqrt2, re, im);
            for (int j = 0; j < w; j++)
            {
                rRe[j] += re[j];
                rIm[j] += im[j];
            }
        }

        var o = _geo.Options;
        int frames = o.CalibrationFrames;
        Span<double> sum = ws.Sum.AsSpan(0, w);
        sum.Clear();
        Span<float> noise = ws.Noise.AsSpan(0, w);
        for (int c = 0; c < frames; c++)
        {
            bool noisy = _camera && o.FullWellElectrons > 0;
            if (noisy)
            {
                KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, DomainCalibration, c, bc), noise, ws.Sin);
            }

            for (int j = 0; j < w; j++)
            {
                double intensity = (rRe[j] * rRe[j]) + (rIm[j] * rIm[j]);
                sum[j] += _camera ? Camera(intensity, _geo.Anchors, 0, noisy ? noise[j] : 0) : intensity;
            }
        }

        for (int j = 0; j < w; j++)
        {
            _calibration[c0 + j] = (float)(sum[j] / frames);
        }
    }

    /// <summary>
    /// Marks the input tiles whose frames light at least a quarter of their mirrors on average, and builds their 0/1
    /// frame matrices X (frames × tile inputs). For those tiles the fields are two GEMMs, <c>X·Re R</c> and
    /// <c>X·Im R</c>, instead of a sum per lit row: with k up to <see cref="Gemm.SingleSliceDepth"/> each field element
    /// is one multiply-add chain over the rows in ascending order, where a dark row adds an exact zero and a lit row
    /// adds its value exactly as the sum did, so the fields (and everything after them) keep their bits. Dense errors
    /// light most mirrors; there the blocked GEMM runs near the machine's peak while the row sums run at its load rate.
    /// </summary>
    private void PrepareDenseTiles(int batch)
    {
        int tin = _geo.InputTiles;
        int frames = 2 * batch;
        if (_denseTile.Length != tin)
        {
            _denseTile = new bool[tin];
            _frameMatrices = new float[tin][];
        }

        for (int ti = 0; ti < tin; ti++)
        {
            int inputs = _geo.TileInputs(ti);
            long lit = 0;
            for (int b = 0; b < batch; b++)
            {
                lit += _lit[2 * ((b * tin) + ti)] + _lit[(2 * ((b * tin) + ti)) + 1];
            }

            _denseTile[ti] = UseDenseFields && inputs <= Gemm.SingleSliceDepth && 4 * lit >= (long)frames * inputs;
            if (!_denseTile[ti])
            {
                continue;
            }

            int i0 = ti * _geo.Capacity;
            float[] x = _frameMatrices[ti] is { } m && m.Length == frames * inputs ? m : new float[frames * inputs];
            Array.Clear(x);
            for (int r = 0; r < frames; r++)
            {
                foreach (int i in _litIndex.AsSpan(_litStart[r], _litEnd[r] - _litStart[r]))
                {
                    if (i >= i0 && i < i0 + inputs)
                    {
                        x[(r * inputs) + i - i0] = 1f;
                    }
                }
            }

            _frameMatrices[ti] = x;
        }
    }

    /// <summary>The fields of every frame over one tile by GEMM (see <see cref="PrepareDenseTiles"/>).</summary>
    private void DenseTileFields(int bc, Workspace ws, int ti, int frames, int w)
    {
        int i0 = ti * _geo.Capacity;
        int inputs = _geo.TileInputs(ti);
        ws.EnsureTile(inputs);
        for (int g = i0; g < i0 + inputs; g++)
        {
            Span<float> re = ws.TileRe.AsSpan((g - i0) * BlockStride, w);
            Span<float> im = ws.TileIm.AsSpan((g - i0) * BlockStride, w);
            if (_rowLit[g])
            {
                KeyedGaussian.FillPairs(KeyedGaussian.Key(_seed, DomainMatrix, g, bc), InvSqrt2, re, im);
            }
            else
            {
                // Dark in every frame: its column of X is zero, and zeros keep the products exact.
                re.Clear();
                im.Clear();
            }
        }

        float[] x = _frameMatrices[ti];
        Gemm.Multiply(Transpose.No, Transpose.No, frames, w, inputs, 1f, x, inputs, ws.TileRe, BlockStride, 0f, ws.FieldRe, w);
        Gemm.Multiply(Transpose.No, Transpose.No, frames, w, inputs, 1f, x, inputs, ws.TileIm, BlockStride, 0f, ws.FieldIm, w);
    }

    private void ProjectBlock(int bc, Workspace ws, int batch, long call, IReadOnlyList<Matrix> signals)
    {
        int tin = _geo.InputTiles;
        int anchors = _geo.Anchors;
        var o = _geo.Options;
        int c0 = bc * BlockColumns;
        int w = Math.Min(BlockColumns, _n - c0);
        int rows = 2 * batch;
        Span<int> cursor = ws.Cursor.AsSpan(0, rows);
        _litStart.AsSpan(0, rows).CopyTo(cursor);
        Span<double> y = ws.Y.AsSpan(0, batch * w);
        y.Clear();
        ReadOnlySpan<double> rRe = _refRe.AsSpan(c0, w);
        ReadOnlySpan<double> rIm = _refIm.AsSpan(c0, w);
        ReadOnlySpan<float> reference = _calibration.AsSpan(c0, w);
        bool shot = _camera && o.FullWellElectrons > 0;
        for (int ti = 0; ti < tin; ti++)
        {
            int i0 = ti * _geo.Capacity;
            int i1 = i0 + _geo.TileInputs(ti);
            if (_denseTile[ti])
            {
                DenseTileFields(bc, ws, ti, rows, w);

                // Later tiles' sparse sums start past this tile's lit rows.
                for (int r = 0; r < rows; r++)
                {
                    while (cursor[r] < _litEnd[r] && _litIndex[cursor[r]] < i1)
                    {
                        cursor[r]++;
                    }
                }
            }
            else
            {
                ws.FieldRe.AsSpan(0, rows * w).Clear();
                ws.FieldIm.AsSpan(0, rows * w).Clear();
            }

            for (int k0 = i0; k0 < i1 && !_denseTile[ti]; k0 += BlockRows)
            {
                int k1 = Math.Min(k0 + BlockRows, i1);
                for (int g = k0; g < k1; g++)
                {
                    // A mirror dark in every frame of the call contributes nothing: its rows are not needed.
                    if (!_rowLit[g])
                    {
                        continue;
                    }

                    int off = (g - k0) * BlockStride;
                    KeyedGaussian.FillPairs(
                        KeyedGaussian.Key(_seed, DomainMatrix, g, bc), InvSqrt2,
                        ws.MatrixRe.AsSpan(off, w), ws.MatrixIm.AsSpan(off, w));
                }

                // Each frame's field: the sum of its lit rows in this slice of the tile.
                Span<int> end = ws.CursorEnd.AsSpan(0, rows);
                for (int r = 0; r < rows; r++)
                {
                    int last = cursor[r];
                    while (last < _litEnd[r] && _litIndex[last] < k1)
                    {
                        last++;
                    }

                    end[r] = last;
                }

                FieldKernel.AccumulateFrames(ws.FieldRe, ws.FieldIm, ws.MatrixRe, ws.MatrixIm, _litIndex, cursor, end, rows, k0, w, BlockStride);
                end.CopyTo(cursor);
            }

            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<float> pRe = ws.FieldRe.AsSpan(2 * b * w, w);
                ReadOnlySpan<float> pIm = ws.FieldIm.AsSpan(2 * b * w, w);
                ReadOnlySpan<float> mRe = ws.FieldRe.AsSpan(((2 * b) + 1) * w, w);
                ReadOnlySpan<float> mIm = ws.FieldIm.AsSpan(((2 * b) + 1) * w, w);
                Span<double> yb = y.Slice(b * w, w);
                double aPlus = _alphaPlus[b], aMinus = _alphaMinus[b];
                Span<float> noise = ws.Noise.AsSpan(0, 4 * w);
                if (shot)
                {
                    KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, DomainNoise, call, b, ti, bc), noise, ws.Sin);
                }
                else if (_camera)
                {
                    noise.Clear();
                }

                int litPlus = _lit[2 * ((b * tin) + ti)];
                int litMinus = _lit[(2 * ((b * tin) + ti)) + 1];
                var lit = new Frames(litPlus + anchors, litPlus, litMinus + anchors, litMinus);

                // Pixels of one output tile share their frames' drift: one call per tile the block touches.
                for (int j0 = 0; j0 < w;)
                {
                    int tile = (c0 + j0) / o.CameraPixels;
                    int j1 = (int)Math.Min(w, ((long)(tile + 1) * o.CameraPixels) - c0);
                    var drift = default(FrameDrift);
                    if (_camera && o.Drift > 0)
                    {
                        int frame = ((((tile * tin) + ti) * batch) + b) * 4;
                        drift = new FrameDrift(_drifts[frame], _drifts[frame + 1], _drifts[frame + 2], _drifts[frame + 3]);
                    }

                    CameraKernel.Accumulate(_cameraModel, _camera, pRe, pIm, mRe, mIm, rRe, rIm, reference, noise, lit, drift, aPlus, aMinus, yb, j0, j1);
                    j0 = j1;
                }
            }
        }

        // S[b, j] = (s_l·√2/sqrt(Î_r,j)) · y_j, written into the layer that owns column j (y carries α⁺ and α⁻).
        for (int l = 0; l < Shape.LayerSizes.Count; l++)
        {
            int j0 = Math.Max(c0, _layerOffsets[l]);
            int j1 = Math.Min(c0 + w, _layerOffsets[l + 1]);
            if (j0 >= j1)
            {
                continue;
            }

            Span<double> factor = ws.Sum.AsSpan(0, j1 - j0);
            for (int j = j0; j < j1; j++)
            {
                factor[j - j0] = ColumnFactor(l, j);
            }

            Matrix s = signals[l];
            for (int b = 0; b < batch; b++)
            {
                ReadOnlySpan<double> yb = y.Slice((b * w) + (j0 - c0), j1 - j0);
                Span<float> dst = s.Row(b).Slice(j0 - _layerOffsets[l], j1 - j0);
                for (int j = 0; j < dst.Length; j++)
                {
                    dst[j] = (float)(factor[j] * yb[j]);
                }
            }
        }
    }

    /// <summary>One pixel of one frame through the camera: drift, shot + read noise, ADC; returns intensity units.</summary>
    private double Camera(double intensity, int lit, double drift, float z) => _cameraModel.Apply(intensity, lit, drift, z);

    /// <summary>Per-worker scratch, reused across calls.</summary>
    private sealed class Workspace
    {
        public float[] MatrixRe { get; } = new float[BlockRows * BlockStride];

        public float[] MatrixIm { get; } = new float[BlockRows * BlockStride];

        public float[] Sin { get; } = new float[2 * BlockColumns];

        public double[] Sum { get; } = new double[BlockColumns];

        public int[] Cursor { get; private set; } = [];

        public int[] CursorEnd { get; private set; } = [];

        public float[] Noise { get; } = new float[4 * BlockColumns];

        public float[] FieldRe { get; private set; } = [];

        public float[] FieldIm { get; private set; } = [];

        public double[] Y { get; private set; } = [];

        /// <summary>A whole input tile's rows of the block (dense tiles only), <see cref="BlockStride"/> apart.</summary>
        public float[] TileRe { get; private set; } = [];

        public float[] TileIm { get; private set; } = [];

        public void EnsureTile(int inputs)
        {
            if (TileRe.Length < inputs * BlockStride)
            {
                TileRe = new float[inputs * BlockStride];
                TileIm = new float[inputs * BlockStride];
            }
        }

        public void Ensure(int batch)
        {
            if (Y.Length != batch * BlockColumns)
            {
                FieldRe = new float[2 * batch * BlockColumns];
                FieldIm = new float[2 * batch * BlockColumns];
                Y = new double[batch * BlockColumns];
                Cursor = new int[2 * batch];
                CursorEnd = new int[2 * batch];
            }
        }
    }
}
