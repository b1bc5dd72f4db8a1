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
    /// <see cref="ComputeGradients(Network, Matrix)"/> for a batch whose class labels are <paramref name="labels"/> (one
    /// per row). The trainer calls this overload; rules that learn from the targets (DRTP) need it, every other rule
    /// ignores the labels.
    /// </summary>
    void ComputeGradients(Network network, Matrix outputGradient, ReadOnlySpan<int> labels) => ComputeGradients(network, outputGradient);

    /// <summary>
    /// Called by the trainer after each optimizer step, before the weights are checked: rules with state that follows
    /// the weights update it here (Kolen–Pollack's <c>B</c>, brSF's step count). Nothing for the other rules.
    /// </summary>
    void AfterStep()
    {
    }

    /// <summary>
    /// The kind of the last <see cref="ComputeGradients(Network, Matrix)"/> call's step, which the trainer hands to the optimizer
    /// (HDFA's BP or DFA step, HYBRID's warm-up); <see cref="StepKind.Standard"/> for every other method.
    /// </summary>
    StepKind LastStep => StepKind.Standard;
}
