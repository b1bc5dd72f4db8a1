using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;

namespace Dfa.Sim.Tests.Cost;

/// <summary>
/// <c>compute.gemm_half_rows</c>: a product of <c>m</c> rows runs at <c>gemm_efficiency · m / (m + m½)</c> at every
/// batch (no GEMV step at 16); other operations at <c>gemm_efficiency</c>. Hand-computed on a device of round numbers
/// (1 G MAC/s at full efficiency, element-wise 2 G/s, memory free).
/// </summary>
public sealed class GemmCurveTests
{
    private const double Ns = 1e-9;

    private static Prices Round(string? halfRows, double gemv = 1) => new(ProfileLoader.Parse($$"""
        version: 1
        name: round
        kind: digital
        description: "round numbers"
        clock_hz: {value: 1.0e9, source: "assumption: test"}
        cores: {value: 1, source: "assumption: test"}
        compute:
          fp32_flops_per_s: {value: 2.0e9, source: "assumption: test"}
          gemm_efficiency: {value: 1, source: "assumption: test"}
          gemv_efficiency: {value: {{gemv}}, source: "assumption: test"}
        {{(halfRows is null ? "" : $"  gemm_half_rows: {{value: {halfRows}, source: \"assumption: test\"}}")}}
        memory:
          - name: sram
            off_chip: false
            capacity_bytes: {value: 1.0e9, source: "assumption: test"}
            bandwidth_bytes_per_s: {value: 1.0e18, source: "assumption: test"}
            energy_j_per_byte: {value: 1.0e-12, source: "assumption: test"}
        energy:
          fp32_mac_j: {value: 4.0e-12, source: "assumption: test"}
          fp32_add_j: {value: 1.0e-12, source: "assumption: test"}
          static_w: {value: 2, source: "assumption: test"}
        """, "round.yaml"));

