using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Cost;

/// <summary>Per-layer kernels and precision modes against hand-computed counts, bytes and rooflines.</summary>
public sealed class PrecisionTests
{
    // A toy device with every rate: fp32 1 TFLOP/s, tf32 4, fp16 8, bf16 8, int8 16; tensor efficiency 0.5; 1 TB/s.
    private const string Toy = """
        version: 1
        name: toy
        kind: digital
        description: "a toy device with round numbers"
        clock_hz: {value: 1.0e9, source: "assumption: test"}
        cores: {value: 1, source: "assumption: test"}
        compute:
          fp32_flops_per_s: {value: 1.0e12, source: "assumption: test"}
          tf32_flops_per_s: {value: 4.0e12, source: "assumption: test"}
          fp16_flops_per_s: {value: 8.0e12, source: "assumption: test"}
          bf16_flops_per_s: {value: 8.0e12, source: "assumption: test"}
          int8_ops_per_s: {value: 1.6e13, source: "assumption: test"}
          gemm_efficiency: {value: 1, source: "assumption: test"}
          gemv_efficiency: {value: 1, source: "assumption: test"}
          tensor_gemm_efficiency: {value: 0.5, source: "assumption: test"}
        memory:
          - name: sram
            off_chip: false
            capacity_bytes: {value: 1.0e9, source: "assumption: test"}
            bandwidth_bytes_per_s: {value: 1.0e12, source: "assumption: test"}
            energy_j_per_byte: {value: 1.0e-12, source: "assumption: test"}
        energy:
          fp32_mac_j: {value: 4.0e-12, source: "assumption: test"}
          fp32_add_j: {value: 1.0e-12, source: "assumption: test"}
          fp16_mac_j: {value: 1.0e-12, source: "assumption: test"}
          static_w: {value: 0, source: "assumption: test"}
        """;

    private static Prices ToyPrices => new(ProfileLoader.Parse(Toy, "toy.yaml"));

    private static MethodCost Bp(NetworkSpec network, int batch, Prices prices) =>
        CostModel.Price(MethodPlan.For(new TrainConfig { Algorithm = TrainingAlgorithmKind.Bp }, network), batch, null, prices);

    [Test]
    public void Fp32Bp_OfATinyMlp_MovesTheHandCountedBytes()
    {
        // mlp:4-3 with 2 outputs at batch 2: fc1 = Linear 4→3 (15 parameters) + ReLU, fc2 = Linear 3→2 (8).
        MethodCost row = Bp(WorkloadCatalog.Mlp([4, 3], 2), 2, ToyPrices);

        // Products (24 + 12 forward, 12 + 24 weight gradients, 12 input gradient of fc2) and SGD's 2P.
        Assert.That(row.Operations["fp32_mac"], Is.EqualTo(24 + 12 + 12 + 24 + 12 + (2 * 23)));
        Assert.That(row.Operations["elementwise"], Is.EqualTo(6), "ReLU forward, batch × 3");
        Assert.That(row.Operations["fp32_mul"], Is.EqualTo(6), "the multiply by ReLU's derivative, batch × 3");

        // forward: fc1 15·4 + 2·(4+3)·4 = 116, ReLU 2·6·4 = 48, fc2 8·4 + 2·(3+2)·4 = 72.
        // fc2: weight gradient 2·5·4 + 4·8 = 72, SGD 20·8 = 160, input gradient 72.
        // fc1: ReLU backward 3·6·4 = 72, weight gradient 2·7·4 + 4·15 = 116, SGD 20·15 = 300.
        Assert.That(row.BytesByLevel["sram"], Is.EqualTo(116 + 48 + 72 + 72 + 160 + 72 + 72 + 116 + 300));
    }

