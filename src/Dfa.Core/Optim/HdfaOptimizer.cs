using System.Numerics;
using Dfa.Core.Layers;
using Dfa.Core.State;

namespace Dfa.Core.Optim;

/// <summary>
/// The optimizer of Hybrid DFA (Han et al. 2020; the survey's Algorithm 1): separate momenta for the steps whose
/// gradient came from BP and from DFA; a BP step moves by its own momentum, a DFA step by the mix
/// <c>u = γ·v_DFA + (1 − γ)·v_BP</c>, so the last true gradients keep steering the approximate ones.
/// </summary>
/// <remarks>
/// <para>
/// <b>SGD</b> (the paper's form, written with PyTorch's momentum convention rather than the survey's
/// <c>v ← v + αg; θ ← θ + ηv</c>, whose signs and decay are garbled): <c>g ← ∇ + wd·w</c>; the step's own buffer
/// <c>v ← g</c> on its first use, else <c>v ← μ·v + (1 − dampening)·g</c>; BP step <c>w ← w − lr·v_BP</c>; DFA step
/// <c>w ← w − lr·(γ·v_DFA + (1 − γ)·v_BP)</c>, with <c>v_BP = 0</c> until the first BP step.
/// </para>
/// <para>
/// <b>Adam</b> (our extension, since the other methods here train with Adam): each kind keeps its own moments and
/// step count, and the mix is of the bias-corrected Adam directions <c>d = m̂ / (√v̂ + eps)</c>: BP step
/// <c>w ← w − lr·d_BP</c>, DFA step <c>w ← w − lr·(γ·d_DFA + (1 − γ)·d_BP)</c>, <c>d_BP = 0</c> until the first BP
/// step. With <c>γ = 1</c> both forms are plain SGD-momentum or Adam over the DFA steps, interleaved with BP steps.
/// </para>
/// <para>Float32 arithmetic per element; parameters are split in fixed chunks, so any thread count gives the same bits.</para>
/// </remarks>
public sealed class HdfaOptimizer : IOptimizer, IResumable
{
    private readonly Parameter[] _parameters;
    private readonly ParameterChunks _chunks;
    private readonly Action<int, int, int> _updateChunk;
    private readonly float[][] _bpFirst;
    private readonly float[][] _dfaFirst;
    private readonly float[][] _bpSecond;
    private readonly float[][] _dfaSecond;
    private double _learningRate;
    private Coefficients _c;

