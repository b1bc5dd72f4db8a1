using System.Numerics.Tensors;
using Dfa.Backends.Dense;
using Dfa.Backends.Randomness;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Crossbar;

/// <summary>
/// DFA's fixed feedback matrices held as conductances in analog in-memory arrays (RRAM or PCM crossbars), programmed
/// once and read at every step.
/// <para><b>Matrices.</b> <c>B_l</c> is the dense backend's matrix for the same seed, init and scale
/// (<see cref="DenseProjector"/>), so the ideal crossbar realises exactly the dense backend.</para>
/// <para><b>Mapping.</b> Each layer's matrix is cut into tiles of R rows × C/2 weights (C cells: a differential pair
/// G⁺, G⁻ per weight). The weight scale is chosen per tile, <c>w_t = max |B_ij|</c> over the tile, and
/// <c>ŵ = B/w_t ∈ [−1, 1]</c> maps to targets <c>G⁺ = g_min + max(ŵ, 0)·ΔG</c>, <c>G⁻ = g_min + max(−ŵ, 0)·ΔG</c>,
/// <c>ΔG = g_max − g_min</c>, rounded to the nearest of <c>levels</c> evenly spaced conductances when finite.</para>
/// <para><b>Faults</b> (stream <c>crossbar/l/faults</c>, one uniform draw per cell, G⁺ then G⁻ per weight in row-major
/// order): a cell is stuck at g_min with probability <c>stuck_at_min</c>, else at g_max with probability
/// <c>stuck_at_max</c>; a stuck cell takes no programming noise and does not drift.</para>
/// <para><b>Programming noise</b> (stream <c>crossbar/l/program</c>, one normal per cell, frozen until reprogrammed):
/// <c>G = max(G_target + σ(G_target)·z, 0)</c> with the device's σ (<see cref="DeviceModel.ProgrammingSigma"/>).</para>
/// <para><b>Drift</b> (PCM; stream <c>crossbar/l/drift</c>): <c>ν = drift_scale·|μ(ĝ) + σ_ν(ĝ)·z|</c> per cell at its
/// target ĝ = G_target/g_max, and <c>G(t) = G·(t/t₀)^(−ν)</c>. The clock: projection k happens at device age
/// <c>t_k = t₀ + time_since_programming_s + k·seconds_per_step</c>; the cells are re-evaluated when
/// <c>ln t</c> has moved by more than 10⁻³ since the last evaluation (the drift factors then move by less than
/// <c>ν·10⁻³ ≤ 10⁻⁴</c> relative, far below the read noise), which keeps long runs cheap.</para>
/// <para><b>Read noise</b>, redrawn at every array read: PCM 1/f, <c>σ(G) = read_noise_scale·Q_s(ĝ_prog)·G(t)·
/// sqrt(ln((t + t_read)/(2·t_read)))</c> with Q_s evaluated at the programmed conductance (drift moves it by a few
/// per cent: an approximation), plus <c>read_noise_relative·G(t)</c>. Every cell's noise is an independent normal, so a
/// column's output noise is exactly normal with variance <c>Σ_i x_i²·(σ⁺_i² + σ⁻_i²)</c>: the kernel draws that one
/// normal per column and read (stream keyed by seed, call, layer, row tile, sample) instead of one per cell.</para>
/// <para><b>Periphery.</b> Per sample, <c>s = max_i |e_i|</c> and the DAC drives <c>x = Q_dac(e/s)</c>,
/// <c>Q_dac(v) = round(v·M)/M</c>, <c>M = 2^(dac_bits−1) − 1</c>; s is applied back digitally. Each tile read gives,
/// per weight column, the current difference in units of ΔG, <c>y_j = Σ_{i∈tile} x_i·(G⁺_ij(t) − G⁻_ij(t))/ΔG + noise</c>,
/// which its ADC digitises: <c>Q_adc(y) = clamp(round(y/Δ), −K, K)·Δ</c>, <c>K = 2^(adc_bits−1) − 1</c>,
/// <c>Δ = adc_range/K</c> (1 bit: a comparator, <c>±adc_range/2</c>). The tiles' partial sums are added digitally:
/// <c>S[b, j] = s_b·Σ_tiles c_t·w_t·Q_adc(y_t,j)</c>.</para>
/// <para><b>Drift compensation</b> (aihwkit's global drift compensation, per tile): at programming (t = t₀) and at every
/// projection, each tile is read once with an all-ones input (through the same noise and ADC); <c>c_t =
/// Σ_j |y_j(t₀)| / Σ_j |y_j(t)|</c> (1 when compensation is off or the read sums to 0).</para>
/// <para><b>Exactness.</b> Without read noise and with the ADC off (<c>adc_bits = 0</c>), per-tile digitisation is the
/// identity and the sum over tiles is linear, so the projection is computed as one product
/// <c>S_l = EncodeError(E)·B̃_l</c> with <c>B̃_l = c_t·w_t·(G⁺(t) − G⁻(t))/ΔG</c> (<see cref="FeedbackMatrix"/>), the
/// conductances held in double: in the ideal setting <c>B̃_l</c> rounds back to the dense backend's float32 matrix and
/// the product is the dense backend's GEMM, bit for bit.</para>
/// <para><b>Counted work</b> (what the hardware does; the same whichever way the simulation computes it), per call of
/// batch b, with <c>N = Σ n_l</c>, <c>T_r</c> row tiles and <c>T_c = Σ_l T_c,l</c> column tiles
/// (<see cref="CrossbarGeometry"/>): <c>b·Σ_l T_r·T_c,l</c> array activations, <c>2·b·e·N</c> analog cell reads,
/// <c>b·e·T_c</c> DAC conversions (each row tile's rows drive every array of its row), <c>b·T_r·N</c> ADC conversions;
/// digital: <c>b·e</c> compares (max |e|), <c>b</c> reciprocals 1/s and <c>b·e</c> multiplies (e/s), per ADC output one
/// multiply (c_t·w_t) and one add (accumulate), <c>b·N</c> multiplies by s; <c>4·b·e</c> error bytes read,
/// <c>4·b·N</c> signal bytes written. With compensation, one all-ones read of every array per call
/// (<see cref="CrossbarGeometry.AddCalibrationRead"/>) and per tile a division and a multiply for <c>c_t·w_t</c>
/// (divisions are counted as multiplies). <see cref="CrossbarCountingReference"/> performs and counts all of it.
/// Setup: <c>2·e·N</c> cells programmed, <c>e·N</c> compares and multiplies for the mapping, and the reference read.
/// No feedback bits are read: the matrix is the arrays.</para>
/// <para><b>Determinism.</b> Programming, faults and drift exponents come from sequential streams of the seed; read noise
/// from counter-based streams keyed by the call; the GEMMs split over output elements only, and the per-sample
/// post-processing has a fixed order, so the same seed and thread count give the same bits, and so do 1 and 2
/// threads.</para>
/// <para><b>Kernels.</b> Per row tile, the currents and read-noise variances are two GEMMs over the batch (inputs and
/// their squares against the tile's W and variance rows), or, when e &gt; 64 and the DAC has at most 8 bits (a
/// max-normalised softmax error is then mostly zeros), per sample one SIMD multiply-add of a row for each nonzero
/// input; noise, ADC and the digital sum are SIMD passes over each sample's columns.</para>
/// </summary>
public sealed class CrossbarProjector : IFeedbackProjector, IResumable
{
    private const ulong DomainRead = 21;
    private const ulong DomainCalibration = 22;
    private const double RefreshLogStep = 1e-3;

