using Dfa.Backends.Encoding;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Binary;

/// <summary>
/// Binary DFA feedback (Han &amp; Yoo 2019, BDFA): <c>B_l[i, j] = σ_ij·s_l</c>, <c>σ_ij ∈ {−1, +1}</c> stored at one
/// bit each, default <c>s_l = 1/sqrt(n_l)</c> (the dense backend's default per-entry variance) or
/// <c>feedback.scale</c>.
/// <para>
/// Signs: with 64-bit words <c>w_0, w_1, …</c> from <c>Rng.Derive(seed, "binary/l")</c>, bit
/// <c>t = i·n_l + j</c> of that stream, <c>(w_{t/64} &gt;&gt; (t mod 64)) &amp; 1</c>, is 1 for <c>σ_ij = +1</c> and 0 for
/// <c>−1</c>. Both layouts below are filled from that one definition, so the float and ternary paths realise the
/// same matrices for the same seed.
/// </para>
/// <para>
/// Float error (default): row-packed, error row i holds the bits of <c>σ_i·</c> in <c>⌈n_l/64⌉</c> ulongs (1 = +1);
/// <c>S[b, j] = s · Σ_i σ_ij·E[b, i]</c>, summed over ascending i from 0 then multiplied by s once, decoding the signs
/// in registers (<see cref="SignBitKernel"/>); B is never expanded to floats. Counted per call, per layer:
/// <c>b·e·n</c> fp32 adds (the sign-selected adds), <c>b·n</c> fp32 multiplies (the scale), the <c>64·e·⌈n/64⌉</c>
/// packed bits read once, <c>4·b·e</c> error bytes read, <c>4·b·n</c> signal bytes written.
/// </para>
/// <para>
/// Ternary error: each sample is ternarised once per call by <see cref="Ternarizer.Ternarize"/> into
/// <c>t ∈ {−1, 0, 1}^e</c> and <c>α</c>, packed into bitsets P = {i: t_i = +1} and N = {i: t_i = −1} of
/// <c>w = ⌈e/64⌉</c> words. Column-packed: neuron j holds <c>β_j</c> in w ulongs, <c>β_ij = 1</c> where
/// <c>σ_ij = −1</c>. Then <c>S[b, j] = (s·α_b) · ((|P| − |N|) − 2·(popcnt(P ∧ β_j) − popcnt(N ∧ β_j)))</c>
/// (<see cref="PopcountKernel"/>). Counted once per call, as work fixed per component (a kept component adds its
/// magnitude, a dropped one adds 0): <c>2·b·e</c> fp32 compares (the max pass and the threshold pass of ternarising),
/// <c>b·e</c> fp32 adds (α's sum), <c>2·b·e</c> int adds (the kept count and <c>|P| − |N| = Σ t_i</c>), <c>2·b</c>
/// fp32 multiplies (the cut <c>threshold·max</c> and the division <c>α = sum/kept</c>), <c>4·b·e</c> error bytes
/// read. Per layer: <c>2·b·n·w</c>
/// popcounts, <c>b·n·(2w + 2)</c> int adds, <c>b·(n + 1)</c> fp32 multiplies (<c>s·α_b</c> once per sample, then one
/// per output), <c>64·n·w</c> feedback bits read, <c>16·b·w</c> error bytes read (P and N), <c>4·b·n</c> signal
/// bytes written.
/// </para>
/// <para>
/// Storage: <c>e·Σn_l</c> weight bits; padding = allocated bits − weight bits, i.e. <c>e·(64·⌈n_l/64⌉ − n_l)</c> per
/// layer row-packed, <c>n_l·(64·⌈e/64⌉ − e)</c> column-packed. So a binary projector stores a dense one's bits / 32
/// plus padding.
/// </para>
/// <para><see cref="BinaryCountingReference"/> performs all of the counted work in scalar loops, counting as it goes.</para>
/// </summary>
public sealed unsafe class BinaryProjector : IFeedbackProjector
{
    /// <summary>Columns per parallel task of the float path (a multiple of 64, so the 1 × 64 kernel fits).</summary>
    private const int FloatChunkColumns = 256;

