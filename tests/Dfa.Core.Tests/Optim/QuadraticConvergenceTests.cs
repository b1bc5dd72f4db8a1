using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;

namespace Dfa.Core.Tests.Optim;

/// <summary>Behaviour: on <c>f(w) = ½(w − w*)ᵀA(w − w*)</c> with SPD <c>A</c>, the optimizers reach <c>w*</c>.</summary>
public sealed class QuadraticConvergenceTests
{
    private const int N = 9;

    public static IEnumerable<TestCaseData> Optimizers()
    {
        yield return new TestCaseData((Func<Parameter, IOptimizer>)(p => new Sgd([p], 0.02, momentum: 0.9)), 500).SetArgDisplayNames("SGD momentum");
        yield return new TestCaseData((Func<Parameter, IOptimizer>)(p => new Sgd([p], 0.02, momentum: 0.9, nesterov: true)), 500).SetArgDisplayNames("SGD nesterov");
        yield return new TestCaseData((Func<Parameter, IOptimizer>)(p => new Adam([p], 0.05)), 3000).SetArgDisplayNames("Adam");
    }

    [TestCaseSource(nameof(Optimizers))]
    public void Minimise_ConvexQuadratic_ConvergesToMinimiser(Func<Parameter, IOptimizer> create, int steps)
    {
        (double[,] a, double[] wStar) = Problem(new Rng(81));
        var p = new Parameter("w", new Matrix(1, N), isWeight: true);
        IOptimizer optimizer = create(p);
        double initial = Loss(a, wStar, p.Value.Data);

        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < N; i++)
            {
                double g = 0;
                for (int j = 0; j < N; j++)
                {
                    g += a[i, j] * (p.Value.Data[j] - wStar[j]);
                }

                p.Gradient.Data[i] = (float)g;
            }

            optimizer.Step();
        }

        double distance = Math.Sqrt(p.Value.Data.Select((w, i) => (w - wStar[i]) * (w - wStar[i])).Sum());
        Assert.That(distance, Is.LessThan(1e-3));
        Assert.That(Loss(a, wStar, p.Value.Data), Is.LessThan(initial * 1e-6));
    }

    // A = BᵀB/N + 0.5·I: symmetric, eigenvalues in roughly [0.5, 5].
    private static (double[,] A, double[] WStar) Problem(Rng rng)
    {
        var b = new double[N, N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                b[i, j] = rng.NextGaussian();
            }
        }

        var a = new double[N, N];
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                double s = i == j ? 0.5 : 0;
                for (int k = 0; k < N; k++)
                {
                    s += b[k, i] * b[k, j] / N;
                }

                a[i, j] = s;
            }
        }

        return (a, [.. Enumerable.Range(0, N).Select(_ => 2 * rng.NextGaussian())]);
    }

    private static double Loss(double[,] a, double[] wStar, float[] w)
    {
        double loss = 0;
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                loss += 0.5 * (w[i] - wStar[i]) * a[i, j] * (w[j] - wStar[j]);
            }
        }

        return loss;
    }
}
