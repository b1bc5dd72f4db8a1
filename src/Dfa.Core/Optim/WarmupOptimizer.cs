using Dfa.Core.State;

namespace Dfa.Core.Optim;

/// <summary>
/// Two optimizers over disjoint parameter groups, the second held back while a warm-up lasts: Han &amp; Yoo's (2019)
/// hybrid trains the fully connected layers first and only then lets BP reach the convolutional layers. The held
/// group's optimizer takes its first step when the warm-up ends, so its state (Adam's step count and moments) starts
/// there, as if those parameters had joined training at that step; zero gradients fed through one shared optimizer
/// would instead apply weight decay and skew Adam's bias correction.
/// </summary>
public sealed class WarmupOptimizer : IOptimizer, IResumable
{
    private readonly IOptimizer _always;
    private readonly IOptimizer _afterWarmup;

    /// <param name="always">Steps every step.</param>
    /// <param name="afterWarmup">Steps on every step but a warm-up one (<see cref="StepKind.Warmup"/>).</param>
    public WarmupOptimizer(IOptimizer always, IOptimizer afterWarmup)
    {
        ArgumentNullException.ThrowIfNull(always);
        ArgumentNullException.ThrowIfNull(afterWarmup);
        _always = always;
        _afterWarmup = afterWarmup;
    }

    /// <inheritdoc/>
    public double LearningRate
    {
        get => _always.LearningRate;
        set
        {
            _always.LearningRate = value;
            _afterWarmup.LearningRate = value;
        }
    }

    /// <summary>Steps the held group has taken.</summary>
    public long HeldGroupSteps { get; private set; }

    /// <summary>Saves both inner optimizers (under <c>always/</c> and <c>held/</c>) and the held group's step count.</summary>
    /// <exception cref="NotSupportedException">An inner optimizer keeps no exportable state.</exception>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        Inner(_always).SaveState(state, prefix + "always/");
        Inner(_afterWarmup).SaveState(state, prefix + "held/");
        state.SetLong(prefix + "held_steps", HeldGroupSteps);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        long held = state.Long(prefix + "held_steps");
        if (held < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: record '{prefix}held_steps' is negative ({held})");
        }

        Inner(_always).RestoreState(state, prefix + "always/");
        Inner(_afterWarmup).RestoreState(state, prefix + "held/");
        HeldGroupSteps = held;
    }

    /// <summary>Steps the first group; the held group too, unless <paramref name="kind"/> is <see cref="StepKind.Warmup"/>.</summary>
    public void Step(StepKind kind)
    {
        _always.Step(kind);
        if (kind != StepKind.Warmup)
        {
            _afterWarmup.Step(kind);
            HeldGroupSteps++;
        }
    }

    private static IResumable Inner(IOptimizer optimizer) =>
        optimizer as IResumable ?? throw new NotSupportedException($"{optimizer.GetType().Name} keeps no state a checkpoint can save.");
}