    private readonly CrossbarOptions _o;
    private readonly CrossbarGeometry _geo;
    private readonly ulong _seed;
    private readonly int _threads;
    private readonly Layer[] _layers;
    private readonly double _gMin;
    private readonly double _deltaG;
    private readonly bool _linear;
    private readonly bool _rowKernel;
    private long _calls;
    private double _logT = double.NaN;
    private float[] _x = [];
    private float[] _x2 = [];
    private float[] _scale = [];
    private float[] _p = [];
    private float[] _v = [];
    private float[] _acc = [];

    internal CrossbarProjector(FeedbackShape shape, CrossbarOptions options, FeedbackInit init, double? scale, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Shape = shape;
        _o = options;
        _geo = new CrossbarGeometry(shape, options);
        _seed = seed;
        _threads = threads;
        _gMin = options.GMinMicroSiemens;
        _deltaG = options.GMaxMicroSiemens - _gMin;
        _linear = !options.ReadNoise && options.AdcBits == 0;

        // A max-normalised error through a DAC of at most 8 bits is mostly zeros once e is large (a softmax error at
        // e = 1000 keeps a few per cent of its components): read such arrays row by row, skipping the silent rows.
        // The choice depends on the shape and options only, never on the data.
        _rowKernel = shape.ErrorSize > 64 && options.DacBits is > 0 and <= 8;

        var dense = new DenseProjector(shape, init, scale, seed, 1);
        _layers = new Layer[shape.LayerSizes.Count];
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = Program(l, dense.Matrix(l));
        }

