using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
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
public sealed class Adam : IStatefulOptimizer, IResumable, ICheckedStep
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
    private readonly Action<int> _checkedChunk;
    private readonly byte[] _chunkFaults;
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
        _checkedChunk = CheckedChunk;
        _chunkFaults = new byte[_chunks.Count];
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
        _coefficients = NextCoefficients();
        _chunks.Run(_updateChunk);
        StepCount++;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Each chunk's gradient is checked just before the chunk is updated, while it is in cache, and the updated
    /// weights are checked as they are stored: one pass over memory instead of three. A chunk with a non-finite
    /// gradient is left as it was; chunks that another thread already updated stay updated.
    /// </remarks>
    StepFaults ICheckedStep.StepChecked()
    {
        _coefficients = NextCoefficients();
        _chunks.RunIndexed(_checkedChunk);
        int gradientFault = -1, valueFault = -1;
        for (int i = 0; i < _chunkFaults.Length; i++)
        {
            int p = _chunks[i].Parameter;
            if (_chunkFaults[i] == FaultGradient && (gradientFault < 0 || p < gradientFault))
            {
                gradientFault = p;
            }
            else if (_chunkFaults[i] == FaultValue && (valueFault < 0 || p < valueFault))
            {
                valueFault = p;
            }
        }

        if (gradientFault < 0)
        {
            StepCount++;
        }

        return new StepFaults(gradientFault, gradientFault < 0 ? valueFault : -1);
    }

    private Coefficients NextCoefficients()
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
        return c;
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

    private const byte FaultNone = 0;
    private const byte FaultGradient = 1;
    private const byte FaultValue = 2;

    private void UpdateChunk(int i, int start, int length)
    {
        Parameter p = _parameters[i];
        Update(
            p.Value.Data.AsSpan(start, length), p.Gradient.Data.AsSpan(start, length),
            _expAvg[i].AsSpan(start, length), _expAvgSq[i].AsSpan(start, length), _coefficients);
    }

    private void CheckedChunk(int chunk)
    {
        (int i, int start, int length) = _chunks[chunk];
        Parameter p = _parameters[i];
        ReadOnlySpan<float> grad = p.Gradient.Data.AsSpan(start, length);
        if (!FiniteCheck.AllFinite(grad))
        {
            _chunkFaults[chunk] = FaultGradient;
            return;
        }

        bool finite = Update(
            p.Value.Data.AsSpan(start, length), grad,
            _expAvg[i].AsSpan(start, length), _expAvgSq[i].AsSpan(start, length), _coefficients);
        _chunkFaults[chunk] = finite ? FaultNone : FaultValue;
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
    // an element's result does not depend on whether it falls in the tail or on the vector width. The divisions stay
    // grouped as PyTorch groups them. Returns whether every updated weight is finite: w·0 is 0 for a finite w and NaN
    // otherwise, so one add per vector watches the stores at no extra memory traffic.
    private static bool Update(Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, Coefficients c)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        ref float mr = ref MemoryMarshal.GetReference(m);
        ref float vr = ref MemoryMarshal.GetReference(v);
        int n = w.Length;
        int i = 0;
        float watch = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            var beta1 = Vector512.Create(c.Beta1);
            var oneMinusBeta1 = Vector512.Create(c.OneMinusBeta1);
            var beta2 = Vector512.Create(c.Beta2);
            var oneMinusBeta2 = Vector512.Create(c.OneMinusBeta2);
            var wd = Vector512.Create(c.WeightDecay);
            var stepSize = Vector512.Create(c.StepSize);
            var bc2Sqrt = Vector512.Create(c.BiasCorrection2Sqrt);
            var eps = Vector512.Create(c.Eps);
            Vector512<float> seen = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> wi = Vector512.LoadUnsafe(ref wr, (nuint)i);
                Vector512<float> g = Vector512.LoadUnsafe(ref gr, (nuint)i) + (wd * wi);
                Vector512<float> mi = (beta1 * Vector512.LoadUnsafe(ref mr, (nuint)i)) + (oneMinusBeta1 * g);
                Vector512<float> vi = (beta2 * Vector512.LoadUnsafe(ref vr, (nuint)i)) + (oneMinusBeta2 * (g * g));
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                Vector512<float> denom = (Vector512.Sqrt(vi) / bc2Sqrt) + eps;
                Vector512<float> updated = wi - (stepSize * (mi / denom));
                updated.StoreUnsafe(ref wr, (nuint)i);
                seen += updated * Vector512<float>.Zero;
            }

            watch = Vector512.Sum(seen);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var beta1 = Vector256.Create(c.Beta1);
            var oneMinusBeta1 = Vector256.Create(c.OneMinusBeta1);
            var beta2 = Vector256.Create(c.Beta2);
            var oneMinusBeta2 = Vector256.Create(c.OneMinusBeta2);
            var wd = Vector256.Create(c.WeightDecay);
            var stepSize = Vector256.Create(c.StepSize);
            var bc2Sqrt = Vector256.Create(c.BiasCorrection2Sqrt);
            var eps = Vector256.Create(c.Eps);
            Vector256<float> seen = Vector256<float>.Zero;
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> wi = Vector256.LoadUnsafe(ref wr, (nuint)i);
                Vector256<float> g = Vector256.LoadUnsafe(ref gr, (nuint)i) + (wd * wi);
                Vector256<float> mi = (beta1 * Vector256.LoadUnsafe(ref mr, (nuint)i)) + (oneMinusBeta1 * g);
                Vector256<float> vi = (beta2 * Vector256.LoadUnsafe(ref vr, (nuint)i)) + (oneMinusBeta2 * (g * g));
                mi.StoreUnsafe(ref mr, (nuint)i);
                vi.StoreUnsafe(ref vr, (nuint)i);
                Vector256<float> denom = (Vector256.Sqrt(vi) / bc2Sqrt) + eps;
                Vector256<float> updated = wi - (stepSize * (mi / denom));
                updated.StoreUnsafe(ref wr, (nuint)i);
                seen += updated * Vector256<float>.Zero;
            }

            watch = Vector256.Sum(seen);
        }

        for (; i < n; i++)
        {
            float g = grad[i] + (c.WeightDecay * w[i]);
            float mi = (c.Beta1 * m[i]) + (c.OneMinusBeta1 * g);
            float vi = (c.Beta2 * v[i]) + (c.OneMinusBeta2 * (g * g));
            m[i] = mi;
            v[i] = vi;
            float denom = (MathF.Sqrt(vi) / c.BiasCorrection2Sqrt) + c.Eps;
            float updated = w[i] - (c.StepSize * (mi / denom));
            w[i] = updated;
            watch += updated * 0f;
        }

        return watch == 0f;
    }
}
