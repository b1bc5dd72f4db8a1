namespace Dfa.Core.Optim;

/// <summary>
/// The kind of step a training algorithm just took (<c>ITrainingAlgorithm.LastStep</c>), which the trainer hands to
/// the optimizer: HDFA's optimizer keeps BP and DFA steps' momenta apart, HYBRID's holds the lower blocks still
/// during its warm-up. Other optimizers treat every kind alike.
/// </summary>
public enum StepKind
{
    /// <summary>An ordinary step of the method.</summary>
    Standard,

    /// <summary>HDFA: this step's gradients came from backpropagation.</summary>
    Backprop,

    /// <summary>HDFA: this step's gradients came from (modular) DFA.</summary>
    Dfa,

    /// <summary>HYBRID's warm-up: no error reached the blocks below the first fully connected one.</summary>
    Warmup,
}
