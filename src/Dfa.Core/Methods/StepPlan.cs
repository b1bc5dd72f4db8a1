namespace Dfa.Core.Methods;

/// <summary>
/// One kind of step a method takes: HDFA's BP step and DFA step, or the one kind every other method takes. Its
/// modules run from the first trained block to the output; a module per block is BP's chain, one module is DFA.
/// </summary>
/// <param name="Label"><c>step</c>, or <c>bp step</c> and <c>dfa step</c> for HDFA.</param>
/// <param name="Probability">How often a step is of this kind.</param>
/// <param name="Modules">The modules, lowest first.</param>
/// <param name="MixesMomenta">HDFA's DFA step: its update mixes the DFA and BP momenta.</param>
/// <param name="Backward">
/// What the chain's input gradients go through in place of <c>Wᵀ</c>: the true weights (BP), a fixed random matrix
/// (FA), signs of the weights (uSF, brSF, frSF) or a learned matrix (Kolen–Pollack).
/// </param>
/// <param name="ProjectsTargets">
/// DRTP: the projection carries the batch's one-hot targets, not an error, so it waits on nothing and each block's
/// delta waits only on its own forward and the projection.
/// </param>
public sealed record StepPlan(
    string Label,
    double Probability,
    IReadOnlyList<ModulePlan> Modules,
    bool MixesMomenta = false,
    BackwardWeights Backward = BackwardWeights.Transposed,
    bool ProjectsTargets = false)
{
    /// <summary>Whether some module of the step projects an error (or DRTP's targets) through a feedback backend.</summary>
    public bool Projects => Modules.Any(m => m.Shape is not null);

    /// <summary>FA: each block's input gradient goes through a fixed random matrix, not <c>Wᵀ</c>.</summary>
    public bool FixedFeedback => Backward == BackwardWeights.Fixed;
}
