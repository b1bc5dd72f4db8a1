using Dfa.Backends.Dense;
using Dfa.Backends.Randomness;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Crossbar;

/// <summary>
/// The crossbar backend's counting reference. The cells — their programmed conductances, faults, drift and read-noise
/// amplitudes — are the simulated device, held by a <see cref="CrossbarProjector"/> of the same seed and evaluated at
/// the same device ages; everything done with them is performed here, array by array, and counted:
/// <list type="bullet">
/// <item>setup: per weight, one compare (its tile's largest magnitude), one division (counted as a multiply) mapping it
/// to <c>[−1, 1]</c> and two cells programmed; with drift compensation, the reference read below at programming
/// time;</item>
/// <item>per sample: a max pass over the error (a compare per component), <c>1/s</c> (one multiply) and <c>e_i/s</c>
/// (one multiply per component);</item>
/// <item>per sample and array: one activation; one DAC conversion per row the array's row tile drives; two cell reads
/// per weight (G⁺ and G⁻); one ADC conversion per weight column; per ADC output one multiply by <c>c_t·w_t</c> and
/// one add into the sample's accumulator; then one multiply by s per output;</item>
/// <item>with drift compensation, per call and layer, an all-ones read of every array (activation, conversions and cell
/// reads as above, one add per ADC output into the tile's sum) and, per tile, <c>c_t·w_t = w_t·(ref/now)</c> (a
/// division and a multiply).</item>
/// </list>
/// Currents are float multiply-add chains over the tile's rows in ascending order; read noise is the projector's one
/// normal per column and read (the same keyed streams), so with noise the signals equal the projector's up to float
/// summation order.
/// </summary>
internal sealed class CrossbarCountingReference : CountingReference
{
    private readonly CrossbarProjector _device;
    private readonly CrossbarOptions _o;
    private readonly CrossbarGeometry _geo;
    private readonly ulong _seed;
    private readonly double[][] _tileScale;
    private readonly double[][] _reference;
    private double _logT;
    private long _calls;

    public CrossbarCountingReference(FeedbackShape shape, CrossbarOptions options, FeedbackConfig config, ulong seed)
        : base(shape)
    {
        _o = options;
        _geo = new CrossbarGeometry(shape, options);
        _seed = seed;
        _device = new CrossbarProjector(shape, options, config.Init, config.Scale, seed, 1);
        var dense = new DenseProjector(shape, config.Init, config.Scale, seed, 1);
        int e = shape.ErrorSize, cw = options.WeightsPerTileRow;
        _tileScale = new double[shape.LayerSizes.Count][];
        _reference = new double[shape.LayerSizes.Count][];
        for (int l = 0; l < _tileScale.Length; l++)
        {
            Matrix b = dense.Matrix(l);
            int n = b.Cols;
            var scale = new double[_geo.RowTiles * (int)_geo.ColTiles(l)];
            for (int i = 0; i < e; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    int t = ((i / options.TileRows) * (int)_geo.ColTiles(l)) + (j / cw);
                    scale[t] = Math.Max(scale[t], MathF.Abs(b[i, j]));
                    Counts.Increment(HardwareAction.Fp32Compare);
                }
            }

            for (int i = 0; i < e; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double w = scale[((i / options.TileRows) * (int)_geo.ColTiles(l)) + (j / cw)];
                    _ = w > 0 ? b[i, j] / w : 0; // the mapped weight the device programs (its cells are the device's)
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    Counts.Increment(HardwareAction.CellsProgrammed);
                    Counts.Increment(HardwareAction.CellsProgrammed);
                }
            }