    /// <summary>Columns per parallel task of the ternary path.</summary>
    private const int TernaryChunkColumns = 64;

    /// <summary>Sign-selected adds or popcounts below which a layer is not worth splitting across threads.</summary>
    private const long ParallelThreshold = 1 << 18;

    private readonly ErrorEncoding _error;
    private readonly double _threshold;
    private readonly float[] _scales;
    private readonly ulong[][] _bits;
    private readonly int[] _wordsPerLine;
    private readonly int _threads;
    private readonly Action<int> _floatTask;
    private readonly Action<int> _ternaryTask;

    // Per-call state read by the cached parallel bodies (no closure per call).
    private Matrix? _jobError;
    private Matrix? _jobSignal;
    private int _jobLayer;

    // Float path: E's full 6-row blocks interleaved for the SIMD kernel, grown to the largest batch seen.
    private float[] _interleaved = [];

    // Ternary scratch, grown to the largest batch seen.
    private sbyte[] _signs = [];
    private ulong[] _positive = [];
    private ulong[] _negative = [];
    private int[] _balance = [];
    private float[] _alpha = [];
    private float[] _scaledAlpha = [];

    public BinaryProjector(FeedbackShape shape, ErrorEncoding error, double threshold, double? scale, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (!Enum.IsDefined(error))
        {
            throw new ArgumentOutOfRangeException(nameof(error), error, "Unknown error encoding.");
        }

        if (scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "A feedback scale must be positive and finite.");
        }