        // The reference read happens at t₀, right after programming; then the clock of the first projection.
        Refresh(0);
        if (_o.DriftCompensation)
        {
            for (int l = 0; l < _layers.Length; l++)
            {
                Layer layer = _layers[l];
                CalibrationRead(l, -1, layer.Reference);
            }
        }

        Refresh(LogAge(0));
        if (_o.DriftCompensation)
        {
            // Until the first projection's calibration read, FeedbackMatrix shows the factor that read will measure,
            // without its read noise (an analysis view; nothing is counted).
            foreach (Layer layer in _layers)
            {
                for (int tr = 0; tr < layer.RowTiles; tr++)
                {
                    for (int c = 0; c < layer.ColTiles; c++)
                    {
                        int j0 = c * _o.WeightsPerTileRow, j1 = Math.Min(layer.N, j0 + _o.WeightsPerTileRow);
                        double now = 0;
                        for (int j = j0; j < j1; j++)
                        {
                            now += Math.Abs(Adc((float)layer.ColW[(tr * layer.N) + j]));
                        }

                        int t = (tr * layer.ColTiles) + c;
                        layer.Factor[t] = layer.TileScale[t] * (now > 0 ? layer.Reference[t] / now : 1);
                    }
                }

                if (_linear)
                {
                    UpdateEffective(layer);
                }
            }
        }

