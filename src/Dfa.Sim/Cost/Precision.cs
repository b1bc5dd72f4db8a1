using Dfa.Core;

namespace Dfa.Sim.Cost;

/// <summary>
/// The arithmetic a priced run trains in, as deep-learning frameworks run it on GPUs:
/// <list type="bullet">
/// <item><c>fp32</c>: every multiply-accumulate on the FP32 (CUDA-core) path, 4-byte activations.</item>
/// <item><c>tf32</c>: matrix products and convolutions on TF32 tensor cores, inputs and outputs still 4-byte FP32
/// (PyTorch's default for convolutions on Ampere).</item>
/// <item><c>fp16</c> / <c>bf16</c>: mixed precision (automatic mixed precision): products on FP16 or BF16 tensor cores
/// with 2-byte activations and weight copies, FP32 master weights, gradients and optimizer state, and a loss-scale
/// pass over the gradients.</item>
/// <item><c>int8</c>: products on INT8 paths with 1-byte activations and weight copies, FP32 master weights as in
/// mixed precision.</item>
/// </list>
/// Every mode but <c>fp32</c> needs its peak rate (<see cref="Precisions.RateField"/>) in the profile: pricing a mode
/// on a profile without it is refused (<see cref="Prices.WithPrecision"/>), never priced at another mode's rate.
/// Element-wise layers and the optimizer run on the FP32 path in every mode; they read and write activations at the
/// mode's width.
/// </summary>
public enum Precision
{
    Fp32,
    Tf32,
    Fp16,
    Bf16,
    Int8,
}

/// <summary>Names, widths and the profile fields of each <see cref="Precision"/>.</summary>
public static class Precisions
{
    /// <summary>Every mode, in the order tables list them.</summary>
    public static IReadOnlyList<Precision> All { get; } = Enum.GetValues<Precision>();

    /// <summary>The mode's name as commands take it: <c>fp32</c>, <c>tf32</c>, <c>fp16</c>, <c>bf16</c>, <c>int8</c>.</summary>
    public static string Name(Precision precision) => precision.ToString().ToLowerInvariant();

    /// <summary>How a table describes the mode (<c>fp16 mixed</c>).</summary>
    public static string Describe(Precision precision) => precision is Precision.Fp16 or Precision.Bf16 ? Name(precision) + " mixed" : Name(precision);

    /// <summary>The mode named <paramref name="text"/> (case-insensitive).</summary>
    /// <exception cref="DfaInputException">An unknown name, listing the valid ones.</exception>
    public static Precision Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (Precision p in All)
        {
            if (string.Equals(Name(p), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }
        }

        throw new DfaInputException($"unknown precision '{text}'; valid: {string.Join(", ", All.Select(Name))}");
    }

    /// <summary>Bytes of one activation (and of one weight as a product reads it) in this mode.</summary>
    public static int ActivationBytes(Precision precision) => precision switch
    {
        Precision.Fp16 or Precision.Bf16 => 2,
        Precision.Int8 => 1,
        _ => 4,
    };

    /// <summary>The profile's peak-rate field for this mode's products (<c>compute.tf32_flops_per_s</c>).</summary>
    public static string RateField(Precision precision) => precision switch
    {
        Precision.Tf32 => "compute.tf32_flops_per_s",
        Precision.Fp16 => "compute.fp16_flops_per_s",
        Precision.Bf16 => "compute.bf16_flops_per_s",
        Precision.Int8 => "compute.int8_ops_per_s",
        _ => "compute.fp32_flops_per_s",
    };

    /// <summary>Whether the mode's products run on tensor cores (priced at <c>tensor_gemm_efficiency</c>).</summary>
    public static bool OnTensorCores(Precision precision) => precision != Precision.Fp32;

    /// <summary>
    /// Whether the mode keeps FP32 master weights beside narrower copies that the products read (mixed precision and
    /// int8): each step casts the weights (reads 4, writes the copy) and unscales the FP32 gradients.
    /// </summary>
    public static bool KeepsMasterWeights(Precision precision) => ActivationBytes(precision) < 4;
}