    [Test]
    public void MixedPrecision_HalvesActivationAndWeightCopies_AndAddsCastAndUnscale()
    {
        MethodCost row = Bp(WorkloadCatalog.Mlp([4, 3], 2), 2, ToyPrices.WithPrecision(Precision.Fp16));

        Assert.That(row.Arithmetic, Is.EqualTo("fp16 mixed"));
        Assert.That(row.Operations["fp16_mac"], Is.EqualTo(24 + 12 + 12 + 24 + 12), "every product on the FP16 path");
        Assert.That(row.Operations["fp32_mac"], Is.EqualTo(2 * 23), "SGD on the FP32 master weights");
        Assert.That(row.Operations["elementwise"], Is.EqualTo(6 + 23), "ReLU forward, and the loss-scale pass over every gradient");
        Assert.That(row.Operations["fp32_mul"], Is.EqualTo(6), "the derivative's multiply");

        // forward: fc1 15·2 + 2·7·2 = 58 and its cast (4+2)·15 = 90, ReLU 2·6·2 = 24, fc2 8·2 + 2·5·2 = 36, cast 6·8 = 48.
        // fc2: weight gradient 2·5·2 + 4·8 = 52, SGD 160 + unscale 8·8 = 224, input gradient 36.
        // fc1: ReLU backward 3·6·2 = 36, weight gradient 2·7·2 + 4·15 = 88, SGD 300 + unscale 120 = 420.
        Assert.That(row.BytesByLevel["sram"], Is.EqualTo(58 + 90 + 24 + 36 + 48 + 52 + 224 + 36 + 36 + 88 + 420));
    }

    [Test]
    public void EveryKernel_IsItsOwnRoofline_AndThePhaseTheirSum()
    {
        // forward of mlp:4-3 at batch 2 on the toy device in tf32: batch 2 is below CostModel.GemmBatchThreshold, so
        // products run at gemv_efficiency (1): fc1 24 MACs at 4e12/2 = 2e12 MAC/s vs 116 B at 1e12 B/s; ReLU 6 ops at
        // 1e12 vs 48 B; fc2 12 MACs vs 72 B: every kernel memory-bound.
        MethodCost row = Bp(WorkloadCatalog.Mlp([4, 3], 2), 2, ToyPrices.WithPrecision(Precision.Tf32));
        PhaseCost forward = row.Phases[0];
        Assert.That(forward.Seconds, Is.EqualTo((116 + 48 + 72) / 1e12).Within(1e-24));
        Assert.That(forward.ComputeSeconds, Is.EqualTo(((24 + 12) / 2e12) + (6 / 1e12)).Within(1e-24));

        // A compute-bound product and a memory-bound one do not hide each other: the phase is the sum of the two maxima.
        MethodCost wide = Bp(WorkloadCatalog.Mlp([1000, 1000], 1000), 1000, ToyPrices.WithPrecision(Precision.Tf32));
        double fc1 = Math.Max(1000.0 * 1000 * 1000 / 1e12, ((1001000 * 4.0) + (1000 * 2000 * 4.0)) / 1e12);
        double relu = Math.Max(1e6 / 1e12, 2 * 1e6 * 4 / 1e12);
        double fc2 = Math.Max(1000.0 * 1000 * 1000 / 1e12, ((1001000 * 4.0) + (1000 * 2000 * 4.0)) / 1e12);
        Assert.That(wide.Phases[0].Seconds, Is.EqualTo(fc1 + relu + fc2).Within(1e-15));
    }

    [Test]
    public void TensorModes_PriceProductsAtTheirOwnPeak()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([1000, 1000], 1000);
        double Compute(Precision p) => Bp(w, 1000, ToyPrices.WithPrecision(p)).Phases[0].ComputeSeconds;

