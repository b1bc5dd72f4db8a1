using System.Numerics;
using System.Runtime.InteropServices;
using Dfa.Core.Layers;
using Dfa.Core.State;

namespace Dfa.Core.Optim;

/// <summary>
/// Adam with PyTorch's <c>torch.optim.Adam</c> semantics (bias-corrected; weight decay is L2 added to the gradient, not
/// AdamW's decoupled decay). Per element, each step: <c>t ← t + 1</c>; <c>g ← ∇ + wd·w</c>;
/// <c>m ← β₁·m + (1 − β₁)·g</c>; <c>v ← β₂·v + (1 − β₂)·g²</c>;
/// <c>w ← w − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + eps)</c>, which is
/// <c>w ← w − lr·m̂ / (√v̂ + eps)</c> with <c>m̂ = m / (1 − β₁ᵗ)</c>, <c>v̂ = v / (1 − β₂ᵗ)</c>, grouped the way PyTorch
/// groups it. The bias-correction scalars are computed in double once per step; the element update is float32 SIMD
/// and allocates nothing. The gradient is read, never written.
/// </summary>
public sealed class Adam : IStatefulOptimizer, IResumable
{
    /// <summary>The <see cref="OptimizerState"/> buffer name of the first moments <c>m</c>.</summary>
    public const string ExpAvgName = "exp_avg";

    /// <summary>The <see cref="OptimizerState"/> buffer name of the second moments <c>v</c>.</summary>
    public const string ExpAvgSqName = "exp_avg_sq";

