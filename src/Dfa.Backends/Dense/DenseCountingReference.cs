using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Dense;

/// <summary>
/// The dense backend's counting reference: per layer, the batch's errors are read once, then every weight
/// <c>B_l[i, j]</c> is read once (32 bits) and used by a multiply-add for every sample, weight-stationary, into
/// accumulators written once per signal element. The matrices are <see cref="DenseProjector"/>'s for the same seed.
/// </summary>
internal sealed class DenseCountingReference : CountingReference
{
    private readonly Matrix[] _matrices;

    public DenseCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed)
        : base(shape)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dense = new DenseProjector(shape, options.Init, options.Scale, seed, 1);
        _matrices = [.. Enumerable.Range(0, shape.LayerSizes.Count).Select(dense.Matrix)];
    }

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize;
        for (int l = 0; l < _matrices.Length; l++)
        {
            float[] x = ReadErrors(error);
            Matrix b = _matrices[l];
            int n = b.Cols;
            var acc = new float[batch * n];
            for (int i = 0; i < e; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float w = b[i, j];
                    Counts.Add(HardwareAction.FeedbackBitsRead, 32);
                    for (int r = 0; r < batch; r++)
                    {
                        acc[(r * n) + j] = MathF.FusedMultiplyAdd(x[(r * e) + i], w, acc[(r * n) + j]);
                        Counts.Increment(HardwareAction.Fp32MultiplyAdd);
                    }
                }
            }

            WriteSignal(acc, signals[l]);
        }
    }
}
