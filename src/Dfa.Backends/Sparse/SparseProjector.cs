using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Sparse;

/// <summary>
/// Sparse DFA feedback (Crafton, Parihar, Gebhardt and Raychowdhury 2019, SDFA; <c>k = 1</c> is their
/// single-connection SSDFA): hidden neuron <c>j</c> of layer <c>l</c> hears <c>k</c> distinct error components, so
/// <c>S_l[b, j] = Σ_c w_l[c, j] · E[b, idx_l[c, j]]</c> and <c>B_l</c> (e × n_l) has exactly <c>k</c> non-zeros per
/// column.
/// <para>
/// <b>Options.</b> <c>k = feedback.sparse.connections</c> (default 1), <c>r = feedback.sparse.rank ?? e</c>, with
/// <c>1 ≤ k ≤ r ≤ e</c>. Values: <c>gaussian</c> <c>w = s·z</c>, <c>z ~ N(0, 1)</c>; <c>uniform</c> <c>w = s·u</c>,
/// <c>u ~ U(−1, 1)</c>; default <c>s = sqrt(e / (k·n_l))</c>, so <c>Var(S_l[b, j]) = k·s²·Var(E) = (e/n_l)·Var(E)</c>,
/// the variance of the dense backend's default <c>N(0, 1/n_l)</c> feedback; <c>feedback.scale</c> overrides
/// <c>s</c>. <c>xavier_uniform</c> is rejected.
/// </para>
/// <para>
/// <b>Connections</b>, per layer from <c>rng = Rng.Derive(seed, "sparse/l")</c>, in this order: <c>comps</c>, a shuffled
/// permutation of <c>0..e−1</c> whose first <c>r</c> entries are the available components; <c>order</c>, a shuffled
/// permutation of the <c>n</c> neurons; neuron <c>j = order[p]</c> gets <c>comps[(p·k + c) mod r]</c> for
/// <c>c = 0..k−1</c> (distinct since <c>k ≤ r</c>); then the values, for <c>j = 0..n−1</c>, <c>c = 0..k−1</c>.
/// Positions <c>p = 0..n−1</c> take the consecutive slots <c>0..n·k−1</c> of the cycle <c>Z_r</c>, so each available
/// component is used <c>⌊nk/r⌋</c> or <c>⌈nk/r⌉</c> times and, with <c>r = e</c> and <c>k·n ≥ e</c>, every error
/// component is used.
/// </para>
/// <para>
/// <b>Rank.</b> Only <c>r</c> rows are non-zero, so <c>rank B_l ≤ min(r, n)</c>. The support has a matching of size
/// <c>min(r, n)</c>: if <c>n ≥ r</c>, the neurons at positions <c>0..r−1</c> take slots <c>0..rk−1</c>, which wind
/// round <c>Z_r</c> exactly <c>k</c> times, so their bipartite graph with the <c>r</c> components is <c>k</c>-regular and
/// has a perfect matching (Hall). If <c>n &lt; r</c>, let <c>g = gcd(k, r)</c>: neuron <c>p</c>'s block starts at
/// <c>pk mod r</c>, a multiple of <c>g</c>, and two positions share a start only when they differ by a multiple of
/// <c>r/g</c>, so at most <c>⌈n·g/r⌉ ≤ g</c> neurons share one; a set of neurons with <c>d</c> distinct starts has at
/// most <c>d·g</c> members and its blocks cover the <c>d</c> disjoint runs <c>[start, start + g)</c>, i.e. at least
/// <c>d·g</c> components: Hall's condition holds and the neurons can be matched. The minor on a matching's rows and
/// columns has a determinant that is a non-zero polynomial in the (continuously distributed) values, so
/// <c>rank B_l = min(r, n_l)</c> with probability 1: full rank <c>min(e, n_l)</c> by default, exactly <c>r</c> with the
/// low-rank option (Crafton's finding: rank matters more than sparsity).
/// </para>
/// <para>
/// <b>Kernel.</b> <c>acc = w[0, j]·E[b, idx[0, j]]</c>, then <c>acc = fma(w[c, j], E[b, idx[c, j]], acc)</c> for
/// <c>c = 1..k−1</c>. The AVX2 path gathers 8 neurons at a time (four samples share each index and weight load); the
/// scalar path performs the same operations in the same order (<see cref="MathF.FusedMultiplyAdd"/>); threads split
/// fixed (4-sample, 1024-neuron) tiles and calls under 32768 gathers per layer stay on the calling thread. Every output
/// element is thus one fixed sequence of operations: SIMD, scalar and every thread count give identical bits.
/// </para>
/// <para>
/// <b>Counted work</b> per call, per layer: <c>batch·n</c> fp32 multiplies, <c>batch·n·(k−1)</c> fp32 multiply-adds,
/// <c>batch·n·k</c> index reads (one per gathered error component), <c>64·k·n</c> feedback bits read (each weight and
/// index once), <c>4·batch·e</c> error bytes read and <c>4·batch·n</c> signal bytes written.
/// </para>
/// <para>
/// <b>Storage</b> per layer: <c>k</c> planes, connection-major: <c>int[] index</c> and <c>float[] weight</c> of
/// <c>k·n</c> entries (entry <c>c·n + j</c>): <c>32·k·n</c> weight bits and <c>32·k·n</c> index bits, no padding.
/// </para>
/// </summary>
public sealed class SparseProjector : IFeedbackProjector
{
    /// <summary>Neurons per parallel tile: a multiple of the 8-lane vector width so tiles split no vector.</summary>
    private const int NeuronTile = 1024;

