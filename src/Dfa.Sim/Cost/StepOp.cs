namespace Dfa.Sim.Cost;

/// <summary>The kinds of counted work the cost models price, each at its own rate and energy.</summary>
internal enum StepOp
{
    Fp32Mac,
    Fp16Mac,
    Fp32Add,
    Fp32Mul,
    Fp32Compare,
    IntAdd,
    Popcount,
    IndexRead,

    /// <summary>One parameter changed by the optimizer: a synaptic update or a cell write on in-memory hardware, bytes elsewhere.</summary>
    ParameterWrite,
}
