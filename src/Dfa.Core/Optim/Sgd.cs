using System.Numerics;
using System.Runtime.InteropServices;
using Dfa.Core.Layers;
using Dfa.Core.State;

namespace Dfa.Core.Optim;

/// <summary>
/// Stochastic gradient descent with PyTorch's <c>torch.optim.SGD</c> semantics. Per element, each step:
/// <c>g ← ∇ + wd·w</c>; if <c>momentum ≠ 0</c>: <c>buf ← g</c> on the first step, else
/// <c>buf ← momentum·buf + (1 − dampening)·g</c>, then <c>g ← nesterov ? g + momentum·buf : buf</c>;
/// finally <c>w ← w − lr·g</c>. Arithmetic is float32, like PyTorch on float32 tensors; the gradient is read, never
/// written.
/// </summary>
public sealed class Sgd : IStatefulOptimizer, IResumable
{
    /// <summary>The <see cref="OptimizerState"/> buffer name of the momentum buffers.</summary>
    public const string MomentumBufferName = "momentum_buffer";

    private readonly Parameter[] _parameters;
    private readonly float[][] _momentumBuffers;
    private readonly ParameterChunks _chunks;
    private readonly Action<int, int, int> _updateChunk;
    private Coefficients _coefficients;
    private bool _first;
    private double _learningRate;

    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentException">A parameter is null or listed twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="learningRate"/>, <paramref name="momentum"/>, <paramref name="dampening"/> or
    /// <paramref name="weightDecay"/> is negative or not finite.
    /// </exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="nesterov"/> is set without <c>momentum &gt; 0</c> and <c>dampening = 0</c> (as PyTorch).
    /// </exception>
    public Sgd(
        IReadOnlyList<Parameter> parameters,
        double learningRate,
        double momentum = 0,
        double dampening = 0,
        bool nesterov = false,
        double weightDecay = 0,
        int threads = 1)
    {
        OptimizerGuard.ThrowIfNegativeOrNotFinite(learningRate);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(momentum);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(dampening);
        OptimizerGuard.ThrowIfNegativeOrNotFinite(weightDecay);
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException(
                $"Nesterov momentum requires momentum > 0 and dampening = 0, got momentum = {momentum}, dampening = {dampening}.",
                nameof(nesterov));
        }

        _parameters = OptimizerGuard.CopyParameters(parameters);
        _momentumBuffers = momentum != 0 ? OptimizerGuard.ZeroBuffers(_parameters) : [];
        _chunks = new ParameterChunks(_parameters, threads);
        _updateChunk = UpdateChunk;
        _learningRate = learningRate;
        Momentum = momentum;
        Dampening = dampening;
        Nesterov = nesterov;
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

    public double Momentum { get; }

    public double Dampening { get; }

    public bool Nesterov { get; }

    public double WeightDecay { get; }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public long StepCount { get; private set; }

    /// <summary>
    /// The live momentum buffers, one per parameter (empty when <see cref="Momentum"/> is 0). Meaningless until the first
    /// step, which seeds them with the gradient.
    /// </summary>
    public IReadOnlyList<float[]> MomentumBuffers => _momentumBuffers;

    /// <inheritdoc/>
    public void Step(StepKind kind) => Step();

    /// <summary>Applies one update to every parameter (the step's kind does not matter to this optimizer).</summary>
    public void Step()
    {
        var coefficients = new Coefficients(
            (float)_learningRate,
            (float)WeightDecay,
            (float)Momentum,
            (float)(1.0 - Dampening));
        _coefficients = coefficients;
        _first = StepCount == 0;
        _chunks.Run(_updateChunk);

        StepCount++;
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
        new(StepCount, _momentumBuffers.Length == 0
            ? new Dictionary<string, IReadOnlyList<float[]>>()
            : new Dictionary<string, IReadOnlyList<float[]>> { [MomentumBufferName] = _momentumBuffers });

    /// <inheritdoc/>
    public void ImportState(OptimizerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_momentumBuffers.Length == 0)
        {
            state.ThrowIfNamesDiffer();
        }
        else
        {
            state.ThrowIfNamesDiffer(MomentumBufferName);
            state.CopyBuffersTo(MomentumBufferName, _momentumBuffers);
        }

        StepCount = state.StepCount;
    }

    private void UpdateChunk(int i, int start, int length)
    {
        Parameter p = _parameters[i];
        Span<float> w = p.Value.Data.AsSpan(start, length);
        ReadOnlySpan<float> g = p.Gradient.Data.AsSpan(start, length);
        if (_momentumBuffers.Length == 0)
        {
            UpdatePlain(w, g, _coefficients);
        }
        else
        {
            UpdateMomentum(w, g, _momentumBuffers[i].AsSpan(start, length), _coefficients, _first, Nesterov);
        }
    }

    private readonly record struct Coefficients(float LearningRate, float WeightDecay, float Momentum, float OneMinusDampening);

    // w ← w − lr·(∇ + wd·w)
    private static void UpdatePlain(Span<float> w, ReadOnlySpan<float> grad, Coefficients c)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        int n = w.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lr = new Vector<float>(c.LearningRate);
            var wd = new Vector<float>(c.WeightDecay);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> wi = Vector.LoadUnsafe(ref wr, (nuint)i);
                Vector<float> g = Vector.LoadUnsafe(ref gr, (nuint)i) + (wd * wi);
                (wi - (lr * g)).StoreUnsafe(ref wr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = grad[i] + (c.WeightDecay * w[i]);
            w[i] -= c.LearningRate * g;
        }
    }

    // The loop-invariant flags are tested inside the loop on purpose: the branches predict perfectly and the kernel is
    // memory-bound, so one kernel is cheaper to keep right than four.
    private static void UpdateMomentum(Span<float> w, ReadOnlySpan<float> grad, Span<float> buf, Coefficients c, bool first, bool nesterov)
    {
        ref float wr = ref MemoryMarshal.GetReference(w);
        ref float gr = ref MemoryMarshal.GetReference(grad);
        ref float br = ref MemoryMarshal.GetReference(buf);
        int n = w.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lr = new Vector<float>(c.LearningRate);
            var wd = new Vector<float>(c.WeightDecay);
            var mu = new Vector<float>(c.Momentum);
            var keep = new Vector<float>(c.OneMinusDampening);
            for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector<float> wi = Vector.LoadUnsafe(ref wr, (nuint)i);
                Vector<float> g = Vector.LoadUnsafe(ref gr, (nuint)i) + (wd * wi);
                Vector<float> b = first ? g : (mu * Vector.LoadUnsafe(ref br, (nuint)i)) + (keep * g);
                b.StoreUnsafe(ref br, (nuint)i);
                Vector<float> d = nesterov ? g + (mu * b) : b;
                (wi - (lr * d)).StoreUnsafe(ref wr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float g = grad[i] + (c.WeightDecay * w[i]);
            float b = first ? g : (c.Momentum * buf[i]) + (c.OneMinusDampening * g);
            buf[i] = b;
            float d = nesterov ? g + (c.Momentum * b) : b;
            w[i] -= c.LearningRate * d;
        }
    }
}
