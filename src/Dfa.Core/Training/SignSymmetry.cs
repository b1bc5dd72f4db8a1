using System.Numerics;
using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>Which sign-symmetric feedback <see cref="SignSymmetry"/> uses (Liao, Leibo &amp; Poggio 2016, as BioTorch implements them).</summary>
public enum SignSymmetryVariant
{
    /// <summary>Uniform sign-concordant feedback: <c>B = s·sign(W)</c>, <c>s</c> the standard deviation of the init distribution.</summary>
    Uniform,

    /// <summary>Batchwise random magnitude: <c>B = |M_t| ∘ sign(W)</c>, <c>M_t</c> drawn afresh for every step.</summary>
    BatchwiseRandom,

    /// <summary>Fixed random magnitude: <c>B = |M| ∘ sign(W)</c>, <c>M</c> drawn once.</summary>
    FixedRandom,
}

/// <summary>The distribution whose scale gives sign symmetry's magnitudes (BioTorch's <c>init</c> option).</summary>
public enum SignSymmetryInit
{
    /// <summary>Xavier/Glorot uniform, <c>U(−a, a)</c> with <c>a = √(6/(fan_in + fan_out))</c> (BioTorch's benchmark setting).</summary>
    Xavier,

    /// <summary>PyTorch's default (kaiming_uniform with <c>a = √5</c>), <c>U(−a, a)</c> with <c>a = 1/√fan_in</c>: the init of Dfa's own weights.</summary>
    Pytorch,
}

/// <summary>
/// Sign symmetry: backpropagation's order with each Linear and Conv2d layer's input gradient through a matrix that has
/// the signs of the layer's current weights and a magnitude that does not come from them (Liao, Leibo &amp; Poggio, "How
/// Important is Weight Symmetry in Backpropagation?", AAAI 2016; the three variants as BioTorch defines them, Sanfiz &amp;
/// Akrout, "Benchmarking the Accuracy and Robustness of Feedback Alignment Algorithms", arXiv:2108.13446, 2021, code
/// <c>biotorch/layers/fa_constructor/{linear,conv}.py</c>). With <c>a</c> the half-width of the init distribution
/// (<see cref="SignSymmetryInit"/>) and <c>sign(0) = 0</c>:
/// <list type="bullet">
/// <item><b>uSF</b>: <c>B = (a/√3)·sign(W)</c>: the init distribution's standard deviation times the signs (BioTorch's
/// <c>scaling_factor</c>: <c>√(2/(fan_in + fan_out))</c> for Xavier, <c>1/√(3·fan_in)</c> for PyTorch's default).</item>
/// <item><b>brSF</b>: <c>B = |M_t| ∘ sign(W)</c> with <c>M_t ~ U(−a, a)</c> drawn afresh for every step (BioTorch redraws
/// at every forward, i.e. every mini-batch). <c>|M_t|</c> is drawn directly as <c>a·u</c>, <c>u ~ U(0, 1)</c> (the same
/// distribution), from <c>Rng.Derive(seed, "brsf/{weight name}/{step}")</c>, so a resumed run draws the same.</item>
/// <item><b>frSF</b>: <c>B = |M| ∘ sign(W)</c> with <c>|M| = a·u</c> drawn once from <c>Rng.Derive(seed, "frsf/{weight name}")</c>.</item>
/// </list>
/// <c>B</c> is rebuilt from the weights before every backward pass, so it follows <c>W</c>'s signs as they change.
/// </summary>
public sealed class SignSymmetry : FeedbackChainAlgorithm, IResumable
{
    private readonly Dictionary<Parameter, Matrix> _backward = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, float[]> _magnitudes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<Parameter, double> _bounds = new(ReferenceEqualityComparer.Instance);
    private readonly Parameter[] _weights;
    private readonly ParameterChunks _chunks;
    private readonly ulong _seed;
    private long _steps;

    /// <param name="network">The network this instance trains.</param>
    /// <param name="variant">uSF, brSF or frSF.</param>
    /// <param name="feedbackSeed">Names brSF's and frSF's magnitude draws (uSF draws nothing).</param>
    /// <param name="init">The distribution whose half-width <c>a</c> sets the magnitudes.</param>
    /// <param name="threads">Threads handed to <see cref="Gemm"/>; results do not depend on it.</param>
    public SignSymmetry(Network network, SignSymmetryVariant variant, ulong feedbackSeed, SignSymmetryInit init = SignSymmetryInit.Xavier, int threads = 1)
        : base(network, threads)
    {
        if (!Enum.IsDefined(variant))
        {
            throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown sign-symmetry variant.");
        }

        if (!Enum.IsDefined(init))
        {
            throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown sign-symmetry init.");
        }

        Variant = variant;
        Init = init;
        _seed = feedbackSeed;
        _weights = [.. FeedbackWeights];
        _chunks = new ParameterChunks(_weights, threads);
        foreach (Parameter weight in FeedbackWeights)
        {
            (int fanIn, int fanOut) = Fans(weight);
            double a = HalfWidth(init, fanIn, fanOut);
            _bounds.Add(weight, a);
            _backward.Add(weight, new Matrix(weight.Value.Rows, weight.Value.Cols));
            if (variant == SignSymmetryVariant.FixedRandom)
            {
                _magnitudes.Add(weight, Magnitudes(weight.Value.Length, a, Rng.Derive(feedbackSeed, $"frsf/{weight.Name}")));
            }
        }
    }

