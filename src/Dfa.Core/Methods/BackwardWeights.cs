namespace Dfa.Core.Methods;

/// <summary>What a chain step's input gradients pass errors through in place of each <c>Wᵀ</c> (<see cref="StepPlan.Backward"/>).</summary>
public enum BackwardWeights
{
    /// <summary>The true weights: backpropagation (and every projecting method's BP links).</summary>
    Transposed,

    /// <summary>A fixed random matrix of each weight's shape, stored: feedback alignment.</summary>
    Fixed,

    /// <summary><c>s·sign(W)</c>, rebuilt from the weights every step, nothing stored: uSF.</summary>
    UniformSigns,

    /// <summary><c>|M_t| ∘ sign(W)</c> with magnitudes drawn afresh every step, nothing stored: brSF.</summary>
    RedrawnMagnitudeSigns,

    /// <summary><c>|M| ∘ sign(W)</c> with magnitudes drawn once and stored: frSF.</summary>
    FixedMagnitudeSigns,

    /// <summary>A stored matrix that receives each weight's change and decay after every step: Kolen–Pollack.</summary>
    Learned,
}