    /// <summary>Samples per parallel tile: the SIMD kernel handles four at a time.</summary>
    private const int RowTile = 4;

    /// <summary>Below this many gathers per layer the call stays on the calling thread.</summary>
    private const long ParallelThreshold = 32 * 1024;

    private readonly int[][] _index;
    private readonly float[][] _weight;
    private readonly int _threads;
    private readonly Action<int> _tile;

    // The call being split across threads; set before Parallel.For, read by _tile.
    private Matrix? _callError;
    private Matrix? _callSignal;
    private int _callLayer;
    private int _callChunks;
    private int _callRows;
    private bool _callSimd;

    /// <exception cref="DfaInputException">The options are invalid for <paramref name="shape"/>.</exception>
    public SparseProjector(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        SparseLayout o = SparseLayout.Resolve(shape, options);
        Shape = shape;
        Connections = o.Connections;
        Rank = o.Rank;
        _threads = threads;
        _tile = RunTile;
        int layers = shape.LayerSizes.Count;
        _index = new int[layers][];
        _weight = new float[layers][];
        for (int l = 0; l < layers; l++)
        {
            Build(shape.ErrorSize, shape.LayerSizes[l], o, Rng.Derive(seed, $"sparse/{l}"), out _index[l], out _weight[l]);
        }
    }

    public string Backend => "sparse";

    public FeedbackShape Shape { get; }

    /// <summary><c>k</c>: error components each hidden neuron is connected to.</summary>
    public int Connections { get; }