    private static FeedbackPlan Dense(int e, int n, int batch)
    {
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, (long)batch * e * n);
        return new FeedbackPlan("dense", new FeedbackPrediction(new FeedbackStorage("float32", 32L * e * n, 0, 0, 0), new ActionCounts(), perCall));
    }

    [TestCase(16, 384.0)] // 192 MACs at 16 / (16 + 16) = 0.5 G/s
    [TestCase(48, 768.0)] // 576 MACs at 0.75 G/s
    [TestCase(4, 240.0)] // 48 MACs at 0.2 G/s: below the old threshold, the same curve
    public void Projection_RunsAtTheCurvesEfficiencyForItsBatch(int batch, double nanoseconds)
    {
        ProjectionCost cost = CostModel.PriceProjection(Dense(2, 6, batch), batch, Round("16"));

        Assert.That(cost.TimeSeconds, Is.EqualTo(nanoseconds * Ns).Within(1e-6 * Ns));
    }

    [Test]
    public void AnFp16Product_OnAProfileWithoutAnFp16Rate_FollowsTheSameCurve()
    {
        // No fp16_flops_per_s: FP16 multiply-adds run at the FP32 rate, on the curve like FP32's (384 ns at batch 16).
        ProjectionCost fp16 = CostModel.PriceProjection(Dense(2, 6, 16).AsFp16("dense-fp16"), 16, Round("16"));

        Assert.That(fp16.TimeSeconds, Is.EqualTo(384 * Ns).Within(1e-6 * Ns));
    }

    [Test]
    public void WithoutTheField_TheBatchThresholdDecides()
    {
        Assert.That(CostModel.PriceProjection(Dense(2, 6, 8), 8, Round(null, gemv: 0.25)).TimeSeconds, Is.EqualTo(96 / 0.25 * Ns).Within(1e-6 * Ns), "batch 8: gemv_efficiency");
        Assert.That(CostModel.PriceProjection(Dense(2, 6, 16), 16, Round(null, gemv: 0.25)).TimeSeconds, Is.EqualTo(192 * Ns).Within(1e-6 * Ns), "batch 16: gemm_efficiency");
    }

    [Test]
    public void Bp_OnTheTinyMlp_ProductsFollowTheCurve_ElementwiseAndUpdatesDoNot()
    {
        // hidden1 4→3 tanh, hidden2 3→3 tanh, output 3→2; batch 16, m½ = 16: every product at 0.5 (2 ns per MAC), tanh
        // and its derivative 0.5 ns per element, SGD's 2 MACs per parameter at gemm_efficiency (1 ns).
        // forward 192·2 + 24 + 144·2 + 24 + 96·2 = 912; input-grad:output 96·2 = 192; delta:hidden2 24;
        // input-grad:hidden2 288; delta:hidden1 24; weight-grad:hidden1 384; update:hidden1 30 → 1854 ns.
        var tiny = new NetworkSpec(
            "tiny",
            [
                new BlockSpec("hidden1", [LayerSpec.Linear("fc1", 4, 3), LayerSpec.ActivationOf("act1", ActivationKind.Tanh, 3, new ModelConfig())]),
                new BlockSpec("hidden2", [LayerSpec.Linear("fc2", 3, 3), LayerSpec.ActivationOf("act2", ActivationKind.Tanh, 3, new ModelConfig())]),
                new BlockSpec("output", [LayerSpec.Linear("fc3", 3, 2)]),
            ]);
        MethodCost bp = CostModel.Price(MethodPlan.For(new TrainConfig { Algorithm = TrainingAlgorithmKind.Bp }, tiny), 16, null, Round("16"), OptimizerKind.Sgd);

        Assert.That(bp.CriticalPathSeconds, Is.EqualTo(1854 * Ns).Within(1e-6 * Ns));
    }

    [Test]
    public void AttentionsProducts_HaveBatchTimesTokensRows()
    {
        // One block: an attention over 8 tokens of width 4, 2 heads, forward only priced by BP at batch 1 with m½ = 8:
        // its q·k and p·v products have 1 × 8 = 8 rows, so they run at 8 / (8 + 8) = 0.5 (with batch-only rows, 1/9).
        var spec = new NetworkSpec("att", [new BlockSpec("b", [LayerSpec.AttentionOf("att", 8, 4, 2)]), new BlockSpec("output", [LayerSpec.TokenLinear("fc", 8, 4, 2)])]);
        LayerSpec att = spec.Blocks[0].Layers[0];
        MethodCost half = CostModel.Price(MethodPlan.For(new TrainConfig { Algorithm = TrainingAlgorithmKind.Bp }, spec), 1, null, Round("8"), OptimizerKind.Sgd);
        MethodCost full = CostModel.Price(MethodPlan.For(new TrainConfig { Algorithm = TrainingAlgorithmKind.Bp }, spec), 1, null, Round("1e-9"), OptimizerKind.Sgd);
        double Forward(MethodCost m) => m.Steps.Single().Tasks.Single(t => t.Name == "forward:b").Finish;

        // The products' MACs cost twice as long at 0.5 as at 1; the softmax (element-wise) the same in both.
        Assert.That(Forward(half) - Forward(full), Is.EqualTo(att.ForwardMacs * Ns).Within(1e-3 * att.ForwardMacs * Ns));
    }

    [Test]
    public void AConvolutionsRows_AreBatchTimesOutputPixels()
    {
        // A conv 1→2 channels, 3×3, padding 1 on 8×8 (then pooled): 64 output pixels per sample, so batch 2 has 128 rows: at m½ = 128
        // its products run at 0.5, where a Linear of the same batch (2 rows) would run at 2/130.
        TrainConfig config = ConfigLoader.Parse("{}", "test", ["model.input_shape=[1, 8, 8]", "model.conv=[2]", "model.conv_kernel=3", "model.conv_padding=1", "model.hidden=[5]"]);
        NetworkSpec cnn = NetworkSpec.From(config, 64, 4);
        LayerSpec conv = cnn.Blocks[0].Layers.First(l => l.Kind == LayerKind.Conv2d);
        MethodCost half = CostModel.Price(MethodPlan.For(config with { Algorithm = TrainingAlgorithmKind.Bp }, cnn), 2, null, Round("128"), OptimizerKind.Sgd);
        MethodCost full = CostModel.Price(MethodPlan.For(config with { Algorithm = TrainingAlgorithmKind.Bp }, cnn), 2, null, Round("1e-9"), OptimizerKind.Sgd);
        StepSchedule h = half.Steps.Single(), f = full.Steps.Single();
        double Forward(StepSchedule s) => s.Tasks.Single(t => t.Name == $"forward:{cnn.Blocks[0].Name}").Finish;

        // The conv block's forward: its product takes twice as long at 0.5; its ReLU (element-wise) the same.
        double productAtFull = 2.0 * conv.ForwardMacs * Ns;
        Assert.That(Forward(h) - Forward(f), Is.EqualTo(productAtFull).Within(1e-3 * productAtFull));
    }
}