        Counts.Add(_geo.Setup());
    }

    public string Backend => "crossbar";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => _geo.Storage();

    /// <summary>The resolved options this projector simulates.</summary>
    public CrossbarOptions Options => _o;

    /// <summary>Device age (s) at the next projection.</summary>
    public double NextReadAgeSeconds => Age(_calls);

    /// <summary>The simulated arrays a counting reference reads (<see cref="CrossbarCountingReference"/>): the clock.</summary>
    internal double LogAgeAt(long call) => LogAge(call);

    /// <summary>Evaluates every cell at <c>ln(t/t₀) = <paramref name="logT"/></c> (the device's physics; counts nothing).</summary>
    internal void EvaluateAt(double logT) => Refresh(logT);

    /// <summary>Layer <paramref name="layer"/>'s <c>(G⁺ − G⁻)/ΔG</c> at the last evaluated age (double, and as float), e × n.</summary>
    internal (double[] Weights, float[] WeightsFloat) CellDifferences(int layer) => (_layers[layer].W, _layers[layer].WFloat!);

    /// <summary>Layer <paramref name="layer"/>'s read-noise variance per weight, in ΔG² units (empty without read noise).</summary>
    internal float[] ReadVariance(int layer) => _layers[layer].S;

    /// <summary>The ADC's output for a column current (identity when <c>adc_bits = 0</c>).</summary>
    internal float Convert(float y) => Adc(y);

    /// <summary>The DAC's level for a normalised input (identity when <c>dac_bits = 0</c>).</summary>
    internal float Drive(float v) => Dac(v);

    internal const ulong ReadDomain = DomainRead;

    internal const ulong CalibrationDomain = DomainCalibration;

    internal const double RefreshStep = RefreshLogStep;

    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetLong(prefix + "crossbar_calls", _calls);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long calls = state.Long(prefix + "crossbar_calls");
        if (calls < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: record '{prefix}crossbar_calls' is negative ({calls})");
        }

        // Replay the refresh points so the cells hold what an uninterrupted run's would at this call.
        _calls = calls;
        double last = LogAge(0);
        for (long k = 1; k <= calls; k++)
        {
            double lt = LogAge(k);
            if (Math.Abs(lt - last) > RefreshLogStep)
            {
                last = lt;
            }
        }

        Refresh(last);
    }

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        long call = _calls;
        double lt = LogAge(call);
        if (Math.Abs(lt - _logT) > RefreshLogStep)
        {
            Refresh(lt);
        }

        EnsureBuffers(batch);
        EncodeInputs(error, batch);
        for (int l = 0; l < _layers.Length; l++)
        {
            Layer layer = _layers[l];
            if (_o.DriftCompensation)
            {
                CalibrationRead(l, call, layer.Current);
                bool changed = false;
                for (int t = 0; t < layer.Factor.Length; t++)
                {
                    double now = layer.Current[t];
                    double factor = layer.TileScale[t] * (now > 0 ? layer.Reference[t] / now : 1);
                    changed |= factor != layer.Factor[t];
                    layer.Factor[t] = factor;
                }

                if (_linear && changed)
                {
                    UpdateEffective(layer);
                }
            }

            if (_linear)
            {
                Gemm.Multiply(Transpose.No, Transpose.No, batch, layer.N, e, 1f, _x, e, layer.Effective, layer.N, 0f, signals[l].Data, layer.N, _threads);
            }
            else
            {
                ProjectTiled(l, layer, batch, call, signals[l]);
            }
        }

        _calls++;
        Counts.Add(_geo.PerProjection(batch));
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        encoded.ThrowIfShapeDiffers(error, nameof(encoded));
        for (int r = 0; r < error.Rows; r++)
        {
            ReadOnlySpan<float> src = error.Row(r);
            Span<float> dst = encoded.Row(r);
            if (_o.DacBits == 0)
            {
                src.CopyTo(dst);
                continue;
            }

            float s = MaxAbs(src);
            float inv = s > 0 ? 1 / s : 0;
            for (int i = 0; i < src.Length; i++)
            {
                dst[i] = s * Dac(src[i] * inv);
            }
        }
    }

    /// <summary>
    /// <c>B̃_l[i, j] = c_t·w_t·(G⁺_ij(t) − G⁻_ij(t))/ΔG</c> at the next projection's device age, with the last measured
    /// compensation (noise-free conductances; allocates).
    /// </summary>
    public Matrix FeedbackMatrix(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _layers.Length);
        Layer s = _layers[layer];
        var m = new Matrix(Shape.ErrorSize, s.N);
        if (_linear)
        {
            s.Effective.AsSpan().CopyTo(m.Span);
            return m;
        }

        for (int i = 0; i < Shape.ErrorSize; i++)
        {
            int tr = i / _o.TileRows;
            for (int j = 0; j < s.N; j++)
            {
                int idx = (i * s.N) + j;
                m.Data[idx] = (float)(s.Factor[(tr * s.ColTiles) + (j / _o.WeightsPerTileRow)] * s.W[idx]);
            }
        }

        return m;
    }

    private static float MaxAbs(ReadOnlySpan<float> v)
    {
        float max = 0;
        foreach (float x in v)
        {
            max = MathF.Max(max, MathF.Abs(x));
        }

        return float.IsFinite(max) ? max : 0;
    }

    private float Dac(float v)
    {
        if (_o.DacBits == 0)
        {
            return v;
        }

        float m = (1 << (_o.DacBits - 1)) - 1;
        return MathF.Round(v * m) / m;
    }

    private double Age(long call) => CrossbarOptions.DriftT0Seconds + _o.TimeSinceProgrammingSeconds + (call * _o.SecondsPerStep);

    private double LogAge(long call) => _o.Drift ? Math.Log(Age(call) / CrossbarOptions.DriftT0Seconds) : 0;

    /// <summary>Maps, faults and programs layer <paramref name="l"/>'s matrix <paramref name="b"/> (e × n).</summary>
    private Layer Program(int l, Matrix b)
    {
        int e = b.Rows, n = b.Cols;
        var layer = new Layer(n, _geo.RowTiles, (int)_geo.ColTiles(l), e, _o);
        int cw = _o.WeightsPerTileRow;
        for (int i = 0; i < e; i++)
        {
            int tileRow = (i / _o.TileRows) * layer.ColTiles;
            ReadOnlySpan<float> row = b.Row(i);
            for (int c = 0; c < layer.ColTiles; c++)
            {
                int j0 = c * cw;
                float m = MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(row[j0..Math.Min(n, j0 + cw)]));
                layer.TileScale[tileRow + c] = Math.Max(layer.TileScale[tileRow + c], m);
            }
        }

        // The random draws come first, in one fixed sequential order per stream (G⁺ then G⁻ of each weight, row-major),
        // so the per-cell arithmetic after them can run on any number of threads with the same bits.
        bool anyFaults = _o.StuckAtMin + _o.StuckAtMax > 0;
        bool noisy = _o.ProgrammingSigma is > 0 || (_o.ProgrammingSigma is null && _o.ProgrammingNoiseScale > 0 && _o.Device != CrossbarDevice.Ideal);
        int cells = 2 * e * n;
        double[] faultDraws = anyFaults ? Draw(Rng.Derive(_seed, $"crossbar/{l}/faults"), cells, gaussian: false) : [];
        double[] programDraws = noisy ? Draw(Rng.Derive(_seed, $"crossbar/{l}/program"), cells, gaussian: true) : [];
        double[] driftDraws = _o.Drift ? Draw(Rng.Derive(_seed, $"crossbar/{l}/drift"), cells, gaussian: true) : [];
        double gMax = _o.GMaxMicroSiemens;
        bool pcmRead = _o.Device == CrossbarDevice.Pcm && _o.ReadNoiseScale > 0;
        ParallelRows(e, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                int tileRow = (i / _o.TileRows) * layer.ColTiles;
                for (int j = 0; j < n; j++)
                {
                    int idx = (i * n) + j;
                    double scale = layer.TileScale[tileRow + (j / cw)];
                    double w = scale > 0 ? b.Data[idx] / scale : 0;
                    for (int side = 0; side < 2; side++)
                    {
                        int cell = (2 * idx) + side;
                        double target = Quantize(_gMin + (Math.Max(side == 0 ? w : -w, 0) * _deltaG));
                        double g = target;
                        bool stuck = false;
                        if (anyFaults)
                        {
                            double u = faultDraws[cell];
                            if (u < _o.StuckAtMin)
                            {
                                g = _gMin;
                                stuck = true;
                            }
                            else if (u < _o.StuckAtMin + _o.StuckAtMax)
                            {
                                g = gMax;
                                stuck = true;
                            }
                        }

                        if (noisy && !stuck)
                        {
                            g = Math.Max(target + (DeviceModel.ProgrammingSigma(_o, target) * programDraws[cell]), 0);
                        }

                        (side == 0 ? layer.GPlus : layer.GMinus)[idx] = g;
                        if (_o.Drift)
                        {
                            double hat = target / gMax;
                            double nu = stuck ? 0 : _o.DriftScale * Math.Abs(DeviceModel.PcmDriftMean(hat) + (DeviceModel.PcmDriftSpread(hat) * driftDraws[cell]));
                            (side == 0 ? layer.NuPlus : layer.NuMinus)[idx] = (float)nu;
                        }

                        if (pcmRead)
                        {
                            double q = _o.ReadNoiseScale * DeviceModel.PcmReadQ(g / gMax);
                            (side == 0 ? layer.QPlus : layer.QMinus)[idx] = (float)(q * q);
                        }
                    }
                }
            }
        });

        Array.Copy(layer.TileScale, layer.Factor, layer.Factor.Length);
        return layer;
    }

    private static double[] Draw(Rng rng, int count, bool gaussian)
    {
        var draws = new double[count];
        for (int k = 0; k < count; k++)
        {
            draws[k] = gaussian ? rng.NextGaussian() : rng.NextDouble();
        }

        return draws;
    }

    private double Quantize(double g)
    {
        if (_o.Levels == 0)
        {
            return g;
        }

        double step = _deltaG / (_o.Levels - 1);
        return _gMin + (Math.Round((g - _gMin) / step) * step);
    }

    /// <summary>Evaluates every cell at <c>ln(t/t₀) = <paramref name="logT"/></c>: W, the read variance, column sums.</summary>
    private void Refresh(double logT)
    {
        _logT = logT;
        double readLog = _o.Device == CrossbarDevice.Pcm && _o.ReadNoiseScale > 0
            ? DeviceModel.PcmReadLogFactor(CrossbarOptions.DriftT0Seconds * Math.Exp(logT))
            : 0;
        double rel2 = _o.ReadNoiseRelative * _o.ReadNoiseRelative;
        double inv = 1 / _deltaG;
        double inv2 = inv * inv;
        bool noise = _o.ReadNoise;
        foreach (Layer layer in _layers)
        {
            int n = layer.N;
            int e = Shape.ErrorSize;
            ParallelRows(e, (i0, i1) =>
            {
                for (int idx = i0 * n; idx < i1 * n; idx++)
                {
                    double gp = layer.GPlus[idx], gm = layer.GMinus[idx];
                    if (logT != 0)
                    {
                        gp *= Math.Exp(-layer.NuPlus[idx] * logT);
                        gm *= Math.Exp(-layer.NuMinus[idx] * logT);
                    }

                    layer.W[idx] = (gp - gm) * inv;
                    if (noise)
                    {
                        double qp = readLog > 0 ? layer.QPlus[idx] * readLog : 0;
                        double qm = readLog > 0 ? layer.QMinus[idx] * readLog : 0;
                        layer.S[idx] = (float)(((qp + rel2) * gp * gp * inv2) + ((qm + rel2) * gm * gm * inv2));
                    }
                }
            });

            // Per tile and column: Σ_rows W and Σ_rows S, the all-ones calibration read's noise-free value and variance.
            Array.Clear(layer.ColW);
            Array.Clear(layer.ColS);
            ParallelRows(layer.RowTiles, (t0, t1) =>
            {
                for (int tr = t0; tr < t1; tr++)
                {
                    Span<double> colW = layer.ColW.AsSpan(tr * n, n);
                    Span<double> colS = layer.ColS.AsSpan(tr * n, n);
                    for (int i = tr * _o.TileRows; i < Math.Min(e, (tr + 1) * _o.TileRows); i++)
                    {
                        ReadOnlySpan<double> w = layer.W.AsSpan(i * n, n);
                        for (int j = 0; j < n; j++)
                        {
                            colW[j] += w[j];
                        }

                        if (noise)
                        {
                            ReadOnlySpan<float> v = layer.S.AsSpan(i * n, n);
                            for (int j = 0; j < n; j++)
                            {
                                colS[j] += v[j];
                            }
                        }
                    }
                }
            });

            layer.WFloat ??= new float[layer.W.Length];
            ParallelRows(e, (i0, i1) =>
            {
                for (int idx = i0 * n; idx < i1 * n; idx++)
                {
                    layer.WFloat[idx] = (float)layer.W[idx];
                }
            });

            if (_linear)
            {
                UpdateEffective(layer);
            }
        }
    }

    private void UpdateEffective(Layer layer)
    {
        int n = layer.N;
        ParallelRows(Shape.ErrorSize, (i0, i1) =>
        {
            for (int i = i0; i < i1; i++)
            {
                int tr = i / _o.TileRows;
                for (int j = 0; j < n; j++)
                {
                    int idx = (i * n) + j;
                    layer.Effective[idx] = (float)(layer.Factor[(tr * layer.ColTiles) + (j / _o.WeightsPerTileRow)] * layer.W[idx]);
                }
            }
        });
    }

    /// <summary>Reads every tile of layer <paramref name="l"/> with an all-ones input; writes Σ_j |Q_adc(y_j)| per tile.</summary>
    private void CalibrationRead(int l, long call, double[] into)
    {
        Layer layer = _layers[l];
        int n = layer.N;
        Array.Clear(into);
        var z = new float[n];
        var scratch = new float[(n + 1) / 2];
        for (int tr = 0; tr < layer.RowTiles; tr++)
        {
            if (_o.ReadNoise)
            {
                KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, DomainCalibration, call, l, tr), z, scratch);
            }

            for (int j = 0; j < n; j++)
            {
                double y = layer.ColW[(tr * n) + j];
                if (_o.ReadNoise)
                {
                    y += Math.Sqrt(layer.ColS[(tr * n) + j]) * z[j];
                }

                into[(tr * layer.ColTiles) + (j / _o.WeightsPerTileRow)] += Math.Abs(Adc((float)y));
            }
        }
    }

    private float Adc(float y)
    {
        int bits = _o.AdcBits;
        if (bits == 0)
        {
            return y;
        }

        float range = (float)_o.AdcRange;
        if (bits == 1)
        {
            return y > 0 ? range / 2 : y < 0 ? -range / 2 : 0;
        }

        float k = (1 << (bits - 1)) - 1;
        float step = range / k;
        return Math.Clamp(MathF.Round(y / step), -k, k) * step;
    }

    private void EnsureBuffers(int batch)
    {
        int e = Shape.ErrorSize;
        int maxN = Shape.LayerSizes.Max();
        if (_scale.Length != batch)
        {
            _scale = new float[batch];
            _x = new float[batch * e];
            _x2 = new float[batch * e];
            if (!_linear)
            {
                _p = new float[batch * maxN];
                _v = new float[batch * maxN];
                _acc = new float[batch * maxN];
            }
        }
    }

    /// <summary>
    /// The DAC's view of the batch into <c>_x</c>: <c>Q_dac(e/s)</c> on the tiled path; on the linear path
    /// <c>EncodeError(E)</c> itself (<c>s·Q_dac(e/s)</c>, or E when the DAC is exact).
    /// </summary>
    private void EncodeInputs(Matrix error, int batch)
    {
        int e = Shape.ErrorSize;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> src = error.Row(b);
            Span<float> x = _x.AsSpan(b * e, e);
            float s = MaxAbs(src);
            _scale[b] = s;
            if (_linear && _o.DacBits == 0)
            {
                src.CopyTo(x);
                continue;
            }

            float inv = s > 0 ? 1 / s : 0;
            for (int i = 0; i < e; i++)
            {
                float q = Dac(src[i] * inv);
                x[i] = _linear ? s * q : q;
                _x2[(b * e) + i] = q * q;
            }
        }
    }

    private void ProjectTiled(int l, Layer layer, int batch, long call, Matrix signal)
    {
        int e = Shape.ErrorSize;
        int n = layer.N;
        int cw = _o.WeightsPerTileRow;
        bool noise = _o.ReadNoise;
        Array.Clear(_acc, 0, batch * n);
        for (int tr = 0; tr < layer.RowTiles; tr++)
        {
            int r0 = tr * _o.TileRows;
            int k = Math.Min(_o.TileRows, e - r0);
            if (!_rowKernel)
            {
                Gemm.Multiply(Transpose.No, Transpose.No, batch, n, k, 1f, _x.AsSpan(r0), e, layer.WFloat.AsSpan(r0 * n), n, 0f, _p, n, _threads);
                if (noise)
                {
                    Gemm.Multiply(Transpose.No, Transpose.No, batch, n, k, 1f, _x2.AsSpan(r0), e, layer.S.AsSpan(r0 * n), n, 0f, _v, n, _threads);
                }
            }

            int tileRow = tr;
            ParallelRows(batch, (b0, b1) =>
            {
                var z = new float[n];
                var scratch = new float[(n + 1) / 2];
                for (int b = b0; b < b1; b++)
                {
                    Span<float> p = _p.AsSpan(b * n, n);
                    Span<float> v = _v.AsSpan(b * n, n);
                    if (_rowKernel)
                    {
                        // Rows whose DAC input is 0 drive no current and add no noise: skip them.
                        p.Clear();
                        v.Clear();
                        for (int i = r0; i < r0 + k; i++)
                        {
                            float x = _x[(b * e) + i];
                            if (x != 0)
                            {
                                TensorPrimitives.MultiplyAdd(layer.WFloat.AsSpan(i * n, n), x, p, p);
                                if (noise)
                                {
                                    TensorPrimitives.MultiplyAdd(layer.S.AsSpan(i * n, n), _x2[(b * e) + i], v, v);
                                }
                            }
                        }
                    }

                    if (noise)
                    {
                        KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, DomainRead, call, l, tileRow, b), z, scratch);
                        TensorPrimitives.Max(v, 0f, v);
                        TensorPrimitives.Sqrt(v, v);
                        TensorPrimitives.MultiplyAdd(v, z, p, p);
                    }

                    Digitise(p);
                    Span<float> acc = _acc.AsSpan(b * n, n);
                    for (int c = 0; c * cw < n; c++)
                    {
                        float f = (float)layer.Factor[(tileRow * layer.ColTiles) + c];
                        int j0 = c * cw;
                        int j1 = Math.Min(n, j0 + cw);
                        TensorPrimitives.MultiplyAdd(p[j0..j1], f, acc[j0..j1], acc[j0..j1]);
                    }
                }
            });
        }

        for (int b = 0; b < batch; b++)
        {
            TensorPrimitives.Multiply(_acc.AsSpan(b * n, n), _scale[b], signal.Row(b));
        }
    }

    /// <summary><see cref="Adc"/> over a span: the same IEEE operations, in SIMD.</summary>
    private void Digitise(Span<float> y)
    {
        int bits = _o.AdcBits;
        if (bits == 0)
        {
            return;
        }

        if (bits == 1)
        {
            for (int j = 0; j < y.Length; j++)
            {
                y[j] = Adc(y[j]);
            }

            return;
        }

        float k = (1 << (bits - 1)) - 1;
        float step = (float)_o.AdcRange / k;
        TensorPrimitives.Divide(y, step, y);
        TensorPrimitives.Round(y, y);
        TensorPrimitives.Min(y, k, y);
        TensorPrimitives.Max(y, -k, y);
        TensorPrimitives.Multiply(y, step, y);
    }

    /// <summary>Runs <paramref name="body"/> over contiguous shares of <c>[0, count)</c>, one per worker.</summary>
    private void ParallelRows(int count, Action<int, int> body)
    {
        int workers = Math.Min(_threads, Math.Max(1, count / 4));
        if (workers <= 1)
        {
            body(0, count);
            return;
        }

        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, p =>
            body((int)((long)count * p / workers), (int)((long)count * (p + 1) / workers)));
    }

    /// <summary>One layer's arrays: programmed conductances, drift exponents, read-noise amplitudes and derived state.</summary>
    private sealed class Layer
    {
        public Layer(int n, int rowTiles, int colTiles, int e, CrossbarOptions o)
        {
            N = n;
            RowTiles = rowTiles;
            ColTiles = colTiles;
            int cells = checked(e * n);
            GPlus = new double[cells];
            GMinus = new double[cells];
            bool drift = o.Drift;
            bool pcmNoise = o.Device == CrossbarDevice.Pcm && o.ReadNoiseScale > 0;
            NuPlus = drift ? new float[cells] : [];
            NuMinus = drift ? new float[cells] : [];
            QPlus = pcmNoise ? new float[cells] : [];
            QMinus = pcmNoise ? new float[cells] : [];
            W = new double[cells];
            S = o.ReadNoise ? new float[cells] : [];
            Effective = new float[cells];
            TileScale = new double[rowTiles * colTiles];
            Factor = new double[rowTiles * colTiles];
            Reference = new double[rowTiles * colTiles];
            Current = new double[rowTiles * colTiles];
            ColW = new double[rowTiles * n];
            ColS = new double[rowTiles * n];
        }

        public int N { get; }

        public int RowTiles { get; }

        public int ColTiles { get; }

        public double[] GPlus { get; }

        public double[] GMinus { get; }

        public float[] NuPlus { get; }

        public float[] NuMinus { get; }

        public float[] QPlus { get; }

        public float[] QMinus { get; }

        public double[] W { get; }

        public float[]? WFloat { get; set; }

        public float[] S { get; }

        public float[] Effective { get; }

        public double[] TileScale { get; }

        /// <summary><c>c_t·w_t</c> per tile, as the last projection applied it.</summary>
        public double[] Factor { get; }

        public double[] Reference { get; }

        public double[] Current { get; }

        public double[] ColW { get; }

        public double[] ColS { get; }
    }
}
