using Dfa.Core.Feedback;
using Dfa.Core.Tensors;

namespace Dfa.Backends.Unified;

/// <summary>
/// The unified backend's counting reference: the batch's errors are read once, every weight of the shared
/// e × l_max matrix once (32 bits) into a multiply-add per sample, giving <c>P = E·B</c>; then each layer's signal is
/// <c>P[:, :n_l]</c> as it is (n_l = l_max) or times <c>sqrt(l_max/n_l)</c>, one multiply per element, written once.
/// </summary>
internal sealed class UnifiedCountingReference(FeedbackShape shape, ulong seed) : CountingReference(shape)
{
    private readonly UnifiedProjector _matrix = new(shape, seed, 1);

    protected override void Run(Matrix error, IReadOnlyList<Matrix> signals)
    {
        int batch = error.Rows, e = Shape.ErrorSize, lMax = Shape.MaxLayerSize;
        float[] x = ReadErrors(error);
        Matrix b = _matrix.Matrix;
        var p = new float[batch * lMax];
        for (int i = 0; i < e; i++)
        {
            for (int j = 0; j < lMax; j++)
            {
                float w = b[i, j];
                Counts.Add(HardwareAction.FeedbackBitsRead, 32);
                for (int r = 0; r < batch; r++)
                {
                    p[(r * lMax) + j] = MathF.FusedMultiplyAdd(x[(r * e) + i], w, p[(r * lMax) + j]);
                    Counts.Increment(HardwareAction.Fp32MultiplyAdd);
                }
            }
        }

        for (int l = 0; l < signals.Count; l++)
        {
            int n = Shape.LayerSizes[l];
            float factor = _matrix.LayerScale(l);
            var s = new float[batch * n];
            for (int r = 0; r < batch; r++)
            {
                for (int j = 0; j < n; j++)
                {
                    float v = p[(r * lMax) + j];
                    if (n != lMax)
                    {
                        v *= factor;
                        Counts.Increment(HardwareAction.Fp32Multiply);
                    }

                    s[(r * n) + j] = v;
                }
            }

            WriteSignal(s, signals[l]);
        }
    }
}