    private HdfaOptimizer(IReadOnlyList<Parameter> parameters, double learningRate, double gamma, double weightDecay, bool adam, int threads)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(learningRate);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay);
        if (!(gamma is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must lie in [0, 1].");
        }

        _parameters = OptimizerGuard.CopyParameters(parameters);
        _chunks = new ParameterChunks(_parameters, threads);
        _updateChunk = UpdateChunk;
        _learningRate = learningRate;
        Gamma = gamma;
        WeightDecay = weightDecay;
        IsAdam = adam;
        _bpFirst = OptimizerGuard.ZeroBuffers(_parameters);
        _dfaFirst = OptimizerGuard.ZeroBuffers(_parameters);
        _bpSecond = adam ? OptimizerGuard.ZeroBuffers(_parameters) : [];
        _dfaSecond = adam ? OptimizerGuard.ZeroBuffers(_parameters) : [];
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _learningRate;
        set
        {
            OptimizerGuard.ThrowIfNegativeOrNotFinite(value);
            _learningRate = value;
        }
    }

    /// <summary>Weight of the DFA momentum in a DFA step.</summary>
    public double Gamma { get; }

    public double WeightDecay { get; }

    /// <summary>True for the Adam form, false for SGD with momentum.</summary>
    public bool IsAdam { get; }

    public double Momentum { get; private init; }

    public double Dampening { get; private init; }

    public double Beta1 { get; private init; }

    public double Beta2 { get; private init; }

    public double Eps { get; private init; }

    /// <summary>BP steps taken so far (the BP moments' <c>t</c>).</summary>
    public long BackpropSteps { get; private set; }

    /// <summary>DFA steps taken so far (the DFA moments' <c>t</c>).</summary>
    public long DfaSteps { get; private set; }

    /// <summary>The SGD form; each <see cref="Step(StepKind)"/> says whether its gradients came from BP or DFA.</summary>
    public static HdfaOptimizer Sgd(
        IReadOnlyList<Parameter> parameters, double learningRate, double momentum, double dampening, double gamma, double weightDecay, int threads = 1)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(momentum);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(dampening);
        return new HdfaOptimizer(parameters, learningRate, gamma, weightDecay, adam: false, threads) { Momentum = momentum, Dampening = dampening };
    }

    /// <summary>The Adam form; each <see cref="Step(StepKind)"/> says whether its gradients came from BP or DFA.</summary>
    public static HdfaOptimizer Adam(
        IReadOnlyList<Parameter> parameters, double learningRate, double beta1, double beta2, double eps, double gamma, double weightDecay, int threads = 1)
    {
        OptimizerGuard.ThrowIfNotInUnitInterval(beta1);
        OptimizerGuard.ThrowIfNotInUnitInterval(beta2);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(eps);
        return new HdfaOptimizer(parameters, learningRate, gamma, weightDecay, adam: true, threads) { Beta1 = beta1, Beta2 = beta2, Eps = eps };
    }

    /// <summary>Saves both step counts and the BP and DFA moments (<c>bp_first</c>, <c>dfa_first</c>, and for Adam <c>bp_second</c>, <c>dfa_second</c>).</summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetLong(prefix + "backprop_steps", BackpropSteps);
        state.SetLong(prefix + "dfa_steps", DfaSteps);
        foreach ((string name, float[][] buffers) in Buffers())
        {
            for (int i = 0; i < buffers.Length; i++)
            {
                state.SetFloats($"{prefix}{name}/{i}", buffers[i]);
            }
        }
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long bp = state.Long(prefix + "backprop_steps");
        long dfa = state.Long(prefix + "dfa_steps");
        if (bp < 0 || dfa < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: negative HDFA step counts ({bp}, {dfa})");
        }

        // Read every record before copying any, so a bad checkpoint leaves the optimizer untouched.
        var loaded = Buffers().Select(b => (b.Buffers, Saved: b.Buffers.Select((a, i) => state.Floats($"{prefix}{b.Name}/{i}", a.Length)).ToArray())).ToArray();
        foreach ((float[][] live, float[][] saved) in loaded)
        {
            for (int i = 0; i < live.Length; i++)
            {
                saved[i].AsSpan().CopyTo(live[i]);
            }
        }

        BackpropSteps = bp;
        DfaSteps = dfa;
    }

    /// <summary>A BP step (<see cref="StepKind.Backprop"/>) moves by its own momentum, a DFA step (<see cref="StepKind.Dfa"/>) by the mix.</summary>
    /// <exception cref="ArgumentException">Any other kind: an HDFA step is BP or DFA.</exception>
    public void Step(StepKind kind)
    {
        bool bp = kind switch
        {
            StepKind.Backprop => true,
            StepKind.Dfa => false,
            _ => throw new ArgumentException($"An HDFA step is {StepKind.Backprop} or {StepKind.Dfa}, got {kind}.", nameof(kind)),
        };
        long t = (bp ? BackpropSteps : DfaSteps) + 1;
        long tBp = BackpropSteps;
        _c = new Coefficients(
            Backprop: bp,
            First: t == 1,
            LearningRate: (float)_learningRate,
            WeightDecay: (float)WeightDecay,
            Gamma: (float)Gamma,
            Momentum: (float)Momentum,
            OneMinusDampening: (float)(1 - Dampening),
            Beta1: (float)Beta1,
            Beta2: (float)Beta2,
            Eps: (float)Eps,
            Correction1: (float)(1 - Math.Pow(Beta1, t)),
            Correction2Sqrt: (float)Math.Sqrt(1 - Math.Pow(Beta2, t)),
            HasBackprop: bp || tBp > 0,
            BpCorrection1: tBp > 0 ? (float)(1 - Math.Pow(Beta1, tBp)) : 1f,
            BpCorrection2Sqrt: tBp > 0 ? (float)Math.Sqrt(1 - Math.Pow(Beta2, tBp)) : 1f);
        _chunks.Run(_updateChunk);
        if (bp)
        {
            BackpropSteps++;
        }
        else
        {
            DfaSteps++;
        }
    }

    private IEnumerable<(string Name, float[][] Buffers)> Buffers()
    {
        yield return ("bp_first", _bpFirst);
        yield return ("dfa_first", _dfaFirst);
        if (IsAdam)
        {
            yield return ("bp_second", _bpSecond);
            yield return ("dfa_second", _dfaSecond);
        }
    }

    private void UpdateChunk(int i, int start, int length)
    {
        Span<float> w = _parameters[i].Value.Data.AsSpan(start, length);
        ReadOnlySpan<float> grad = _parameters[i].Gradient.Data.AsSpan(start, length);
        Span<float> own = (_c.Backprop ? _bpFirst : _dfaFirst)[i].AsSpan(start, length);
        ReadOnlySpan<float> bp = _bpFirst[i].AsSpan(start, length);
        if (IsAdam)
        {
            Span<float> ownSecond = (_c.Backprop ? _bpSecond : _dfaSecond)[i].AsSpan(start, length);
            ReadOnlySpan<float> bpSecond = _bpSecond[i].AsSpan(start, length);
            UpdateAdam(w, grad, own, ownSecond, bp, bpSecond, _c);
        }
        else
        {
            UpdateSgd(w, grad, own, bp, _c);
        }
    }

    /// <summary>
    /// SGD with momentum, then the mix on DFA steps. The vector loop performs exactly the scalar loop's operations, in its
    /// order, on every lane (IEEE multiply, add and divide round each lane as the scalar does; no fused multiply-add), so
    /// the result is the same bits whatever the vector width.
    /// </summary>
    internal static void UpdateSgd(Span<float> w, ReadOnlySpan<float> grad, Span<float> own, ReadOnlySpan<float> bp, Coefficients c)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wd = new Vector<float>(c.WeightDecay);
            var momentum = new Vector<float>(c.Momentum);
            var oneMinusDampening = new Vector<float>(c.OneMinusDampening);
            var gamma = new Vector<float>(c.Gamma);
            var oneMinusGamma = new Vector<float>(1f - c.Gamma);
            var lr = new Vector<float>(c.LearningRate);
            for (; k <= w.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                var wk = new Vector<float>(w[k..]);
                Vector<float> g = new Vector<float>(grad[k..]) + (wd * wk);
                Vector<float> v = c.First ? g : (momentum * new Vector<float>(own[k..])) + (oneMinusDampening * g);
                v.CopyTo(own[k..]);
                Vector<float> u = c.Backprop ? v : (gamma * v) + (oneMinusGamma * new Vector<float>(bp[k..]));
                (wk - (lr * u)).CopyTo(w[k..]);
            }
        }

        for (; k < w.Length; k++)
        {
            float g = grad[k] + (c.WeightDecay * w[k]);
            float v = c.First ? g : (c.Momentum * own[k]) + (c.OneMinusDampening * g);
            own[k] = v;
            float u = c.Backprop ? v : (c.Gamma * v) + ((1f - c.Gamma) * bp[k]);
            w[k] -= c.LearningRate * u;
        }
    }

    /// <summary>Adam, then the mix with the last BP step's direction on DFA steps; vectorised as <see cref="UpdateSgd"/> is, to the same bits.</summary>
    internal static void UpdateAdam(
        Span<float> w, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, ReadOnlySpan<float> bpM, ReadOnlySpan<float> bpV, Coefficients c)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var wd = new Vector<float>(c.WeightDecay);
            var beta1 = new Vector<float>(c.Beta1);
            var oneMinusBeta1 = new Vector<float>(1f - c.Beta1);
            var beta2 = new Vector<float>(c.Beta2);
            var oneMinusBeta2 = new Vector<float>(1f - c.Beta2);
            var correction1 = new Vector<float>(c.Correction1);
            var correction2Sqrt = new Vector<float>(c.Correction2Sqrt);
            var eps = new Vector<float>(c.Eps);
            var bpCorrection1 = new Vector<float>(c.BpCorrection1);
            var bpCorrection2Sqrt = new Vector<float>(c.BpCorrection2Sqrt);
            var gamma = new Vector<float>(c.Gamma);
            var oneMinusGamma = new Vector<float>(1f - c.Gamma);
            var lr = new Vector<float>(c.LearningRate);
            for (; k <= w.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                var wk = new Vector<float>(w[k..]);
                Vector<float> g = new Vector<float>(grad[k..]) + (wd * wk);
                Vector<float> mk = (beta1 * new Vector<float>(m[k..])) + (oneMinusBeta1 * g);
                Vector<float> vk = (beta2 * new Vector<float>(v[k..])) + (oneMinusBeta2 * (g * g));
                mk.CopyTo(m[k..]);
                vk.CopyTo(v[k..]);
                Vector<float> u = (mk / correction1) / ((Vector.SquareRoot(vk) / correction2Sqrt) + eps);
                if (!c.Backprop)
                {
                    Vector<float> dBp = c.HasBackprop
                        ? (new Vector<float>(bpM[k..]) / bpCorrection1) / ((Vector.SquareRoot(new Vector<float>(bpV[k..])) / bpCorrection2Sqrt) + eps)
                        : Vector<float>.Zero;
                    u = (gamma * u) + (oneMinusGamma * dBp);
                }

                (wk - (lr * u)).CopyTo(w[k..]);
            }
        }

        for (; k < w.Length; k++)
        {
            float g = grad[k] + (c.WeightDecay * w[k]);
            float mk = (c.Beta1 * m[k]) + ((1f - c.Beta1) * g);
            float vk = (c.Beta2 * v[k]) + ((1f - c.Beta2) * (g * g));
            m[k] = mk;
            v[k] = vk;
            float d = (mk / c.Correction1) / ((MathF.Sqrt(vk) / c.Correction2Sqrt) + c.Eps);
            float u = d;
            if (!c.Backprop)
            {
                // The BP direction from the moments as the last BP step left them (zero before the first BP step).
                float dBp = c.HasBackprop ? (bpM[k] / c.BpCorrection1) / ((MathF.Sqrt(bpV[k]) / c.BpCorrection2Sqrt) + c.Eps) : 0f;
                u = (c.Gamma * d) + ((1f - c.Gamma) * dBp);
            }

            w[k] -= c.LearningRate * u;
        }
    }

    internal readonly record struct Coefficients(
        bool Backprop,
        bool First,
        float LearningRate,
        float WeightDecay,
        float Gamma,
        float Momentum,
        float OneMinusDampening,
        float Beta1,
        float Beta2,
        float Eps,
        float Correction1,
        float Correction2Sqrt,
        bool HasBackprop,
        float BpCorrection1,
        float BpCorrection2Sqrt);
}