    public SignSymmetryVariant Variant { get; }

    public SignSymmetryInit Init { get; }

    /// <summary><c>USF</c>, <c>BRSF</c> or <c>FRSF</c>.</summary>
    public override string Name => NameOf(Variant);

    /// <summary>Steps taken: brSF's draws for step <c>t</c> are named by <c>t</c>.</summary>
    public long Steps => _steps;

    /// <summary>The config's name of a variant.</summary>
    public static string NameOf(SignSymmetryVariant variant) => variant switch
    {
        SignSymmetryVariant.Uniform => "USF",
        SignSymmetryVariant.BatchwiseRandom => "BRSF",
        _ => "FRSF",
    };

    /// <summary>The half-width <c>a</c> of the init distribution: <c>√(6/(fan_in + fan_out))</c> (Xavier) or <c>1/√fan_in</c> (PyTorch).</summary>
    public static double HalfWidth(SignSymmetryInit init, int fanIn, int fanOut) =>
        init == SignSymmetryInit.Xavier ? Math.Sqrt(6.0 / (fanIn + fanOut)) : 1.0 / Math.Sqrt(fanIn);

    /// <summary>uSF's scale: the init distribution's standard deviation <c>a/√3</c>.</summary>
    public static double UniformScale(SignSymmetryInit init, int fanIn, int fanOut) => HalfWidth(init, fanIn, fanOut) / Math.Sqrt(3.0);

    public override void AfterStep() => _steps++;

    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetLong(prefix + "sign_symmetry/steps", _steps);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long steps = state.Long(prefix + "sign_symmetry/steps");
        ArgumentOutOfRangeException.ThrowIfNegative(steps, nameof(state));
        _steps = steps;
    }

    protected override Matrix BackwardMatrix(Parameter weight) => _backward[weight];

    /// <summary>
    /// Rebuilds every <c>B</c> from its weight in fixed chunks of <see cref="ParameterChunks.ChunkSize"/> elements,
    /// spread over threads; brSF's chunk starting at element <c>i</c> draws from its own stream
    /// <c>brsf/{weight name}/{step}/{i}</c>, so the bits do not depend on the thread count.
    /// </summary>
    protected override void PrepareBackward()
    {
        Parameter[] weights = _weights;
        _chunks.Run((p, start, length) =>
        {
            Parameter weight = weights[p];
            ReadOnlySpan<float> w = weight.Value.Span.Slice(start, length);
            Span<float> b = _backward[weight].Span.Slice(start, length);
            double a = _bounds[weight];
            switch (Variant)
            {
                case SignSymmetryVariant.Uniform:
                    ScaledSigns(w, (float)(a / Math.Sqrt(3.0)), b);
                    break;
                case SignSymmetryVariant.BatchwiseRandom:
                    Rng rng = Rng.Derive(_seed, $"brsf/{weight.Name}/{_steps}/{start}");
                    for (int i = 0; i < b.Length; i++)
                    {
                        b[i] = (float)(a * rng.NextDouble());
                    }

                    SignedMagnitudes(w, b, b);
                    break;
                default:
                    SignedMagnitudes(w, _magnitudes[weight].AsSpan(start, length), b);
                    break;
            }
        });
    }

    /// <summary><c>n</c> magnitudes <c>a·u</c>, <c>u ~ U(0, 1)</c>, one <see cref="Rng.NextDouble"/> each.</summary>
    private static float[] Magnitudes(int n, double a, Rng rng)
    {
        var m = new float[n];
        for (int i = 0; i < n; i++)
        {
            m[i] = (float)(a * rng.NextDouble());
        }

        return m;
    }

    /// <summary><c>b = s·sign(w)</c>, <c>sign(0) = 0</c>.</summary>
    private static void ScaledSigns(ReadOnlySpan<float> w, float s, Span<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var plus = new Vector<float>(s);
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var x = new Vector<float>(w[i..]);
                Signed(x, plus).CopyTo(b[i..]);
            }
        }

        for (; i < w.Length; i++)
        {
            b[i] = w[i] > 0 ? s : w[i] < 0 ? -s : 0f;
        }
    }

    /// <summary><c>b = m ∘ sign(w)</c>, <c>sign(0) = 0</c>; <paramref name="b"/> may be <paramref name="m"/>.</summary>
    private static void SignedMagnitudes(ReadOnlySpan<float> w, ReadOnlySpan<float> m, Span<float> b)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= w.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Signed(new Vector<float>(w[i..]), new Vector<float>(m[i..])).CopyTo(b[i..]);
            }
        }

        for (; i < w.Length; i++)
        {
            b[i] = w[i] > 0 ? m[i] : w[i] < 0 ? -m[i] : 0f;
        }
    }

    /// <summary><c>m</c> where <c>w &gt; 0</c>, <c>−m</c> where <c>w &lt; 0</c>, 0 elsewhere (zeros and NaN).</summary>
    private static Vector<float> Signed(Vector<float> w, Vector<float> m) =>
        Vector.ConditionalSelect(
            Vector.GreaterThan(w, Vector<float>.Zero),
            m,
            Vector.ConditionalSelect(Vector.LessThan(w, Vector<float>.Zero), -m, Vector<float>.Zero));
}