    /// <summary><c>r</c>: error components the connections are drawn from.</summary>
    public int Rank { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage =>
        SparseLayout.Storage(Connections, _index.Sum(a => (long)a.Length), _weight.Sum(a => (long)a.Length));

    /// <summary>Test hook: run the scalar kernel even where AVX2 and FMA are present.</summary>
    internal bool ForceScalar { get; set; }

    private bool UseSimd => !ForceScalar && Avx2.IsSupported && Fma.IsSupported;

    /// <summary>Layer <paramref name="layer"/>'s error indices, entry <c>c·n + j</c> for connection c of neuron j.</summary>
    public ReadOnlySpan<int> Indices(int layer) => _index[layer];

    /// <summary>Layer <paramref name="layer"/>'s weights, entry <c>c·n + j</c> for connection c of neuron j.</summary>
    public ReadOnlySpan<float> Weights(int layer) => _weight[layer];

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        int k = Connections;
        bool simd = UseSimd;
        for (int l = 0; l < _index.Length; l++)
        {
            int n = Shape.LayerSizes[l];
            Matrix signal = signals[l];
            long gathers = (long)batch * n * k;
            int chunks = (n + NeuronTile - 1) / NeuronTile;
            if (_threads == 1 || gathers < ParallelThreshold)
            {
                ProjectTile(l, error, signal, 0, batch, 0, n, simd);
            }
            else
            {
                _callError = error;
                _callSignal = signal;
                _callLayer = l;
                _callChunks = chunks;
                _callSimd = simd;
                _callRows = batch;
                WorkerPool.Run(((batch + RowTile - 1) / RowTile) * chunks, _threads, _tile);
                _callError = null;
                _callSignal = null;
            }

            long outputs = (long)batch * n;
            Counts.Add(HardwareAction.Fp32Multiply, outputs);
            Counts.Add(HardwareAction.Fp32MultiplyAdd, outputs * (k - 1));
            Counts.Add(HardwareAction.IndexReads, gathers);
            Counts.Add(HardwareAction.FeedbackBitsRead, 64L * k * n);
            Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);
            Counts.Add(HardwareAction.SignalBytesWritten, 4L * outputs);
        }
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        error.CopyTo(encoded);
    }

    /// <summary>The dense e × n_l matrix with <c>B_l[idx[c, j], j] = w[c, j]</c> and zeros elsewhere.</summary>
    public Matrix FeedbackMatrix(int layer)
    {
        int n = Shape.LayerSizes[layer];
        int[] index = _index[layer];
        float[] weight = _weight[layer];
        var m = new Matrix(Shape.ErrorSize, n);
        for (int i = 0; i < index.Length; i++)
        {
            m[index[i], i % n] = weight[i];
        }

        return m;
    }

    private static void Build(int e, int n, SparseLayout o, Rng rng, out int[] index, out float[] weight)
    {
        int k = o.Connections;
        int r = o.Rank;
        int length = checked(k * n);
        var comps = new int[e];
        for (int i = 0; i < e; i++)
        {
            comps[i] = i;
        }

        rng.Shuffle(comps.AsSpan());
        var order = new int[n];
        for (int j = 0; j < n; j++)
        {
            order[j] = j;
        }

        rng.Shuffle(order.AsSpan());
        index = new int[length];
        for (int p = 0; p < n; p++)
        {
            int j = order[p];
            long slot = (long)p * k;
            for (int c = 0; c < k; c++)
            {
                index[(c * n) + j] = comps[(int)((slot + c) % r)];
            }
        }

        double s = o.ScaleFor(e, n);
        weight = new float[length];
        for (int j = 0; j < n; j++)
        {
            for (int c = 0; c < k; c++)
            {
                double v = o.Init == FeedbackInit.Gaussian ? rng.NextGaussian() : (2.0 * rng.NextDouble()) - 1.0;
                weight[(c * n) + j] = (float)(s * v);
            }
        }
    }

    private void RunTile(int tile)
    {
        int r0 = tile / _callChunks * RowTile;
        int j0 = tile % _callChunks * NeuronTile;
        int n = Shape.LayerSizes[_callLayer];
        ProjectTile(_callLayer, _callError!, _callSignal!, r0, Math.Min(_callRows, r0 + RowTile), j0, Math.Min(n, j0 + NeuronTile), _callSimd);
    }

    private unsafe void ProjectTile(int layer, Matrix error, Matrix signal, int r0, int r1, int j0, int j1, bool simd)
    {
        int e = error.Cols;
        int n = signal.Cols;
        int k = Connections;
        fixed (int* idx = _index[layer])
        fixed (float* w = _weight[layer])
        fixed (float* err = error.Data)
        fixed (float* sig = signal.Data)
        {
            int r = r0;
            if (simd)
            {
                for (; r <= r1 - 4; r += 4)
                {
                    RowsAvx2(err + ((long)r * e), e, sig + ((long)r * n), idx, w, n, k, j0, j1);
                }
            }

            for (; r < r1; r++)
            {
                float* errRow = err + ((long)r * e);
                float* sigRow = sig + ((long)r * n);
                if (simd)
                {
                    RowAvx2(errRow, sigRow, idx, w, n, k, j0, j1);
                }
                else
                {
                    RowScalar(errRow, sigRow, idx, w, n, k, j0, j1);
                }
            }
        }
    }

    /// <summary>
    /// Four consecutive samples at once, so each index and weight vector loaded serves four gathers; every output
    /// element still sees exactly the operations of <see cref="RowScalar"/> in the same order.
    /// </summary>
    private static unsafe void RowsAvx2(float* err, int e, float* sig, int* idx, float* w, int n, int k, int j0, int j1)
    {
        float* e1 = err + e;
        float* e2 = e1 + e;
        float* e3 = e2 + e;
        int j = j0;
        for (; j <= j1 - Vector256<float>.Count; j += Vector256<float>.Count)
        {
            Vector256<int> iv = Avx.LoadVector256(idx + j);
            Vector256<float> wv = Avx.LoadVector256(w + j);
            Vector256<float> a0 = Avx.Multiply(wv, Avx2.GatherVector256(err, iv, 4));
            Vector256<float> a1 = Avx.Multiply(wv, Avx2.GatherVector256(e1, iv, 4));
            Vector256<float> a2 = Avx.Multiply(wv, Avx2.GatherVector256(e2, iv, 4));
            Vector256<float> a3 = Avx.Multiply(wv, Avx2.GatherVector256(e3, iv, 4));
            for (int c = 1; c < k; c++)
            {
                long o = ((long)c * n) + j;
                iv = Avx.LoadVector256(idx + o);
                wv = Avx.LoadVector256(w + o);
                a0 = Fma.MultiplyAdd(wv, Avx2.GatherVector256(err, iv, 4), a0);
                a1 = Fma.MultiplyAdd(wv, Avx2.GatherVector256(e1, iv, 4), a1);
                a2 = Fma.MultiplyAdd(wv, Avx2.GatherVector256(e2, iv, 4), a2);
                a3 = Fma.MultiplyAdd(wv, Avx2.GatherVector256(e3, iv, 4), a3);
            }

            Avx.Store(sig + j, a0);
            Avx.Store(sig + n + j, a1);
            Avx.Store(sig + (2L * n) + j, a2);
            Avx.Store(sig + (3L * n) + j, a3);
        }

        for (int r = 0; r < 4; r++)
        {
            RowScalar(err + ((long)r * e), sig + ((long)r * n), idx, w, n, k, j, j1);
        }
    }

    /// <summary>Neurons <c>[j0, j1)</c> of one sample, 8 per gather; the tail goes to <see cref="RowScalar"/>.</summary>
    private static unsafe void RowAvx2(float* err, float* sig, int* idx, float* w, int n, int k, int j0, int j1)
    {
        int j = j0;
        for (; j <= j1 - Vector256<float>.Count; j += Vector256<float>.Count)
        {
            Vector256<float> acc = Avx.Multiply(Avx.LoadVector256(w + j), Avx2.GatherVector256(err, Avx.LoadVector256(idx + j), 4));
            for (int c = 1; c < k; c++)
            {
                long o = ((long)c * n) + j;
                acc = Fma.MultiplyAdd(Avx.LoadVector256(w + o), Avx2.GatherVector256(err, Avx.LoadVector256(idx + o), 4), acc);
            }

            Avx.Store(sig + j, acc);
        }

        RowScalar(err, sig, idx, w, n, k, j, j1);
    }

    private static unsafe void RowScalar(float* err, float* sig, int* idx, float* w, int n, int k, int j0, int j1)
    {
        for (int j = j0; j < j1; j++)
        {
            float acc = w[j] * err[idx[j]];
            for (int c = 1; c < k; c++)
            {
                long o = ((long)c * n) + j;
                acc = MathF.FusedMultiplyAdd(w[o], err[idx[o]], acc);
            }

            sig[j] = acc;
        }
    }
}
