using System.Numerics;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Binary;

/// <summary>
/// The binary backend's counting reference. The signs are drawn again from their definition (bit <c>i·n_l + j</c> of
/// the stream <c>binary/l</c>, see <see cref="BinaryProjector"/>) and packed as the projector packs them, so the
/// storage reads are counted word by word.
/// <para><b>Float error</b>, per layer: the errors read once; for each row i, its <c>⌈n/64⌉</c> packed words read once
/// (64 bits each), and for every column j and sample one add of <c>±E[b, i]</c>; then one multiply by s per output.</para>
/// <para><b>Ternary error</b>, once per call, per sample: a max pass (one compare per component), the cut
/// <c>threshold·max</c> (one multiply), then per component one compare against the cut, one add of the kept magnitude
/// (0 when dropped) into α's sum, one integer add into the kept count and one into <c>Σ t_i</c>; then
/// <c>α = sum/kept</c> (a division, counted as a multiply). Per layer: each sample's packed P and N read once (16 bytes
/// per word pair), each neuron's column words once (64 bits each), <c>s·α_b</c> once per sample, and per output, per
/// word, two popcounts and two integer adds, then two integer adds and one multiply.</para>
/// </summary>
internal sealed class BinaryCountingReference : CountingReference
{
    private readonly ErrorEncoding _encoding;
    private readonly double _threshold;
    private readonly float[] _scales;
    private readonly ulong[][] _bits;

