using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Plugins.Tests.Noisy;

/// <summary>
/// <c>S_l = E·B_l + σ·rms(row)·ξ</c>, <c>ξ ~ N(0, 1)</c> from the stream <c>Rng.Derive(seed, "noisy/noise")</c>,
/// which moves on with every call (and travels in checkpoints). Plain loops in a fixed order: the same bits for
/// every thread count.
/// </summary>
public sealed class NoisyProjector : IFeedbackProjector, IResumable
{
    private readonly Matrix[] _matrices;
    private readonly double _sigma;
    private readonly Rng _noise;

    public NoisyProjector(FeedbackShape shape, double sigma, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        Shape = shape;
        _sigma = sigma;
        _noise = Rng.Derive(seed, "noisy/noise");
        _matrices = new Matrix[shape.LayerSizes.Count];
        for (int l = 0; l < _matrices.Length; l++)
        {
            int n = shape.LayerSizes[l];
            var b = new Matrix(shape.ErrorSize, n);
            Rng rng = Rng.Derive(seed, $"noisy/{l}");
            double scale = 1 / Math.Sqrt(n);
            Span<float> data = b.Span;
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (float)(rng.NextGaussian() * scale);
            }

            _matrices[l] = b;
        }
    }

    public string Backend => "noisy";

    public FeedbackShape Shape { get; }

    public ActionCounts Counts { get; } = new();

    public FeedbackStorage Storage => StorageFor(Shape);

    public static FeedbackStorage StorageFor(FeedbackShape shape) =>
        new("float32 with read noise, one e×n_l matrix per layer", checked(32L * shape.ErrorSize * shape.TotalLayerSize), 0, 0, 0);

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(signals);
        if (error.Cols != Shape.ErrorSize)
        {
            throw new ArgumentException($"The error must have {Shape.ErrorSize} columns, got {error.Cols}.", nameof(error));
        }

        if (signals.Count != Shape.LayerSizes.Count)
        {
            throw new ArgumentException($"Expected {Shape.LayerSizes.Count} signal matrices, got {signals.Count}.", nameof(signals));
        }

        for (int l = 0; l < signals.Count; l++)
        {
            if (signals[l] is not { } s || s.Rows != error.Rows || s.Cols != Shape.LayerSizes[l])
            {
                throw new ArgumentException($"Signal {l} must be {error.Rows}×{Shape.LayerSizes[l]}.", nameof(signals));
            }
        }

        long b = error.Rows, e = Shape.ErrorSize, n = Shape.TotalLayerSize;
        for (int l = 0; l < signals.Count; l++)
        {
            Matrix s = signals[l], m = _matrices[l];
            for (int r = 0; r < error.Rows; r++)
            {
                double squares = 0;
                for (int j = 0; j < s.Cols; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < e; i++)
                    {
                        sum += (double)error[r, i] * m[i, j];
                    }

                    s[r, j] = (float)sum;
                    squares += sum * sum;
                }

                if (_sigma > 0)
                {
                    double amplitude = _sigma * Math.Sqrt(squares / s.Cols);
                    for (int j = 0; j < s.Cols; j++)
                    {
                        s[r, j] = (float)(s[r, j] + (amplitude * _noise.NextGaussian()));
                    }
                }
            }
        }

        Counts.Add(HardwareAction.Fp32MultiplyAdd, (b * e * n) + (_sigma > 0 ? b * n : 0));
        if (_sigma > 0)
        {
            Counts.Add(HardwareAction.Fp32Multiply, (b * n) + (3 * b * signals.Count));
            Counts.Add(HardwareAction.Fp32Add, b * n);
        }

        Counts.Add(HardwareAction.FeedbackBitsRead, 32 * e * n);
        Counts.Add(HardwareAction.ErrorBytesRead, 4 * b * e * signals.Count);
        Counts.Add(HardwareAction.SignalBytesWritten, 4 * b * n);
    }

    public void EncodeError(Matrix error, Matrix encoded)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(encoded);
        error.Span.CopyTo(encoded.Span);
    }

    public Matrix FeedbackMatrix(int layer) => _matrices[layer].Clone();

    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetRng(prefix + "noise", _noise);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RestoreRng(prefix + "noise", _noise);
    }
}
