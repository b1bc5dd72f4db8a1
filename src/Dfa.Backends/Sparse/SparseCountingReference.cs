using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Sparse;

/// <summary>
/// The sparse backend's counting reference: per layer, the batch's errors are read once; for each neuron j and
/// connection c, its index and weight are read once (64 bits), then for every sample the error component is gathered
/// (one index read) and multiplied in: <c>acc = w·x</c> for the first connection, <c>acc = fma(w, x, acc)</c> after it,
/// the operations and order of <see cref="SparseProjector"/>'s kernels. Connections are <see cref="SparseProjector"/>'s
/// for the same seed.
/// </summary>
internal sealed class SparseCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) : CountingReference(shape)
{
    private readonly SparseProjector _layout = new(shape, options, seed, 1);

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize, k = _layout.Connections;
        for (int l = 0; l < signals.Count; l++)
        {
            float[] x = ReadErrors(error);
            int n = Shape.LayerSizes[l];
            ReadOnlySpan<int> index = _layout.Indices(l);
            ReadOnlySpan<float> weight = _layout.Weights(l);
            var acc = new float[batch * n];
            for (int j = 0; j < n; j++)
            {
                for (int c = 0; c < k; c++)
                {
                    int i = index[(c * n) + j];
                    float w = weight[(c * n) + j];
                    Counts.Add(HardwareAction.FeedbackBitsRead, 64);
                    for (int r = 0; r < batch; r++)
                    {
                        float v = x[(r * e) + i];
                        Counts.Increment(HardwareAction.IndexReads);
                        if (c == 0)
                        {
                            acc[(r * n) + j] = w * v;
                            Counts.Increment(HardwareAction.Fp32Multiply);
                        }
                        else
                        {
                            acc[(r * n) + j] = MathF.FusedMultiplyAdd(w, v, acc[(r * n) + j]);
                            Counts.Increment(HardwareAction.Fp32MultiplyAdd);
                        }
                    }
                }
            }

            WriteSignal(acc, signals[l]);
        }
    }
}
