using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Hybrid DFA, HDFA (Han, Park, Lee &amp; Yoo, arXiv 2006.12830, 2020; the survey's Algorithm 1): before each step a
/// uniform draw <c>r ∈ [0, 1)</c> picks backpropagation when <c>r &lt; p</c>, else DFA over the whole network. The
/// optimizer keeps the two kinds of gradient apart (the trainer hands <see cref="LastStep"/> to
/// <see cref="HdfaOptimizer"/>), which is where HDFA differs from simply alternating BP and DFA.
/// </summary>
/// <remarks>
/// The DFA step is pure DFA over every trained block, or Han et al.'s own convolutional DFA: modular DFA
/// (<see cref="ModularDfa"/>), whose gradient their Algorithm 1 calls <c>∇^DFA</c>.
/// </remarks>
/// <remarks>
/// The survey writes <c>rand ≤ p</c>; with a continuous draw the two differ with probability 0, and <c>r &lt; p</c>
/// makes <c>p = 0</c> pure DFA and <c>p = 1</c> pure BP exactly. The draws come from their own generator, so the data
/// order and every other random stream are those of a DFA run with the same seed.
/// </remarks>
public sealed class HdfaAlgorithm : ITrainingAlgorithm, IResumable
{
    private readonly Backpropagation _backprop = new();
    private readonly ITrainingAlgorithm _dfa;
    private readonly Rng _draws;

    /// <summary>HDFA whose DFA steps are pure DFA through <paramref name="projector"/>.</summary>
    /// <param name="projector">The DFA steps' projector, shaped for the network's feedback blocks.</param>
    /// <param name="backpropProbability">The survey's <c>p</c>, in [0, 1].</param>
    /// <param name="draws">The generator of the per-step draws (e.g. <c>Rng.Derive(seed, "hdfa")</c>); this instance owns it.</param>
    public HdfaAlgorithm(IFeedbackProjector projector, double backpropProbability, Rng draws)
        : this(new DirectFeedbackAlignment(projector ?? throw new ArgumentNullException(nameof(projector))), backpropProbability, draws)
    {
    }

    /// <summary>HDFA whose DFA steps are <paramref name="dfaStep"/> (pure or modular DFA).</summary>
    /// <param name="dfaStep">Computes a DFA step's gradients.</param>
    /// <param name="backpropProbability">The survey's <c>p</c>, in [0, 1].</param>
    /// <param name="draws">The generator of the per-step draws; this instance owns it.</param>
    public HdfaAlgorithm(ITrainingAlgorithm dfaStep, double backpropProbability, Rng draws)
    {
        ArgumentNullException.ThrowIfNull(dfaStep);
        ArgumentNullException.ThrowIfNull(draws);
        if (!(backpropProbability is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(backpropProbability), backpropProbability, "p must lie in [0, 1].");
        }

        _dfa = dfaStep;
        _draws = draws;
        BackpropProbability = backpropProbability;
    }

    public string Name => "HDFA";

    public double BackpropProbability { get; }

    /// <summary>The algorithm of the DFA steps: <see cref="DirectFeedbackAlignment"/> or <see cref="ModularDfa"/>.</summary>
    public ITrainingAlgorithm DfaStep => _dfa;

    /// <summary>Whether the last <see cref="ComputeGradients"/> call used BP (false before the first).</summary>
    public bool LastStepUsedBackprop { get; private set; }

    /// <summary><see cref="StepKind.Backprop"/> or <see cref="StepKind.Dfa"/>: the kind of the last step.</summary>
    public StepKind LastStep => LastStepUsedBackprop ? StepKind.Backprop : StepKind.Dfa;

    /// <summary>The state of the per-step draws, for checkpoints.</summary>
    public Rng Draws => _draws;

    /// <summary>
    /// Saves the draws' generator, the last step's kind and the DFA step's state (its projectors); the optimizer keeps
    /// the per-kind step counts (<see cref="HdfaOptimizer"/>).
    /// </summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetRng(prefix + "draws", _draws);
        state.SetBool(prefix + "last_backprop", LastStepUsedBackprop);
        (_dfa as IResumable)?.SaveState(state, prefix + "dfa/");
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RestoreRng(prefix + "draws", _draws);
        (_dfa as IResumable)?.RestoreState(state, prefix + "dfa/");
        LastStepUsedBackprop = state.Bool(prefix + "last_backprop");
    }

    public void ComputeGradients(Network network, Matrix outputGradient)
    {
        bool backprop = _draws.NextDouble() < BackpropProbability;
        if (backprop)
        {
            _backprop.ComputeGradients(network, outputGradient);
        }
        else
        {
            _dfa.ComputeGradients(network, outputGradient);
        }

        LastStepUsedBackprop = backprop;
    }
}
