using Dfa.Core.Optim;
using Dfa.Core.Tensors;

namespace Dfa.Core.Training;

/// <summary>
/// Turns the loss gradient at the logits into parameter gradients for the last forward batch. The algorithm is the only
/// part of training that differs between BP and DFA; layers do not know which one runs.
/// </summary>
public interface ITrainingAlgorithm
{
    /// <summary>Short upper-case name as in configs and summaries: <c>BP</c>, <c>DFA</c>.</summary>
    string Name { get; }

    /// <summary>Fills every parameter's gradient from <paramref name="outputGradient"/> = dLoss/dlogits (batch × classes).</summary>
    void ComputeGradients(Network network, Matrix outputGradient);

    /// <summary>
    /// The kind of the last <see cref="ComputeGradients"/> call's step, which the trainer hands to the optimizer
    /// (HDFA's BP or DFA step, HYBRID's warm-up); <see cref="StepKind.Standard"/> for every other method.
    /// </summary>
    StepKind LastStep => StepKind.Standard;
}