        Ternarizer.ThrowIfBadThreshold(threshold);
        Shape = shape;
        _error = error;
        _threshold = threshold;
        _threads = threads;
        _floatTask = FloatTask;
        _ternaryTask = TernaryTask;
        int e = shape.ErrorSize;
        int layers = shape.LayerSizes.Count;
        _scales = new float[layers];
        _bits = new ulong[layers][];
        _wordsPerLine = new int[layers];
        for (int l = 0; l < layers; l++)
        {
            int n = shape.LayerSizes[l];
            _scales[l] = (float)(scale ?? (1.0 / Math.Sqrt(n)));
            _wordsPerLine[l] = error == ErrorEncoding.Float ? (n + 63) / 64 : (e + 63) / 64;
            _bits[l] = Pack(e, n, error, _wordsPerLine[l], Rng.Derive(seed, $"binary/{l}"));
        }
    }

    public string Backend => "binary";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage
    {
        get
        {
            long weights = Shape.ErrorSize * Shape.TotalLayerSize;
            long allocated = _bits.Sum(b => 64L * b.Length);
            return new FeedbackStorage(LayoutName(_error), weights, 0, allocated - weights, 0);
        }
    }

    /// <summary>The error encoding this projector was built for.</summary>
    public ErrorEncoding Error => _error;

    /// <summary>Test hook: run the float path's scalar fallback even where SIMD is available.</summary>
    internal bool ForceScalar { get; set; }

    internal static string LayoutName(ErrorEncoding error) => error == ErrorEncoding.Float
        ? "1-bit signs, row-packed (float error)"
        : "1-bit signs, column-packed (ternary error, popcount)";

    /// <summary>The scale <c>s_l</c> of layer <paramref name="layer"/>'s ±s entries.</summary>
    public float Scale(int layer) => _scales[layer];

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        if (_error == ErrorEncoding.Float)
        {
            ProjectFloat(error, signals);
        }
        else
        {
            ProjectTernary(error, signals);
        }
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        if (_error == ErrorEncoding.Float)
        {
            error.CopyTo(encoded);
        }
        else
        {
            Ternarizer.Encode(error, _threshold, encoded);
        }
    }

    /// <summary>The ±s_l matrix of layer <paramref name="layer"/>, decoded from the packed bits.</summary>
    public Matrix FeedbackMatrix(int layer)
    {
        int e = Shape.ErrorSize;
        int n = Shape.LayerSizes[layer];
        ulong[] bits = _bits[layer];
        int words = _wordsPerLine[layer];
        float s = _scales[layer];
        var m = new Matrix(e, n);
        for (int i = 0; i < e; i++)
        {
            for (int j = 0; j < n; j++)
            {
                bool positive = _error == ErrorEncoding.Float
                    ? ((bits[((long)i * words) + (j >> 6)] >> (j & 63)) & 1) != 0
                    : ((bits[((long)j * words) + (i >> 6)] >> (i & 63)) & 1) == 0;
                m[i, j] = positive ? s : -s;
            }
        }

        return m;
    }

    private void ProjectFloat(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows;
        long e = Shape.ErrorSize;
        if (SignBitKernel.IsSimdSupported && !ForceScalar)
        {
            int rows = SignBitKernel.InterleavedRows(batch);
            if (_interleaved.Length < rows * e)
            {
                _interleaved = new float[rows * e];
            }

            fixed (float* src = error.Data)
            fixed (float* dst = _interleaved)
            {
                SignBitKernel.Interleave(src, batch, (int)e, dst);
            }
        }

        for (int l = 0; l < _bits.Length; l++)
        {
            int n = Shape.LayerSizes[l];
            RunChunks(_floatTask, error, signals[l], l, (n + FloatChunkColumns - 1) / FloatChunkColumns, batch * e * n);
            Counts.Add(HardwareAction.Fp32Add, batch * e * n);
            Counts.Add(HardwareAction.Fp32Multiply, (long)batch * n);
            Counts.Add(HardwareAction.FeedbackBitsRead, 64L * _bits[l].Length);
            Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);
            Counts.Add(HardwareAction.SignalBytesWritten, 4L * batch * n);
        }
    }

    private void ProjectTernary(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        int words = (e + 63) / 64;
        EnsureScratch(batch, words);
        Array.Clear(_positive, 0, batch * words);
        Array.Clear(_negative, 0, batch * words);
        for (int b = 0; b < batch; b++)
        {
            _alpha[b] = Ternarizer.Ternarize(error.Row(b), _threshold, _signs);
            int balance = 0;
            for (int i = 0; i < e; i++)
            {
                int t = _signs[i];
                balance += t;
                if (t > 0)
                {
                    _positive[(b * words) + (i >> 6)] |= 1UL << (i & 63);
                }
                else if (t < 0)
                {
                    _negative[(b * words) + (i >> 6)] |= 1UL << (i & 63);
                }
            }

            _balance[b] = balance;
        }

        Counts.Add(HardwareAction.Fp32Compare, 2L * batch * e);
        Counts.Add(HardwareAction.Fp32Add, (long)batch * e);
        Counts.Add(HardwareAction.Int32Add, 2L * batch * e);
        Counts.Add(HardwareAction.Fp32Multiply, 2L * batch);
        Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);
        for (int l = 0; l < _bits.Length; l++)
        {
            int n = Shape.LayerSizes[l];
            float s = _scales[l];
            for (int b = 0; b < batch; b++)
            {
                _scaledAlpha[b] = s * _alpha[b];
            }

            RunChunks(_ternaryTask, error, signals[l], l, (n + TernaryChunkColumns - 1) / TernaryChunkColumns, 2L * batch * n * words);
            Counts.Add(HardwareAction.Popcount64, 2L * batch * n * words);
            Counts.Add(HardwareAction.Int32Add, (long)batch * n * ((2L * words) + 2));
            Counts.Add(HardwareAction.Fp32Multiply, ((long)batch * n) + batch);
            Counts.Add(HardwareAction.FeedbackBitsRead, 64L * _bits[l].Length);
            Counts.Add(HardwareAction.ErrorBytesRead, 16L * batch * words);
            Counts.Add(HardwareAction.SignalBytesWritten, 4L * batch * n);
        }
    }

    /// <summary>
    /// Runs <paramref name="task"/> over a fixed column partition; which thread runs a chunk changes no bits. Layers
    /// with fewer than <see cref="ParallelThreshold"/> elementary operations run on the calling thread: waking a
    /// worker costs more than they do.
    /// </summary>
    private void RunChunks(Action<int> task, Matrix error, Matrix signal, int layer, int chunks, long operations)
    {
        _jobError = error;
        _jobSignal = signal;
        _jobLayer = layer;
        try
        {
            if (_threads == 1 || chunks == 1 || operations < ParallelThreshold)
            {
                for (int c = 0; c < chunks; c++)
                {
                    task(c);
                }
            }
            else
            {
                WorkerPool.Run(chunks, _threads, task);
            }
        }
        finally
        {
            _jobError = null;
            _jobSignal = null;
        }
    }

    private void FloatTask(int chunk)
    {
        Matrix error = _jobError!;
        Matrix signal = _jobSignal!;
        int l = _jobLayer;
        int n = signal.Cols;
        int start = chunk * FloatChunkColumns;
        int end = Math.Min(n, start + FloatChunkColumns);
        bool simd = SignBitKernel.IsSimdSupported && !ForceScalar;
        fixed (float* e = error.Data)
        fixed (float* x = _interleaved)
        fixed (float* s = signal.Data)
        fixed (ulong* bits = _bits[l])
        {
            SignBitKernel.Run(e, x, error.Rows, error.Cols, bits, _wordsPerLine[l], n, _scales[l], s, start, end, simd);
        }
    }

    private void TernaryTask(int chunk)
    {
        Matrix signal = _jobSignal!;
        int l = _jobLayer;
        int n = signal.Cols;
        int start = chunk * TernaryChunkColumns;
        int end = Math.Min(n, start + TernaryChunkColumns);
        fixed (ulong* p = _positive)
        fixed (ulong* m = _negative)
        fixed (int* balance = _balance)
        fixed (float* alpha = _scaledAlpha)
        fixed (ulong* beta = _bits[l])
        fixed (float* s = signal.Data)
        {
            PopcountKernel.Run(p, m, balance, alpha, signal.Rows, beta, _wordsPerLine[l], n, s, start, end);
        }
    }

    private void EnsureScratch(int batch, int words)
    {
        if (_signs.Length != Shape.ErrorSize)
        {
            _signs = new sbyte[Shape.ErrorSize];
        }

        if (_balance.Length < batch)
        {
            _positive = new ulong[batch * words];
            _negative = new ulong[batch * words];
            _balance = new int[batch];
            _alpha = new float[batch];
            _scaledAlpha = new float[batch];
        }
    }

    /// <summary>
    /// Draws the e × n sign stream and packs it: row-packed (bit 1 = +1) for the float path, column-packed
    /// (bit 1 = −1) for the ternary path.
    /// </summary>
    private static ulong[] Pack(int e, int n, ErrorEncoding error, int wordsPerLine, Rng rng)
    {
        bool rows = error == ErrorEncoding.Float;
        var bits = new ulong[checked((rows ? e : n) * (long)wordsPerLine)];
        ulong word = 0;
        long t = 0;
        for (int i = 0; i < e; i++)
        {
            for (int j = 0; j < n; j++, t++)
            {
                if ((t & 63) == 0)
                {
                    word = rng.NextUInt64();
                }

                ulong bit = (word >> (int)(t & 63)) & 1;
                if (rows)
                {
                    bits[((long)i * wordsPerLine) + (j >> 6)] |= bit << (j & 63);
                }
                else
                {
                    bits[((long)j * wordsPerLine) + (i >> 6)] |= (bit ^ 1) << (i & 63);
                }
            }
        }

        return bits;
    }
}
