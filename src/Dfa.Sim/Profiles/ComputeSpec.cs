namespace Dfa.Sim.Profiles;

/// <summary>
/// The <c>compute:</c> section: peak throughputs (1 MAC = 2 FLOP) and the achievable fractions of peak a roofline
/// applies to large GEMMs and to matrix–vector products. Required for kinds digital and optical (the host).
/// </summary>
public sealed record ComputeSpec
{
    /// <summary><c>fp32_flops_per_s</c>: peak FP32 FLOP/s (required).</summary>
    public required SourcedValue Fp32FlopsPerS { get; init; }

    /// <summary><c>fp16_flops_per_s</c>: peak FP16/BF16 FLOP/s (dense).</summary>
    public SourcedValue? Fp16FlopsPerS { get; init; }

    /// <summary><c>tf32_flops_per_s</c>: peak TF32 tensor-core FLOP/s (dense).</summary>
    public SourcedValue? Tf32FlopsPerS { get; init; }

    /// <summary><c>bf16_flops_per_s</c>: peak BF16 tensor-core FLOP/s (dense).</summary>
    public SourcedValue? Bf16FlopsPerS { get; init; }

    /// <summary><c>tensor_gemm_efficiency</c>: achieved fraction of the tensor-core peaks on a run's products (TF32, FP16, BF16, INT8); <c>gemm_efficiency</c> when absent.</summary>
    public SourcedValue? TensorGemmEfficiency { get; init; }

    /// <summary><c>int8_ops_per_s</c>: peak INT8 op/s (dense).</summary>
    public SourcedValue? Int8OpsPerS { get; init; }

    /// <summary><c>int_add_ops_per_s</c>: integer adds per second on the adder-only path (±1 feedback).</summary>
    public SourcedValue? IntAddOpsPerS { get; init; }

    /// <summary><c>popcount_words_per_s</c>: 64-bit popcounts per second.</summary>
    public SourcedValue? PopcountWordsPerS { get; init; }

    /// <summary><c>gemm_efficiency</c>: achieved fraction of peak on large GEMMs, in (0, 1] (required).</summary>
    public required SourcedValue GemmEfficiency { get; init; }

    /// <summary><c>gemv_efficiency</c>: achieved fraction of peak on matrix–vector products, in (0, 1] (required).</summary>
    public required SourcedValue GemvEfficiency { get; init; }

    /// <summary>
    /// <c>gemm_half_rows</c>: the rows <c>m½</c> (batch × positions) at which an FP32 product reaches half of
    /// <c>gemm_efficiency</c>. When present, a product of <c>m</c> rows runs at <c>gemm_efficiency · m / (m + m½)</c>
    /// for every batch (fitted by <c>dfa calibrate</c> over a grid of GEMM shapes); when absent, a step's products run at
    /// <c>gemm_efficiency</c> from batch 16 and at <c>gemv_efficiency</c> below it.
    /// </summary>
    public SourcedValue? GemmHalfRows { get; init; }
}
