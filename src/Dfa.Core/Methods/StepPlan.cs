namespace Dfa.Core.Methods;

/// <summary>
/// One kind of step a method takes: HDFA's BP step and DFA step, or the one kind every other method takes. Its
/// modules run from the first trained block to the output; a module per block is BP's chain, one module is DFA.
/// </summary>
/// <param name="Label"><c>step</c>, or <c>bp step</c> and <c>dfa step</c> for HDFA.</param>
/// <param name="Probability">How often a step is of this kind.</param>
/// <param name="Modules">The modules, lowest first.</param>
/// <param name="MixesMomenta">HDFA's DFA step: its update mixes the DFA and BP momenta.</param>
/// <param name="FixedFeedback">FA: each block's input gradient goes through a fixed random matrix, not <c>Wᵀ</c>.</param>
public sealed record StepPlan(string Label, double Probability, IReadOnlyList<ModulePlan> Modules, bool MixesMomenta = false, bool FixedFeedback = false)
{
    /// <summary>Whether some module of the step projects an error through a feedback backend.</summary>
    public bool Projects => Modules.Any(m => m.Shape is not null);
}
