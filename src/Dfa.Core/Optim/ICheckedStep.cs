using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>
/// An optimizer whose step checks gradients and updated values for NaN or ±∞ in the same pass over memory as the
/// update, so the trainer need not read every tensor twice more per step.
/// </summary>
internal interface ICheckedStep
{
    /// <summary>The parameters, in the order <see cref="StepFaults"/> indexes them.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>
    /// Takes one step, checking every gradient before the part of the step that reads it and every value it writes.
    /// With a non-finite gradient the step does not count as taken (its parameters may be partly updated: the run
    /// stops there); the first faulty parameter of each kind is reported.
    /// </summary>
    StepFaults StepChecked();
}

/// <summary>What <see cref="ICheckedStep.StepChecked"/> found: indices of the first parameter with a non-finite gradient and of the first with a non-finite value, or −1.</summary>
internal readonly record struct StepFaults(int Gradient, int Value);