    public BinaryCountingReference(FeedbackShape shape, BinaryOptions options, double? scale, ulong seed)
        : base(shape)
    {
        _encoding = options.Error;
        _threshold = options.Threshold;
        int e = shape.ErrorSize;
        _scales = new float[shape.LayerSizes.Count];
        _bits = new ulong[shape.LayerSizes.Count][];
        for (int l = 0; l < _bits.Length; l++)
        {
            int n = shape.LayerSizes[l];
            _scales[l] = (float)(scale ?? (1.0 / Math.Sqrt(n)));
            bool rows = _encoding == ErrorEncoding.Float;
            int words = rows ? (n + 63) / 64 : (e + 63) / 64;
            var bits = new ulong[(long)(rows ? e : n) * words];
            Rng rng = Rng.Derive(seed, $"binary/{l}");
            ulong word = 0;
            for (long t = 0; t < (long)e * n; t++)
            {
                if (t % 64 == 0)
                {
                    word = rng.NextUInt64();
                }

                bool plus = ((word >> (int)(t % 64)) & 1) == 1;
                int i = (int)(t / n), j = (int)(t % n);
                if (rows && plus)
                {
                    bits[((long)i * words) + (j / 64)] |= 1UL << (j % 64);
                }
                else if (!rows && !plus)
                {
                    bits[((long)j * words) + (i / 64)] |= 1UL << (i % 64);
                }
            }

            _bits[l] = bits;
        }
    }

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        if (_encoding == ErrorEncoding.Float)
        {
            RunFloat(error, signals);
        }
        else
        {
            RunTernary(error, signals);
        }
    }

    private void RunFloat(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize;
        for (int l = 0; l < signals.Count; l++)
        {
            float[] x = ReadErrors(error);
            int n = Shape.LayerSizes[l];
            int words = (n + 63) / 64;
            var acc = new float[batch * n];
            for (int i = 0; i < e; i++)
            {
                for (int q = 0; q < words; q++)
                {
                    ulong word = _bits[l][((long)i * words) + q];
                    Counts.Add(HardwareAction.FeedbackBitsRead, 64);
                    for (int j = q * 64; j < Math.Min(n, (q + 1) * 64); j++)
                    {
                        bool plus = ((word >> (j % 64)) & 1) == 1;
                        for (int r = 0; r < batch; r++)
                        {
                            float v = x[(r * e) + i];
                            acc[(r * n) + j] += plus ? v : -v;
                            Counts.Increment(HardwareAction.Fp32Add);
                        }
                    }
                }
            }

            for (int k = 0; k < acc.Length; k++)
            {
                acc[k] *= _scales[l];
                Counts.Increment(HardwareAction.Fp32Multiply);
            }

            WriteSignal(acc, signals[l]);
        }
    }

    private void RunTernary(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize;
        int words = (e + 63) / 64;
        float[] x = ReadErrors(error);
        var positive = new ulong[batch * words];
        var negative = new ulong[batch * words];
        var balance = new int[batch];
        var alpha = new float[batch];
        for (int r = 0; r < batch; r++)
        {
            float max = 0;
            for (int i = 0; i < e; i++)
            {
                max = MathF.Max(max, MathF.Abs(x[(r * e) + i]));
                Counts.Increment(HardwareAction.Fp32Compare);
            }

            bool usable = max > 0 && float.IsFinite(max);
            float cut = (float)(_threshold * max);
            Counts.Increment(HardwareAction.Fp32Multiply);
            double sum = 0;
            int kept = 0;
            for (int i = 0; i < e; i++)
            {
                float v = x[(r * e) + i];
                bool keep = usable && MathF.Abs(v) > cut;
                Counts.Increment(HardwareAction.Fp32Compare);
                sum += keep ? MathF.Abs(v) : 0;
                Counts.Increment(HardwareAction.Fp32Add);
                kept += keep ? 1 : 0;
                Counts.Increment(HardwareAction.Int32Add);
                int t = keep ? (float.IsNegative(v) ? -1 : 1) : 0;
                balance[r] += t;
                Counts.Increment(HardwareAction.Int32Add);
                if (t > 0)
                {
                    positive[(r * words) + (i / 64)] |= 1UL << (i % 64);
                }
                else if (t < 0)
                {
                    negative[(r * words) + (i / 64)] |= 1UL << (i % 64);
                }
            }

            alpha[r] = kept > 0 ? (float)(sum / kept) : 0;
            Counts.Increment(HardwareAction.Fp32Multiply);
        }

        for (int l = 0; l < signals.Count; l++)
        {
            int n = Shape.LayerSizes[l];
            var p = new ulong[batch * words];
            var m = new ulong[batch * words];
            for (int k = 0; k < p.Length; k++)
            {
                p[k] = positive[k];
                m[k] = negative[k];
                Counts.Add(HardwareAction.ErrorBytesRead, 2 * sizeof(ulong));
            }

            var scaled = new float[batch];
            for (int r = 0; r < batch; r++)
            {
                scaled[r] = _scales[l] * alpha[r];
                Counts.Increment(HardwareAction.Fp32Multiply);
            }

            var s = new float[batch * n];
            var column = new ulong[words];
            for (int j = 0; j < n; j++)
            {
                for (int q = 0; q < words; q++)
                {
                    column[q] = _bits[l][((long)j * words) + q];
                    Counts.Add(HardwareAction.FeedbackBitsRead, 64);
                }

                for (int r = 0; r < batch; r++)
                {
                    int acc = 0;
                    for (int q = 0; q < words; q++)
                    {
                        int plus = BitOperations.PopCount(p[(r * words) + q] & column[q]);
                        Counts.Increment(HardwareAction.Popcount64);
                        int minus = BitOperations.PopCount(m[(r * words) + q] & column[q]);
                        Counts.Increment(HardwareAction.Popcount64);
                        acc += plus;
                        Counts.Increment(HardwareAction.Int32Add);
                        acc -= minus;
                        Counts.Increment(HardwareAction.Int32Add);
                    }

                    int value = balance[r] - acc;
                    Counts.Increment(HardwareAction.Int32Add);
                    value -= acc;
                    Counts.Increment(HardwareAction.Int32Add);
                    s[(r * n) + j] = scaled[r] * value;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                }
            }

            WriteSignal(s, signals[l]);
        }
    }
}
