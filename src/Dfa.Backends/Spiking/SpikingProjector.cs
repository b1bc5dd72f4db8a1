using System.Numerics.Tensors;
using Dfa.Backends.Dense;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Spiking;

/// <summary>
/// DFA's feedback step on an event-driven, Loihi-class neuromorphic chip: the output error enters as signed spike
/// events; each event is delivered to the synapses of every hidden unit, which integrate them; the units' accumulated
/// inputs, read out after the sample's time steps, are the signals.
/// <para><b>Matrices.</b> <c>B_l</c> is the dense backend's matrix for the same seed, init and scale. With
/// <c>weight_bits = w</c>, the units are split over cores (<see cref="SpikingOptions"/>) and each core's synapses share
/// one exponent: <c>x = ⌈log₂(max|B| / M)⌉</c> over the core, <c>M = 2^(w−1) − 1</c>, mantissas
/// <c>m = clamp(round(B/2^x), −M, M)</c>, so the chip realises <c>B̃ = m·2^x</c> (<see cref="FeedbackMatrix"/>).</para>
/// <para><b>Events</b> (per sample, <see cref="SpikeEncoding"/>): rate coding sends <c>T</c> spikes,
/// <c>k_i = ⌊T·|e_i|/‖e‖₁⌋</c> from component i plus one more for each of the <c>T − Σ⌊·⌋</c> largest remainders
/// (ties to the lower index), each of value <c>sign(e_i)·‖e‖₁/T</c>; graded spikes send one event per component
/// among the k largest |e_i| (ties to the lower index) with payload <c>q_i = round(e_i·P/max|e|)</c>,
/// <c>P = 2^(payload_bits−1) − 1</c>, worth <c>q_i·max|e|/P</c> (payload_bits = 0: the exact value). The event budget
/// does not depend on the data, so neither does the counted work: an all-zero error (which softmax cross-entropy never
/// produces) still spends its budget, with value 0.</para>
/// <para><b>Integration.</b> Unit j integrates, without leak, the integer synaptic inputs <c>Σ_events v_i·m_ij</c>
/// (exact in float32 while below 2²⁴) and is read out once: <c>S[b, j] = σ_b·2^x(j)·Σ_events v_i·m_ij</c> with the
/// event scale <c>σ_b</c> (<c>‖e‖₁/T</c> or <c>max|e|/P</c>). So without quantisation (graded, every component,
/// payload_bits = weight_bits = 0) the projection is the dense product, and in general it is exactly
/// <c>EncodeError(E)·FeedbackMatrix(l)</c> up to float rounding.</para>
/// <para><b>Counted work</b> per call of batch b, with <c>K</c> events per sample (<c>T</c> or <c>k</c>), <c>N = Σ n_l</c>
/// and <c>C</c> cores in use: <c>b·K</c> spikes sent, <c>b·K·N</c> synaptic ops (each event reaches one synapse of
/// every unit: fan-out N), <c>b·K·C</c> core-to-core messages (one per destination core), <c>b·T</c> (rate) or
/// <c>b</c> (graded) time steps; on the host, <c>2·b·e</c> compares (the max or the remainders' order, and the
/// selection), for rate <c>b·e</c> adds (‖e‖₁) and <c>b·e</c> multiplies (T·|e_i|/‖e‖₁), for graded <c>b·K</c>
/// multiplies (payloads), then <c>b·N</c> multiplies (read-out scale); <c>4·b·e</c> error bytes read and
/// <c>4·b·N</c> signal bytes written. Setup with quantised weights: <c>e·N</c> compares and multiplies.</para>
/// <para><b>Kernels.</b> Samples are split over threads; a sample's events are applied in ascending component order,
/// one SIMD multiply-add of a synapse row each (the event-driven form), or, when there are at least e/4 events per
/// sample, as one GEMM of the batch's event matrix by the mantissas (the same sums, blocked). Either way the order is
/// fixed by the options and the shape, so the same seed gives the same bits for any thread count.</para>
/// </summary>
public sealed class SpikingProjector : IFeedbackProjector
{
    private readonly SpikingGeometry _geo;
    private readonly SpikingOptions _o;
    private readonly int _threads;
    private readonly Matrix[] _mantissas;
    private readonly float[][] _columnFactors;
    private readonly bool _dense;
    private float[] _events = [];
    private float[] _scales = [];
    private int[] _counts = [];
    private int[] _order = [];
    private double[] _keys = [];

