using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Unified;

/// <summary>
/// The unified feedback matrix of Launay, Poli and Krzakala (2019): one e × l_max matrix
/// <c>B = U / sqrt(l_max·e)</c>, <c>U ~ N(0, 1)</c> drawn row-major from <c>Rng.Derive(seed, "unified")</c>, and hidden
/// layer l uses <c>B_l = sqrt(l_max / l_l) · B[:, :l_l]</c>, so each of its entries is N(0, 1/(e·l_l)). One GEMM
/// <c>P = E·B</c> per step serves every layer: <c>S_l = sqrt(l_max / l_l) · P[:, :l_l]</c>. Storage is e·l_max floats
/// instead of e·Σ l_l.
/// Counted work per call: <c>batch·e·l_max</c> fp32 multiply-adds for the projection, <c>batch·l_l</c> fp32
/// multiplies per layer for its rescale (none where <c>l_l = l_max</c>), <c>32·e·l_max</c> feedback bits read,
/// <c>4·batch·e</c> error bytes read and <c>4·batch·l_l</c> signal bytes written per layer.
/// The feedback init and scale options do not apply: the distribution is the method.
/// </summary>
public sealed class UnifiedProjector : IFeedbackProjector
{
    private readonly Matrix _b;
    private readonly int _threads;
    private Matrix? _projection;

    public UnifiedProjector(FeedbackShape shape, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Shape = shape;
        _threads = threads;
        int e = shape.ErrorSize;
        int lMax = shape.MaxLayerSize;
        _b = new Matrix(e, lMax);
        var rng = Rng.Derive(seed, "unified");
        double scale = 1.0 / Math.Sqrt((double)lMax * e);
        Span<float> data = _b.Span;
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(scale * rng.NextGaussian());
        }
    }

    public string Backend => "unified";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => new(StorageFor(Shape).Layout, 32L * _b.Length, 0, 0, 0);

    /// <summary>The shared e × l_max matrix <c>B</c> (for analysis and tests; do not modify).</summary>
    public Matrix Matrix => _b;

    /// <summary>Storage of a unified projector for <paramref name="shape"/>: e·l_max float32 weights.</summary>
    internal static FeedbackStorage StorageFor(FeedbackShape shape) =>
        new($"float32, one shared {shape.ErrorSize}×{shape.MaxLayerSize} matrix", checked(32L * shape.ErrorSize * shape.MaxLayerSize), 0, 0, 0);

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        error.CopyTo(encoded);
    }

    /// <summary><c>sqrt(l_max / l_l) · B[:, :l_l]</c>.</summary>
    public Matrix FeedbackMatrix(int layer)
    {
        int n = Shape.LayerSizes[layer];
        float factor = LayerScale(layer);
        var m = new Matrix(Shape.ErrorSize, n);
        for (int i = 0; i < m.Rows; i++)
        {
            ReadOnlySpan<float> row = _b.Row(i)[..n];
            Span<float> dst = m.Row(i);
            for (int j = 0; j < n; j++)
            {
                dst[j] = n == _b.Cols ? row[j] : row[j] * factor;
            }
        }

        return m;
    }

    /// <summary>The factor <c>sqrt(l_max / l_l)</c> that layer <paramref name="layer"/>'s slice is scaled by.</summary>
    public float LayerScale(int layer) => (float)Math.Sqrt((double)Shape.MaxLayerSize / Shape.LayerSizes[layer]);

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        int lMax = Shape.MaxLayerSize;
        Matrix p = Matrix.Ensure(ref _projection, batch, lMax);
        Gemm.Multiply(error, Transpose.No, _b, Transpose.No, p, threads: _threads);
        Counts.Add(HardwareAction.Fp32MultiplyAdd, (long)batch * e * lMax);
        Counts.Add(HardwareAction.FeedbackBitsRead, 32L * e * lMax);
        Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);
        for (int l = 0; l < signals.Count; l++)
        {
            int n = Shape.LayerSizes[l];
            Matrix s = signals[l];
            if (n == lMax)
            {
                p.CopyTo(s);
            }
            else
            {
                float factor = LayerScale(l);
                for (int r = 0; r < batch; r++)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(p.Data.AsSpan(r * lMax, n), factor, s.Row(r));
                }

                Counts.Add(HardwareAction.Fp32Multiply, (long)batch * n);
            }

            Counts.Add(HardwareAction.SignalBytesWritten, 4L * batch * n);
        }
    }
}
