namespace Dfa.Core.Feedback;

/// <summary>
/// The vocabulary of work a feedback backend or a layer performs. A backend counts these; a hardware profile prices
/// them; the simulator multiplies the two. Backends never see prices, cost models never see backends.
/// </summary>
public enum HardwareAction
{
    /// <summary>One float32 multiply-add (2 FLOPs).</summary>
    Fp32MultiplyAdd,

    /// <summary>One float32 multiply.</summary>
    Fp32Multiply,

    /// <summary>One float32 add or subtract.</summary>
    Fp32Add,

    /// <summary>Bits of feedback weights read from storage.</summary>
    FeedbackBitsRead,

    /// <summary>Bytes of error vectors read.</summary>
    ErrorBytesRead,

    /// <summary>Bytes of projected signals written.</summary>
    SignalBytesWritten,

    /// <summary>Integer index reads (sparse gathers).</summary>
    IndexReads,

    /// <summary>Optical frames exposed on an optical processing unit.</summary>
    OpticalFrames,

    /// <summary>Micro-mirror pixels written to display an input frame.</summary>
    MirrorPixelsWritten,

    /// <summary>Camera pixels read out.</summary>
    CameraPixelsRead,

    /// <summary>One float32 comparison (thresholds, maxima: ternarising an error).</summary>
    Fp32Compare,

    /// <summary>One 64-bit AND followed by a population count (binary and ternary popcount kernels).</summary>
    Popcount64,

    /// <summary>One 32-bit integer add or subtract.</summary>
    Int32Add,

    // Appended after Int32Add: ActionCounts are stored in checkpoints in enum order, so new actions only ever go last.

    /// <summary>One memory cell read in an analog array (one analog multiply: input voltage × cell conductance).</summary>
    AnalogCellReads,

    /// <summary>One activation of an analog array (tile): every row driven once, every column integrated once.</summary>
    ArrayActivations,

    /// <summary>One digital-to-analog conversion driving an array row.</summary>
    DacConversions,

    /// <summary>One analog-to-digital conversion of an array column's output.</summary>
    AdcConversions,

    /// <summary>One memory cell programmed to a target conductance (an in-memory array's setup).</summary>
    CellsProgrammed,

    /// <summary>One spike event sent by a neuron (binary or graded).</summary>
    SpikesSent,

    /// <summary>One synaptic operation: a spike delivered to one synapse (read the weight, add it to the target).</summary>
    SynapticOps,

    /// <summary>One spike message routed from one neuromorphic core to another.</summary>
    CoreMessages,

    /// <summary>One algorithmic time step of a neuromorphic chip (every core advances, barrier synchronised).</summary>
    SpikeTimeSteps,
}