            _tileScale[l] = scale;
            _reference[l] = new double[scale.Length];
        }

        if (options.DriftCompensation)
        {
            _device.EvaluateAt(0);
            for (int l = 0; l < _reference.Length; l++)
            {
                CalibrationRead(l, -1, _reference[l]);
            }
        }

        _logT = _device.LogAgeAt(0);
        _device.EvaluateAt(_logT);
    }

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize, cw = _o.WeightsPerTileRow;
        long call = _calls++;
        double lt = _device.LogAgeAt(call);
        if (Math.Abs(lt - _logT) > CrossbarProjector.RefreshStep)
        {
            _logT = lt;
            _device.EvaluateAt(lt);
        }

        float[] x = ReadErrors(error);
        var scale = new float[batch];
        for (int b = 0; b < batch; b++)
        {
            float s = 0;
            for (int i = 0; i < e; i++)
            {
                s = MathF.Max(s, MathF.Abs(x[(b * e) + i]));
                Counts.Increment(HardwareAction.Fp32Compare);
            }

            s = float.IsFinite(s) ? s : 0;
            float inv = s > 0 ? 1 / s : 0;
            Counts.Increment(HardwareAction.Fp32Multiply);
            for (int i = 0; i < e; i++)
            {
                x[(b * e) + i] = _device.Drive(x[(b * e) + i] * inv);
                Counts.Increment(HardwareAction.Fp32Multiply);
            }

            scale[b] = s;
        }

        for (int l = 0; l < signals.Count; l++)
        {
            int n = Shape.LayerSizes[l], colTiles = (int)_geo.ColTiles(l);
            var factor = (double[])_tileScale[l].Clone();
            if (_o.DriftCompensation)
            {
                var now = new double[factor.Length];
                CalibrationRead(l, call, now);
                for (int t = 0; t < factor.Length; t++)
                {
                    double ratio = now[t] > 0 ? _reference[l][t] / now[t] : 1;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    factor[t] = _tileScale[l][t] * ratio;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                }
            }

            (_, float[] w) = _device.CellDifferences(l);
            float[] variance = _device.ReadVariance(l);
            var acc = new float[batch * n];
            var z = new float[n];
            var scratch = new float[(n + 1) / 2];
            for (int b = 0; b < batch; b++)
            {
                for (int tr = 0; tr < _geo.RowTiles; tr++)
                {
                    int r0 = tr * _o.TileRows, r1 = Math.Min(e, r0 + _o.TileRows);
                    if (_o.ReadNoise)
                    {
                        KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, CrossbarProjector.ReadDomain, call, l, tr, b), z, scratch);
                    }

                    for (int c = 0; c < colTiles; c++)
                    {
                        Counts.Increment(HardwareAction.ArrayActivations);
                        for (int i = r0; i < r1; i++)
                        {
                            Counts.Increment(HardwareAction.DacConversions);
                        }

                        float f = (float)factor[(tr * colTiles) + c];
                        for (int j = c * cw; j < Math.Min(n, (c + 1) * cw); j++)
                        {
                            float current = 0, noise = 0;
                            for (int i = r0; i < r1; i++)
                            {
                                float xi = x[(b * e) + i];
                                current = MathF.FusedMultiplyAdd(xi, w[(i * n) + j], current);
                                if (_o.ReadNoise)
                                {
                                    noise = MathF.FusedMultiplyAdd(xi * xi, variance[(i * n) + j], noise);
                                }

                                Counts.Increment(HardwareAction.AnalogCellReads);
                                Counts.Increment(HardwareAction.AnalogCellReads);
                            }

                            if (_o.ReadNoise)
                            {
                                current += MathF.Sqrt(MathF.Max(noise, 0)) * z[j];
                            }

                            float level = _device.Convert(current);
                            Counts.Increment(HardwareAction.AdcConversions);
                            float term = level * f;
                            Counts.Increment(HardwareAction.Fp32Multiply);
                            acc[(b * n) + j] += term;
                            Counts.Increment(HardwareAction.Fp32Add);
                        }
                    }
                }

                for (int j = 0; j < n; j++)
                {
                    acc[(b * n) + j] *= scale[b];
                    Counts.Increment(HardwareAction.Fp32Multiply);
                }
            }

            WriteSignal(acc, signals[l]);
        }
    }

    /// <summary>Reads every array of layer <paramref name="l"/> with an all-ones input: Σ_j |ADC(y_j)| per tile into <paramref name="into"/>.</summary>
    private void CalibrationRead(int l, long call, double[] into)
    {
        int e = Shape.ErrorSize, n = Shape.LayerSizes[l], cw = _o.WeightsPerTileRow, colTiles = (int)_geo.ColTiles(l);
        (double[] w, _) = _device.CellDifferences(l);
        float[] variance = _device.ReadVariance(l);
        var z = new float[n];
        var scratch = new float[(n + 1) / 2];
        for (int tr = 0; tr < _geo.RowTiles; tr++)
        {
            int r0 = tr * _o.TileRows, r1 = Math.Min(e, r0 + _o.TileRows);
            if (_o.ReadNoise)
            {
                KeyedGaussian.FillNormals(KeyedGaussian.Key(_seed, CrossbarProjector.CalibrationDomain, call, l, tr), z, scratch);
            }

            for (int c = 0; c < colTiles; c++)
            {
                Counts.Increment(HardwareAction.ArrayActivations);
                for (int i = r0; i < r1; i++)
                {
                    Counts.Increment(HardwareAction.DacConversions);
                }

                for (int j = c * cw; j < Math.Min(n, (c + 1) * cw); j++)
                {
                    double y = 0, v = 0;
                    for (int i = r0; i < r1; i++)
                    {
                        y += w[(i * n) + j];
                        if (_o.ReadNoise)
                        {
                            v += variance[(i * n) + j];
                        }

                        Counts.Increment(HardwareAction.AnalogCellReads);
                        Counts.Increment(HardwareAction.AnalogCellReads);
                    }

                    if (_o.ReadNoise)
                    {
                        y += Math.Sqrt(v) * z[j];
                    }

                    into[(tr * colTiles) + c] += Math.Abs(_device.Convert((float)y));
                    Counts.Increment(HardwareAction.AdcConversions);
                    Counts.Increment(HardwareAction.Fp32Add);
                }
            }
        }
    }
}