    private readonly Parameter[] _parameters;
    private readonly float[][] _expAvg;
    private readonly float[][] _expAvgSq;
    private readonly ParameterChunks _chunks;
    private readonly Action<int, int, int> _updateChunk;
    private Coefficients _coefficients;
    private double _learningRate;

    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">A parameter is null or listed twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="eps"/> or <paramref name="weightDecay"/> is negative or not
    /// finite, or <paramref name="beta1"/> or <paramref name="beta2"/> is outside <c>[0, 1)</c>.
    /// </exception>
    public Adam(
        IReadOnlyList<Parameter> parameters,
        double learningRate,
        double beta1 = 0.9,
        double beta2 = 0.999,
        double eps = 1e-8,
        double weightDecay = 0,
        int threads = 1)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(learningRate);
        OptimizerGuard.ThrowIfNotInUnitInterval(beta1);
        OptimizerGuard.ThrowIfNotInUnitInterval(beta2);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(eps);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay);
        _parameters = OptimizerGuard.CopyParameters(parameters);
        _expAvg = OptimizerGuard.ZeroBuffers(_parameters);
        _expAvgSq = OptimizerGuard.ZeroBuffers(_parameters);
        _chunks = new ParameterChunks(_parameters, threads);
        _updateChunk = UpdateChunk;
        _learningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative or not finite.</exception>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerGuard.ThrowIfNegativeOrNotFinite(value);
            _learningRate = value;
        }
    }

    public double Beta1 { get; }

    public double Beta2 { get; }

    public double Eps { get; }

    public double WeightDecay { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <summary>The live first-moment buffers <c>m</c>, one per parameter.</summary>
    public IReadOnlyList<float[]> ExpAvg => _expAvg;

    /// <summary>The live second-moment buffers <c>v</c>, one per parameter.</summary>
    public IReadOnlyList<float[]> ExpAvgSq => _expAvgSq;

    /// <inheritdoc/>
    public void Step(StepKind kind) => Step();

    /// <summary>Applies one update to every parameter (the step's kind does not matter to this optimizer).</summary>
    public void Step()
    {
        long t = StepCount + 1;
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, t);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, t);
        var c = new Coefficients(
            Beta1: (float)Beta1,
            OneMinusBeta1: (float)(1.0 - Beta1),
            Beta2: (float)Beta2,
            OneMinusBeta2: (float)(1.0 - Beta2),
            WeightDecay: (float)WeightDecay,
            StepSize: (float)(_learningRate / biasCorrection1),
            BiasCorrection2Sqrt: (float)Math.Sqrt(biasCorrection2),
            Eps: (float)Eps);
        _coefficients = c;
        _chunks.Run(_updateChunk);

        StepCount = t;
    }

    /// <inheritdoc/>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetOptimizer(prefix, this);
    }

    /// <inheritdoc/>
    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RestoreOptimizer(prefix, this);
    }

    /// <inheritdoc/>
    public OptimizerState ExportState() =>
        new(StepCount, new Dictionary<string, IReadOnlyList<float[]>> { [ExpAvgName] = _expAvg, [ExpAvgSqName] = _expAvgSq });

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.ThrowIfNamesDiffer(ExpAvgName, ExpAvgSqName);

        // Check both before copying either, so a bad snapshot leaves the optimizer untouched.
        state.ThrowIfShapesDiffer(ExpAvgName, _expAvg);
        state.ThrowIfShapesDiffer(ExpAvgSqName, _expAvgSq);
        state.CopyBuffersTo(ExpAvgName, _expAvg);
        state.CopyBuffersTo(ExpAvgSqName, _expAvgSq);
        StepCount = state.StepCount;
    }

    private void UpdateChunk(int i, int start, int length)
    {
        Parameter p = _parameters[i];
        Update(
            p.Value.Data.AsSpan(start, length), p.Gradient.Data.AsSpan(start, length),
            _expAvg[i].AsSpan(start, length), _expAvgSq[i].AsSpan(start, length), _coefficients);
    }

    private readonly record struct Coefficients(
        float Beta1,
        float OneMinusBeta1,
        float Beta2,
        float OneMinusBeta2,
        float WeightDecay,
        float StepSize,
        float BiasCorrection2Sqrt,
        float Eps);

    // The scalar tail repeats the vector body operation for operation (the JIT does not contract a·b + c into FMA), so
    // an element's result does not depend on whether it falls in the tail. The loop is memory-bound (four streams in,
    // three out): a variant without the square root and divisions measured no faster, so the divisions stay grouped as
    // PyTorch groups them.
    private static void Update(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, Coefficients c)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int n = w.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var beta1 = new Vector<float>(c.Beta1);
            var oneMinusBeta1 = new Vector<float>(c.OneMinusBeta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta2 = new Vector<float>(c.OneMinusBeta2);
            var wd = new Vector<float>(c.WeightDecay);
            var stepSize = new Vector<float>(c.StepSize);
            var bc2Sqrt = new Vector<float>(c.BiasCorrection2Sqrt);
            var eps = new Vector<float>(c.Eps);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> wi = Vector.LoadUnsafe(ref wr, (nuint)i);
                Vector<float> g = Vector.LoadUnsafe(ref gr, (nuint)i) + (wd * wi);
                Vector<float> mi = (beta1 * Vector.LoadUnsafe(ref mr, (nuint)i)) + (oneMinusBeta1 * g);
                Vector<float> vi = (beta2 * Vector.LoadUnsafe(ref vr, (nuint)i)) + (oneMinusBeta2 * (g * g));
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                Vector<float> denom = (Vector.SquareRoot(vi) / bc2Sqrt) + eps;
                (wi - (stepSize * (mi / denom))).StoreUnsafe(ref wr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = grad[i] + (c.WeightDecay * w[i]);
            float mi = (c.Beta1 * m[i]) + (c.OneMinusBeta1 * g);
            float vi = (c.Beta2 * v[i]) + (c.OneMinusBeta2 * (g * g));
            m[i] = mi;
            v[i] = vi;
            float denom = (MathF.Sqrt(vi) / c.BiasCorrection2Sqrt) + c.Eps;
            w[i] -= c.StepSize * (mi / denom);
        }
    }
}