    internal SpikingProjector(FeedbackShape shape, SpikingOptions options, FeedbackInit init, double? scale, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Shape = shape;
        _o = options;
        _geo = new SpikingGeometry(shape, options);
        _threads = threads;
        _dense = options.EventsPerSample(shape.ErrorSize) * 4L >= shape.ErrorSize;
        var dense = new DenseProjector(shape, init, scale, seed, 1);
        _mantissas = new Matrix[shape.LayerSizes.Count];
        _columnFactors = new float[shape.LayerSizes.Count][];
        for (int l = 0; l < _mantissas.Length; l++)
        {
            (_mantissas[l], _columnFactors[l]) = Quantize(dense.Matrix(l));
        }

        Counts.Add(_geo.Setup());
    }

    public string Backend => "spiking";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => _geo.Storage();

    /// <summary>Cores the matrices occupy.</summary>
    public long CoresUsed => _geo.CoresUsed;

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        if (_scales.Length != batch)
        {
            _scales = new float[batch];
            _events = new float[batch * e];
        }

        Encode(error, _events, _scales);
        for (int l = 0; l < _mantissas.Length; l++)
        {
            Matrix m = _mantissas[l];
            Matrix s = signals[l];
            int n = m.Cols;
            if (_dense)
            {
                Gemm.Multiply(Transpose.No, Transpose.No, batch, n, e, 1f, _events, e, m.Data, n, 0f, s.Data, n, _threads);
            }

            float[] factors = _columnFactors[l];
            ParallelSamples(batch, (b0, b1) =>
            {
                for (int b = b0; b < b1; b++)
                {
                    Span<float> acc = s.Row(b);
                    if (!_dense)
                    {
                        acc.Clear();
                        ReadOnlySpan<float> v = _events.AsSpan(b * e, e);
                        for (int i = 0; i < e; i++)
                        {
                            if (v[i] != 0)
                            {
                                TensorPrimitives.MultiplyAdd(m.Row(i), v[i], acc, acc);
                            }
                        }
                    }

                    TensorPrimitives.Multiply(acc, factors, acc);
                    TensorPrimitives.Multiply(acc, _scales[b], acc);
                }
            });
        }

