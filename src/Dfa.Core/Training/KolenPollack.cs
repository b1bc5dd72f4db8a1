using System.Numerics.Tensors;
using Dfa.Core.Layers;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Kolen–Pollack learning as Akrout, Wilson, Humphreys, Lillicrap &amp; Tweed use it ("Deep Learning without Weight
/// Transport", NeurIPS 2019): feedback alignment's backward pass through a matrix <c>B</c> of each weight's shape, and
/// after every optimizer step <c>B</c> receives the same adjustment as <c>W</c> and the same weight decay. With
/// <c>W⁻</c> the weight before the step, <c>W⁺</c> after the optimizer's update and <c>λ</c> the decay per step:
/// <code>
/// B ← (1 − λ)·(B + W⁺ − W⁻)      for every weight with a backward matrix
/// W ← (1 − λ)·W⁺                 for every trained Linear and Conv2d weight (biases are not decayed)
/// </code>
/// so <c>B − W</c> shrinks by <c>1 − λ</c> per step and <c>B</c> converges to <c>W</c>; with <c>λ = 0</c> (the reference
/// code's default) <c>B − W</c> stays at its initial value and the angle between them closes only as <c>W</c> grows. The
/// equal-change form is the "identical adjustments" of the reference code
/// (<c>makrout/Deep-Learning-without-Weight-Transport</c>) for any optimizer: <c>B</c> gets whatever change the
/// optimizer gave <c>W</c>, Adam's included, without optimizer state of its own. <c>B</c> starts as feedback
/// alignment's (<c>U(±s)</c>, <c>s = 1/√fan_in</c> unless given) from <c>Rng.Derive(seed, "kp/{weight name}")</c>,
/// independent of <c>W</c>; it is state, saved in checkpoints.
/// </summary>
public sealed class KolenPollack : FeedbackChainAlgorithm, IResumable
{
    private readonly Dictionary<Parameter, Matrix> _backward = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, Matrix> _before = new(ReferenceEqualityComparer.Instance);
    private readonly Parameter[] _decayed;
    private bool _haveBefore;

    /// <param name="network">The network this instance trains.</param>
    /// <param name="feedbackSeed">Names the initial backward matrices.</param>
    /// <param name="decay">
    /// <c>λ</c>, the multiplicative weight decay per step applied to <c>W</c> and <c>B</c> alike, in <c>[0, 1)</c>.
    /// </param>
    /// <param name="scale">Half-width of the initial <c>B</c>'s uniform range; null means <c>1/√fan_in</c>.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is outside <c>[0, 1)</c>, or <paramref name="scale"/> is not positive and finite.</exception>
    public KolenPollack(Network network, ulong feedbackSeed, double decay = 0, double? scale = null, int threads = 1)
        : base(network, threads)
    {
        if (!(decay >= 0 && decay < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(decay), decay, "The Kolen–Pollack decay must be in [0, 1).");
        }

        Decay = decay;
        Func<Parameter, Matrix> draw = FeedbackAlignment.Drawer(feedbackSeed, scale, "kp");
        foreach (Parameter weight in FeedbackWeights)
        {
            _backward.Add(weight, draw(weight));
            _before.Add(weight, new Matrix(weight.Value.Rows, weight.Value.Cols));
        }

        _decayed = [.. network.Blocks.Skip(network.FrozenBlocks).SelectMany(b => b.Layers).Select(WeightOf).OfType<Parameter>()];
    }

    public override string Name => "KOLEN_POLLACK";

    /// <summary><c>λ</c>: the weight decay per step that <c>W</c> and <c>B</c> share.</summary>
    public double Decay { get; }

    /// <summary>
    /// Gives each <c>B</c> the change the optimizer just gave its weight, then decays both; call once after every
    /// optimizer step that followed <see cref="FeedbackChainAlgorithm.ComputeGradients(Network, Matrix)"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">No backward pass since the last call: there is no <c>W⁻</c>.</exception>
    public override void AfterStep()
    {
        if (!_haveBefore)
        {
            throw new InvalidOperationException("Kolen–Pollack's AfterStep needs a backward pass first: it gives B the change W received since then.");
        }

        float keep = (float)(1 - Decay);
        foreach (Parameter weight in FeedbackWeights)
        {
            Span<float> b = _backward[weight].Span;
            Span<float> before = _before[weight].Span;

            // before ← W⁺ − W⁻; B ← (B + before)·(1 − λ).
            TensorPrimitives.Subtract(weight.Value.Span, before, before);
            TensorPrimitives.Add(b, before, b);
            if (Decay > 0)
            {
                TensorPrimitives.Multiply(b, keep, b);
            }
        }

        if (Decay > 0)
        {
            foreach (Parameter weight in _decayed)
            {
                TensorPrimitives.Multiply(weight.Value.Span, keep, weight.Value.Span);
            }
        }

        _haveBefore = false;
    }

    /// <summary>Every backward matrix, by its weight's name: <c>kolen_pollack/B/{weight name}</c>.</summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (Parameter weight in FeedbackWeights)
        {
            state.SetFloats($"{prefix}kolen_pollack/B/{weight.Name}", _backward[weight].Span);
        }
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        foreach (Parameter weight in FeedbackWeights)
        {
            Matrix b = _backward[weight];
            state.Floats($"{prefix}kolen_pollack/B/{weight.Name}", b.Length).CopyTo(b.Span);
        }

        _haveBefore = false;
    }

    protected override Matrix BackwardMatrix(Parameter weight) => _backward[weight];

    /// <summary>Keeps <c>W⁻</c>: the weights this backward pass (and so the coming optimizer step) starts from.</summary>
    protected override void PrepareBackward()
    {
        foreach (Parameter weight in FeedbackWeights)
        {
            weight.Value.CopyTo(_before[weight]);
        }

        _haveBefore = true;
    }
}