        double products = 2e9; // two 1000×1000 products at batch 1000
        double relu = 1e6 / 1e12; // on the FP32 path in every mode
        Assert.That(Compute(Precision.Fp32), Is.EqualTo((products / 0.5e12) + relu).Within(1e-12));
        Assert.That(Compute(Precision.Tf32), Is.EqualTo((products / (2e12 * 0.5)) + relu).Within(1e-12));
        Assert.That(Compute(Precision.Fp16), Is.EqualTo((products / (4e12 * 0.5)) + relu).Within(1e-12));
        Assert.That(Compute(Precision.Bf16), Is.EqualTo((products / (4e12 * 0.5)) + relu).Within(1e-12));
        Assert.That(Compute(Precision.Int8), Is.EqualTo((products / (8e12 * 0.5)) + relu).Within(1e-12));
    }

    [Test]
    public void APrecision_TheProfileHasNoRateFor_IsRefusedByName()
    {
        var cpu = new Prices(ProfileLoader.Parse(Toy.Replace("  tf32_flops_per_s: {value: 4.0e12, source: \"assumption: test\"}\n", "", StringComparison.Ordinal), "toy.yaml"));

        var ex = Assert.Throws<DfaInputException>(() => cpu.WithPrecision(Precision.Tf32));
        Assert.That(ex!.Message, Does.Contain("no tf32 rate (compute.tf32_flops_per_s)").And.Contain("fp32, fp16, bf16, int8"));
        Assert.That(Assert.Throws<DfaInputException>(() => Precisions.Parse("fp64"))!.Message, Does.Contain("valid: fp32, tf32, fp16, bf16, int8"));
        Assert.That(Precisions.Parse(" TF32 "), Is.EqualTo(Precision.Tf32));
    }

    [Test]
    public void Fp32_IsTheDefault_AndLeavesARunUnchanged()
    {
        Prices p = ToyPrices;
        Assert.That(p.Precision, Is.EqualTo(Precision.Fp32));
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        Assert.That(Bp(w, 32, p.WithPrecision(Precision.Fp32)).TimeSeconds, Is.EqualTo(Bp(w, 32, p).TimeSeconds));
        Assert.That(p.With("compute.tensor_gemm_efficiency", 0.25).WithPrecision(Precision.Fp16).Precision, Is.EqualTo(Precision.Fp16), "a what-if keeps the mode");
        Assert.That(p.WithPrecision(Precision.Fp16).With("compute.tensor_gemm_efficiency", 0.25).Precision, Is.EqualTo(Precision.Fp16));
    }

    [Test]
    public void Forward_IsTheTrainingStepsForwardPhase()
    {
        NetworkSpec w = WorkloadCatalog.ResNet50(1000);
        Prices p = ToyPrices.WithPrecision(Precision.Fp16);
        MethodCost step = Bp(w, 8, p);
        MethodCost inference = CostModel.PriceForward(w, 8, p);

        Assert.That(inference.Method, Is.EqualTo("FORWARD"));
        Assert.That(inference.TimeSeconds, Is.EqualTo(step.Phases[0].Seconds).Within(1e-15));
        Assert.That(inference.Steps[0].Tasks.Select(t => t.Name), Is.All.StartWith("forward:"));
    }

    [Test]
    public void Residual_ShortcutAndAttention_ArePricedWhereTheirBackwardRuns()
    {
        // The first bottleneck of ResNet-50 has a projection shortcut: its convolution's MACs are in the forward, the
        // weight gradient and (BP only) the input gradient, never in DFA's delta.
        NetworkSpec w = WorkloadCatalog.ResNet50(1000);
        BlockSpec block = w.Blocks[1];
        Assert.That(block.Name, Is.EqualTo("layer1.0"));
        long shortcut = 56L * 56 * 64 * 256;
        Assert.That(block.Layers.Single(l => l.Kind == LayerKind.ResidualAdd).ForwardMacs, Is.EqualTo(shortcut));
        long convs = (56L * 56 * 64 * 64) + (56L * 56 * 64 * 64 * 9) + (56L * 56 * 64 * 256);
        Assert.That(block.ForwardMacs, Is.EqualTo(convs + shortcut));
        Assert.That(block.WeightGradientMacs, Is.EqualTo(convs + shortcut));
        Assert.That(block.InputGradientMacs, Is.EqualTo((56L * 56 * 64 * 64) + shortcut), "conv1 and the shortcut pass the error into the block below");
        Assert.That(block.InnerInputGradientMacs, Is.EqualTo((56L * 56 * 64 * 64 * 9) + (56L * 56 * 64 * 256)));

        // BERT's attention: 2·S²·d forward MACs and twice that backward, no weights.
        LayerSpec heads = WorkloadCatalog.BertBase(2).Blocks[1].Layers[1];
        Assert.That(heads.Kind, Is.EqualTo(LayerKind.Attention));
        Assert.That(heads.ForwardMacs, Is.EqualTo(2L * 128 * 128 * 768));
        Assert.That(heads.InputGradientMacs, Is.EqualTo(4L * 128 * 128 * 768));
        Assert.That(heads.WeightGradientMacs, Is.Zero);
    }
}
