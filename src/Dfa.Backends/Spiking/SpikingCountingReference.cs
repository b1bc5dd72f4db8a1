using Dfa.Backends.Dense;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Spiking;

/// <summary>
/// The spiking backend's counting reference: the chip of <see cref="SpikingProjector"/> driven spike by spike, with
/// the host's encoding in fixed work per component (the same work whatever the data).
/// <list type="bullet">
/// <item>Setup (quantised weights): per core, <c>largest/M</c> (one division, counted as a multiply) and its exponent
/// (one integer add); per weight, one compare for the core's largest magnitude, one division and a clamp (two
/// compares).</item>
/// <item>Rate coding, per sample: <c>‖e‖₁</c> (an add per component), one compare for "anything to send", per component
/// <c>T·|e_i|/‖e‖₁</c> (a multiply and a division), its floor capped at T and summed (two integer adds) and its
/// remainder (an add); the spikes left over, <c>T − Σ⌊·⌋</c> (an integer add); <c>min(T, e − 1)</c> selection passes
/// (a compare per component, then an integer add to the chosen component's count when the pass is within the leftover
/// spikes); the event scale <c>‖e‖₁/T</c> (a division).</item>
/// <item>Graded spikes, per sample: a max pass (a compare per component), one compare for "anything to send", k
/// selection passes of the largest magnitudes when k &lt; e (a compare per component each), and with finite payload
/// bits, per event <c>round(e_i/max·P)</c> (two multiplies) and the scale <c>max/P</c> (a division).</item>
/// <item>On the chip, per time step one step, per event (rate: one spike per step; graded: every event in the one step;
/// a budget the data does not change) one spike sent, one message per core in use and one synaptic operation per
/// hidden unit (<c>acc_j += v·m_ij</c>).</item>
/// <item>Read-out, per output: the core's <c>2^x</c> (an exponent add, counted as an integer add; none for float
/// weights) and the event scale (a multiply).</item>
/// </list>
/// </summary>
internal sealed class SpikingCountingReference : CountingReference
{
    private readonly SpikingOptions _o;
    private readonly SpikingGeometry _geo;
    private readonly Matrix[] _mantissas;
    private readonly float[][] _factors;

