using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Plugins.Tests.Noisy;

/// <summary>
/// The noisy plug-in's counting reference, as a backend outside <c>src/</c> supplies one: per layer the errors read once,
/// every weight read once (32 bits) into a multiply-add per sample; with noise, per sample a multiply-add per signal
/// for the squares, the amplitude <c>σ·sqrt(Σ/n)</c> (three operations counted as multiplies) and per signal a
/// multiply and an add, with the projector's noise stream in the projector's order.
/// </summary>
internal sealed class NoisyCountingReference(NoisyProjector matrices, double sigma, ulong seed) : ICountingReference
{
    private readonly Rng _noise = Rng.Derive(seed, "noisy/noise");

    public FeedbackShape Shape => matrices.Shape;

    public ActionCounts Counts { get; } = new();

    public void Project(Matrix error, IReadOnlyList<Matrix> signals)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(signals);
        int batch = error.Rows, e = Shape.ErrorSize;
        for (int l = 0; l < signals.Count; l++)
        {
            var x = new double[batch * e];
            for (int k = 0; k < x.Length; k++)
            {
                x[k] = error.Data[k];
                Counts.Add(HardwareAction.ErrorBytesRead, 4);
            }

            Matrix b = matrices.FeedbackMatrix(l);
            int n = b.Cols;
            var acc = new double[batch * n];
            for (int i = 0; i < e; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double w = b[i, j];
                    Counts.Add(HardwareAction.FeedbackBitsRead, 32);
                    for (int r = 0; r < batch; r++)
                    {
                        acc[(r * n) + j] += x[(r * e) + i] * w;
                        Counts.Increment(HardwareAction.Fp32MultiplyAdd);
                    }
                }
            }

            Matrix s = signals[l];
            for (int r = 0; r < batch; r++)
            {
                double squares = 0;
                for (int j = 0; j < n; j++)
                {
                    s[r, j] = (float)acc[(r * n) + j];
                    if (sigma > 0)
                    {
                        squares += acc[(r * n) + j] * acc[(r * n) + j];
                        Counts.Increment(HardwareAction.Fp32MultiplyAdd);
                    }
                }

                if (sigma > 0)
                {
                    double meanSquare = squares / n;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    double rms = Math.Sqrt(meanSquare);
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    double amplitude = sigma * rms;
                    Counts.Increment(HardwareAction.Fp32Multiply);
                    for (int j = 0; j < n; j++)
                    {
                        double noise = amplitude * _noise.NextGaussian();
                        Counts.Increment(HardwareAction.Fp32Multiply);
                        s[r, j] = (float)(s[r, j] + noise);
                        Counts.Increment(HardwareAction.Fp32Add);
                    }
                }

                for (int j = 0; j < n; j++)
                {
                    Counts.Add(HardwareAction.SignalBytesWritten, 4);
                }
            }
        }
    }
}
