using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Dense;

/// <summary>
/// Dense DFA feedback: an independent e × n_l float32 matrix <c>B_l</c> per hidden layer, <c>S_l = E · B_l</c> by GEMM.
/// Entries are drawn from the stream <c>Rng.Derive(seed, "dense/l")</c> in row-major order, so a seed names the
/// matrices on every machine:
/// <list type="bullet">
/// <item><c>gaussian</c>: <c>B_l[i,j] = s·z</c>, <c>z ~ N(0, 1)</c>, default <c>s = 1/sqrt(n_l)</c>;</item>
/// <item><c>uniform</c>: <c>B_l[i,j] = s·u</c>, <c>u ~ U(−1, 1)</c>, default <c>s = 1/sqrt(n_l)</c> (Nøkland's U[−1/√n, 1/√n]);</item>
/// <item><c>xavier_uniform</c>: <c>u ~ U(−a, a)</c>, <c>a = sqrt(6/(e + n_l))</c>, times <c>s</c> (default 1).</item>
/// </list>
/// Counted work per call, per layer: <c>batch·e·n_l</c> fp32 multiply-adds, <c>32·e·n_l</c> feedback bits read,
/// <c>4·batch·e</c> error bytes read and <c>4·batch·n_l</c> signal bytes written.
/// </summary>
public sealed class DenseProjector : IFeedbackProjector
{
    private readonly Matrix[] _matrices;
    private readonly int _threads;

    public DenseProjector(FeedbackShape shape, FeedbackInit init, double? scale, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "A feedback scale must be positive and finite.");
        }

        Shape = shape;
        _threads = threads;
        _matrices = new Matrix[shape.LayerSizes.Count];
        for (int l = 0; l < _matrices.Length; l++)
        {
            _matrices[l] = CreateMatrix(shape.ErrorSize, shape.LayerSizes[l], init, scale, Rng.Derive(seed, $"dense/{l}"));
        }
    }

    public string Backend => "dense";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => StorageFor(Shape, _matrices.Sum(m => (long)m.Length));

    /// <summary>The e × n_l matrix of hidden layer <paramref name="layer"/> (for analysis and tests; do not modify).</summary>
    public Matrix Matrix(int layer) => _matrices[layer];

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        FeedbackChecks.ThrowIfMismatched(Shape, error, signals);
        int batch = error.Rows;
        int e = Shape.ErrorSize;
        for (int l = 0; l < _matrices.Length; l++)
        {
            Gemm.Multiply(error, Transpose.No, _matrices[l], Transpose.No, signals[l], threads: _threads);
            long n = Shape.LayerSizes[l];
            Counts.Add(HardwareAction.Fp32MultiplyAdd, (long)batch * e * n);
            Counts.Add(HardwareAction.FeedbackBitsRead, 32L * e * n);
            Counts.Add(HardwareAction.ErrorBytesRead, 4L * batch * e);
            Counts.Add(HardwareAction.SignalBytesWritten, 4L * batch * n);
        }
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        error.CopyTo(encoded);
    }

    public Matrix FeedbackMatrix(int layer) => _matrices[layer].Clone();

    /// <summary>Storage of a dense projector for <paramref name="shape"/>: e·Σn_l float32 weights, no padding.</summary>
    internal static FeedbackStorage StorageFor(FeedbackShape shape) => StorageFor(shape, shape.ErrorSize * shape.TotalLayerSize);

    private static FeedbackStorage StorageFor(FeedbackShape shape, long weights) =>
        new($"float32, one {shape.ErrorSize}×n_l matrix per layer", checked(32 * weights), 0, 0, 0);

    private static Matrix CreateMatrix(int e, int n, FeedbackInit init, double? scale, Rng rng)
    {
        var m = new Matrix(e, n);
        Span<float> data = m.Span;
        switch (init)
        {
            case FeedbackInit.Gaussian:
                {
                    double s = scale ?? (1.0 / Math.Sqrt(n));
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(s * rng.NextGaussian());
                    }

                    break;
                }

            case FeedbackInit.Uniform:
                {
                    double s = scale ?? (1.0 / Math.Sqrt(n));
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(s * ((2.0 * rng.NextDouble()) - 1.0));
                    }

                    break;
                }

            case FeedbackInit.XavierUniform:
                {
                    double a = (scale ?? 1.0) * Math.Sqrt(6.0 / (e + n));
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = (float)(a * ((2.0 * rng.NextDouble()) - 1.0));
                    }

                    break;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown feedback initialisation.");
        }

        return m;
    }
}