    public SpikingCountingReference(FeedbackShape shape, SpikingOptions options, FeedbackConfig config, ulong seed)
        : base(shape)
    {
        _o = options;
        _geo = new SpikingGeometry(shape, options);
        var dense = new DenseProjector(shape, config.Init, config.Scale, seed, 1);
        _mantissas = new Matrix[shape.LayerSizes.Count];
        _factors = new float[shape.LayerSizes.Count][];
        for (int l = 0; l < _mantissas.Length; l++)
        {
            (_mantissas[l], _factors[l]) = Quantize(dense.Matrix(l));
        }
    }

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
                for (int j = c0; j < c1; j++)
                {
                    largest = MathF.Max(largest, MathF.Abs(b[i, j]));
                    Counts.Increment(HardwareAction.Fp32Compare);
                }
            }

            double ratio = largest / max;
            Counts.Increment(HardwareAction.Fp32Multiply);
            int exponent = largest > 0 ? (int)Math.Ceiling(Math.Log2(ratio)) : 0;
            Counts.Increment(HardwareAction.Int32Add);
            float step = (float)Math.ScaleB(1.0, exponent);
            for (int i = 0; i < b.Rows; i++)
            {
                for (int j = c0; j < c1; j++)
                {
                    float q = MathF.Round(b[i, j] / step);
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    m[i, j] = Math.Clamp(q, -max, max);
                    Counts.Increment(HardwareAction.Fp32Compare);
                    Counts.Increment(HardwareAction.Fp32Compare);
                }
            }

            factors.AsSpan(c0, c1 - c0).Fill(step);
        }

        return (m, factors);
    }

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize;
        float[] x = ReadErrors(error);
        for (int l = 0; l < signals.Count; l++)
        {
            signals[l].Span.Clear();
        }

        var acc = new float[signals.Count][];
        for (int l = 0; l < acc.Length; l++)
        {
            acc[l] = new float[Shape.LayerSizes[l]];
        }

        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> sample = x.AsSpan(b * e, e);
            (List<(int Component, float Value)> events, float scale) = _o.Encoding == SpikeEncoding.Rate ? RateEvents(sample) : GradedEvents(sample);
            foreach (float[] a in acc)
            {
                Array.Clear(a);
            }

            int perStep = _o.Encoding == SpikeEncoding.Rate ? 1 : events.Count;
            int next = 0;
            for (int step = 0; step < _o.StepsPerSample; step++)
            {
                Counts.Increment(HardwareAction.SpikeTimeSteps);
                for (int k = 0; k < perStep; k++, next++)
                {
                    (int i, float v) = events[next];
                    Counts.Increment(HardwareAction.SpikesSent);
                    for (long c = 0; c < _geo.CoresUsed; c++)
                    {
                        Counts.Increment(HardwareAction.CoreMessages);
                    }

                    for (int l = 0; l < acc.Length; l++)
                    {
                        Matrix m = _mantissas[l];
                        for (int j = 0; j < m.Cols; j++)
                        {
                            acc[l][j] = MathF.FusedMultiplyAdd(v, m[i, j], acc[l][j]);
                            Counts.Increment(HardwareAction.SynapticOps);
                        }
                    }
                }
            }

            for (int l = 0; l < acc.Length; l++)
            {
                var row = new float[acc[l].Length];
                for (int j = 0; j < row.Length; j++)
                {
                    float value = acc[l][j];
                    if (_o.WeightBits != 0)
                    {
                        value *= _factors[l][j];
                        Counts.Increment(HardwareAction.Int32Add);
                    }

                    row[j] = value * scale;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                }

                for (int j = 0; j < row.Length; j++)
                {
                    signals[l][b, j] = row[j];
                    Counts.Add(HardwareAction.SignalBytesWritten, sizeof(float));
                }
            }
        }
    }

    /// <summary>T signed spikes of value ±1 (components in ascending order, each its count of spikes), and the scale ‖e‖₁/T.</summary>
    private (List<(int, float)> Events, float Scale) RateEvents(ReadOnlySpan<float> x)
    {
        int e = x.Length, t = _o.TimeSteps;
        double l1 = 0;
        bool finite = true;
        foreach (float v in x)
        {
            finite &= float.IsFinite(v);
            l1 += Math.Abs(v);
            Counts.Increment(HardwareAction.Fp32Add);
        }

        bool send = finite && l1 > 0;
        Counts.Increment(HardwareAction.Fp32Compare);
        var count = new int[e];
        var key = new double[e];
        int given = 0;
        for (int i = 0; i < e; i++)
        {
            double share = t * Math.Abs(x[i]);
            Counts.Increment(HardwareAction.Fp32Multiply);
            share /= send ? l1 : 1;
            Counts.Increment(HardwareAction.Fp32Multiply);
            count[i] = send ? Math.Min(t, (int)Math.Floor(share)) : 0;
            Counts.Increment(HardwareAction.Int32Add);
            given += count[i];
            Counts.Increment(HardwareAction.Int32Add);
            key[i] = share - count[i];
            Counts.Increment(HardwareAction.Fp32Add);
        }

        int remaining = send ? t - given : 0;
        Counts.Increment(HardwareAction.Int32Add);

        // The leftover spikes go to the largest remainders, ties to the lower index: one pass per possible spike.
        var taken = new bool[e];
        for (int pass = 0; pass < Math.Min(t, e - 1); pass++)
        {
            int best = -1;
            double bestKey = double.NegativeInfinity;
            for (int i = 0; i < e; i++)
            {
                if (!taken[i] && key[i] > bestKey)
                {
                    best = i;
                    bestKey = key[i];
                }

                Counts.Increment(HardwareAction.Fp32Compare);
            }

            if (pass < remaining)
            {
                taken[best] = true;
                count[best]++;
            }

            Counts.Increment(HardwareAction.Int32Add);
        }

        var events = new List<(int, float)>(t);
        for (int i = 0; i < e; i++)
        {
            for (int s = 0; s < count[i]; s++)
            {
                events.Add((i, x[i] < 0 ? -1f : 1f));
            }
        }

        while (events.Count < t)
        {
            events.Add((0, 0f)); // an all-zero error spends its budget with value 0
        }

        float scale = send ? (float)(l1 / t) : 0;
        Counts.Increment(HardwareAction.Fp32Multiply);
        return (events, scale);
    }

    /// <summary>One event per component among the k largest |e_i| (ascending component order), payloads and scale.</summary>
    private (List<(int, float)> Events, float Scale) GradedEvents(ReadOnlySpan<float> x)
    {
        int e = x.Length, k = _o.EventsPerSample(e);
        float max = 0;
        bool finite = true;
        foreach (float v in x)
        {
            finite &= float.IsFinite(v);
            max = MathF.Max(max, MathF.Abs(v));
            Counts.Increment(HardwareAction.Fp32Compare);
        }

        bool send = finite && max > 0;
        Counts.Increment(HardwareAction.Fp32Compare);
        var chosen = new bool[e];
        if (k < e)
        {
            for (int pass = 0; pass < k; pass++)
            {
                int best = -1;
                double bestKey = double.NegativeInfinity;
                for (int i = 0; i < e; i++)
                {
                    if (!chosen[i] && Math.Abs(x[i]) > bestKey)
                    {
                        best = i;
                        bestKey = Math.Abs(x[i]);
                    }

                    Counts.Increment(HardwareAction.Fp32Compare);
                }

                chosen[best] = true;
            }
        }
        else
        {
            Array.Fill(chosen, true);
        }

        float payload = _o.PayloadBits == 0 ? 0 : (1 << (_o.PayloadBits - 1)) - 1;
        var events = new List<(int, float)>(k);
        for (int i = 0; i < e; i++)
        {
            if (!chosen[i])
            {
                continue;
            }

            float v = x[i];
            if (payload != 0)
            {
                v = send ? v / max : 0;
                Counts.Increment(HardwareAction.Fp32Multiply);
                v = MathF.Round(v * payload);
                Counts.Increment(HardwareAction.Fp32Multiply);
            }

            events.Add((i, send ? v : 0));
        }

        float scale = 1;
        if (payload != 0)
        {
            scale = send ? max / payload : 0;
            Counts.Increment(HardwareAction.Fp32Multiply);
        }

        return (events, send ? scale : 0);
    }
}
