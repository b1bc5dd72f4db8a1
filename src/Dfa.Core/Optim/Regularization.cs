using System.Numerics;
using System.Runtime.InteropServices;
using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>
/// The survey's explicit L1/L2 penalties. They apply to parameters with <see cref="Parameter.IsWeight"/> only (weight
/// matrices, not biases or normalisation parameters) and are separate from an optimizer's <c>weight_decay</c>, which
/// touches every parameter. The reported training loss includes <see cref="Penalty"/>.
/// </summary>
public static class Regularization
{
    /// <summary>
    /// <c>l1·Σ|w| + l2·Σw²</c> over every element <c>w</c> of every weight parameter, accumulated in double.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="l1"/> or <paramref name="l2"/> is negative or not finite.</exception>
    public static double Penalty(IReadOnlyList<Parameter> parameters, double l1, double l2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(l1);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(l2);
        if (l1 == 0 && l2 == 0)
        {
            return 0;
        }

        double sumAbs = 0;
        double sumSquares = 0;
        foreach (Parameter p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (p.IsWeight)
            {
                (double a, double s) = SumAbsAndSquares(p.Value.Data);
                sumAbs += a;
                sumSquares += s;
            }
        }

        return (l1 * sumAbs) + (l2 * sumSquares);
    }

    /// <summary>
    /// Adds the penalty's gradient to every weight parameter's <see cref="Parameter.Gradient"/>:
    /// <c>∇ ← ∇ + l1·sign(w) + 2·l2·w</c>, with <c>sign(0) = 0</c> (as <c>torch.sign</c>). Float32; other parameters
    /// are left untouched.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="l1"/> or <paramref name="l2"/> is negative or not finite.</exception>
    public static void AddGradient(IReadOnlyList<Parameter> parameters, double l1, double l2)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(l1);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(l2);
        if (l1 == 0 && l2 == 0)
        {
            return;
        }

        foreach (Parameter p in parameters)
        {
            ArgumentNullException.ThrowIfNull(p, nameof(parameters));
            if (p.IsWeight)
            {
                AddGradient(p.Value.Data, p.Gradient.Data, (float)l1, (float)(2.0 * l2));
            }
        }
    }

    private static (double SumAbs, double SumSquares) SumAbsAndSquares(ReadOnlySpan<float> w)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        int n = w.Length;
        int i = 0;
        double sumAbs = 0;
        double sumSquares = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Widen to double before summing: a float accumulator loses digits over a million terms.
            Vector<double> abs = Vector<double>.Zero;
            Vector<double> squares = Vector<double>.Zero;
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref wr, (nuint)i), out Vector<double> lo, out Vector<double> hi);
                abs += Vector.Abs(lo) + Vector.Abs(hi);
                squares += (lo * lo) + (hi * hi);
            }

            sumAbs = Vector.Sum(abs);
            sumSquares = Vector.Sum(squares);
        }

        for (; i < n; i++)
        {
            double x = w[i];
            sumAbs += Math.Abs(x);
            sumSquares += x * x;
        }

        return (sumAbs, sumSquares);
    }

    private static void AddGradient(ReadOnlySpan<float> w, Span<float> grad, float l1, float twoL2)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        int n = w.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var vl1 = new Vector<float>(l1);
            var vl2 = new Vector<float>(twoL2);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> wi = Vector.LoadUnsafe(ref wr, (nuint)i);

                // sign(w) = [w > 0] − [w < 0]: comparison masks are all ones (−1 as an integer) where true.
                Vector<float> sign = Vector.ConvertToSingle(Vector.LessThan(wi, Vector<float>.Zero) - Vector.GreaterThan(wi, Vector<float>.Zero));
                Vector<float> gi = Vector.LoadUnsafe(ref gr, (nuint)i) + (vl1 * sign) + (vl2 * wi);
                gi.StoreUnsafe(ref gr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float x = w[i];
            float sign = x > 0 ? 1f : x < 0 ? -1f : 0f;
            grad[i] = grad[i] + (l1 * sign) + (twoL2 * x);
        }
    }
}
