namespace Dfa.Sim.Cost;

/// <summary>The kinds of counted work the cost models price, each at its own rate and energy.</summary>
internal enum StepOp
{
    Fp32Mac,
    Fp16Mac,

    /// <summary>A multiply-accumulate on TF32 tensor cores.</summary>
    Tf32Mac,

    /// <summary>A multiply-accumulate on BF16 tensor cores.</summary>
    Bf16Mac,

    /// <summary>A multiply-accumulate on INT8 paths.</summary>
    Int8Mac,

    /// <summary>
    /// One operation of an element-wise layer (activation, normalisation, pooling, dropout, residual sum, softmax,
    /// embedding sum) or of an activation's derivative, on the FP32 path.
    /// </summary>
    Elementwise,
    Fp32Add,
    Fp32Mul,
    Fp32Compare,
    IntAdd,
    Popcount,
    IndexRead,

    /// <summary>One parameter changed by the optimizer: a synaptic update or a cell write on in-memory hardware, bytes elsewhere.</summary>
    ParameterWrite,

    /// <summary>One analog array activation (a matrix–vector product on one tile).</summary>
    ArrayActivation,

    /// <summary>One analog cell read (an analog multiply inside an array activation).</summary>
    CellRead,

    /// <summary>One DAC conversion (a row driven).</summary>
    DacConversion,

    /// <summary>One ADC conversion (a column digitised).</summary>
    AdcConversion,

    /// <summary>One synaptic operation (a spike delivered to one synapse).</summary>
    SynapticOp,

    /// <summary>One spike sent.</summary>
    Spike,

    /// <summary>One spike message from core to core.</summary>
    CoreMessage,

    /// <summary>One algorithmic time step of a neuromorphic chip.</summary>
    TimeStep,
}