        Counts.Add(_geo.PerProjection(batch));
    }

    /// <summary>The events' values as the chip sees them: <c>σ_b·v_i</c> (rate: signed spike counts; graded: payloads).</summary>
    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        encoded.ThrowIfShapeDiffers(error, nameof(encoded));
        var scales = new float[error.Rows];
        Encode(error, encoded.Data, scales);
        for (int b = 0; b < error.Rows; b++)
        {
            TensorPrimitives.Multiply(encoded.Row(b), scales[b], encoded.Row(b));
        }
    }

    /// <summary><c>B̃_l = m·2^x</c>, the weights the synapses hold (allocates).</summary>
    public Matrix FeedbackMatrix(int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(layer, _mantissas.Length);
        Matrix m = _mantissas[layer].Clone();
        for (int i = 0; i < m.Rows; i++)
        {
            TensorPrimitives.Multiply(m.Row(i), _columnFactors[layer], m.Row(i));
        }

        return m;
    }

    /// <summary>Mantissas and per-column factors <c>2^x</c> of the core holding each column (float weights: B and 1).</summary>
    private (Matrix Mantissas, float[] Factors) Quantize(Matrix b)
    {
        var factors = new float[b.Cols];
        Array.Fill(factors, 1f);
        if (_o.WeightBits == 0)
        {
            return (b.Clone(), factors);
        }

        var m = new Matrix(b.Rows, b.Cols);
        int per = (int)_geo.UnitsPerCore;
        float max = (1 << (_o.WeightBits - 1)) - 1;
        for (int c0 = 0; c0 < b.Cols; c0 += per)
        {
            int c1 = Math.Min(b.Cols, c0 + per);
            float largest = 0;
            for (int i = 0; i < b.Rows; i++)
            {
                largest = MathF.Max(largest, MathF.Abs(TensorPrimitives.MaxMagnitude(b.Row(i)[c0..c1])));
            }

            int exponent = largest > 0 ? (int)Math.Ceiling(Math.Log2(largest / max)) : 0;
            float step = (float)Math.ScaleB(1.0, exponent);
            for (int i = 0; i < b.Rows; i++)
            {
                ReadOnlySpan<float> src = b.Row(i)[c0..c1];
                Span<float> dst = m.Row(i)[c0..c1];
                for (int j = 0; j < src.Length; j++)
                {
                    dst[j] = Math.Clamp(MathF.Round(src[j] / step), -max, max);
                }
            }

            factors.AsSpan(c0, c1 - c0).Fill(step);
        }

        return (m, factors);
    }

    /// <summary>Per sample: the signed event values <c>v_i</c> into <paramref name="events"/> and the scale σ_b.</summary>
    private void Encode(Matrix error, float[] events, float[] scales)
    {
        int e = Shape.ErrorSize;
        int k = _o.EventsPerSample(e);
        if (_counts.Length != e)
        {
            _counts = new int[e];
            _order = new int[e];
            _keys = new double[e];
        }

        for (int b = 0; b < error.Rows; b++)
        {
            ReadOnlySpan<float> x = error.Row(b);
            Span<float> v = events.AsSpan(b * e, e);
            v.Clear();
            bool finite = true;
            double l1 = 0;
            float max = 0;
            foreach (float value in x)
            {
                finite &= float.IsFinite(value);
                l1 += Math.Abs(value);
                max = MathF.Max(max, MathF.Abs(value));
            }

            if (!finite || max == 0)
            {
                scales[b] = 0;
                continue;
            }

            if (_o.Encoding == SpikeEncoding.Rate)
            {
                int t = _o.TimeSteps;
                int given = 0;
                for (int i = 0; i < e; i++)
                {
                    double share = t * Math.Abs(x[i]) / l1;
                    _counts[i] = Math.Min(t, (int)Math.Floor(share));
                    given += _counts[i];
                    _keys[i] = share - _counts[i];
                    _order[i] = i;
                }

                // The remaining spikes go to the largest remainders; ties to the lower index.
                int remaining = t - given;
                if (remaining > 0)
                {
                    Array.Sort(_order, (p, q) => _keys[q] != _keys[p] ? _keys[q].CompareTo(_keys[p]) : p.CompareTo(q));
                    for (int r = 0; r < remaining; r++)
                    {
                        _counts[_order[r]]++;
                    }
                }

                for (int i = 0; i < e; i++)
                {
                    v[i] = x[i] < 0 ? -_counts[i] : _counts[i];
                }

                scales[b] = (float)(l1 / t);
            }
            else
            {
                if (k < e)
                {
                    for (int i = 0; i < e; i++)
                    {
                        _order[i] = i;
                        _keys[i] = Math.Abs(x[i]);
                    }

                    Array.Sort(_order, (p, q) => _keys[q] != _keys[p] ? _keys[q].CompareTo(_keys[p]) : p.CompareTo(q));
                }

                float payload = _o.PayloadBits == 0 ? 0 : (1 << (_o.PayloadBits - 1)) - 1;
                for (int r = 0; r < k; r++)
                {
                    int i = k < e ? _order[r] : r;
                    v[i] = payload == 0 ? x[i] : MathF.Round(x[i] / max * payload);
                }

                scales[b] = payload == 0 ? 1 : max / payload;
            }
        }
    }

    private void ParallelSamples(int count, Action<int, int> body)
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
}
