using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Cost;

/// <summary>The one cost engine's phases, rates and energy against hand-computed rooflines on small, fully known profiles.</summary>
public sealed class CostModelTests
{
    // A toy digital device: 1 TFLOP/s fp32 at full efficiency, 100 GB/s, 1 MB on-chip then 1 GB off-chip.
    private const string Toy = """
        version: 1
        name: toy
        kind: digital
        description: "a toy device with round numbers"
        clock_hz: {value: 1.0e9, source: "assumption: test"}
        cores: {value: 1, source: "assumption: test"}
        compute:
          fp32_flops_per_s: {value: 1.0e12, source: "assumption: test"}
          int_add_ops_per_s: {value: 4.0e12, source: "assumption: test"}
          gemm_efficiency: {value: 1, source: "assumption: test"}
          gemv_efficiency: {value: 0.5, source: "assumption: test"}
        memory:
          - name: sram
            off_chip: false
            capacity_bytes: {value: 1.0e6, source: "assumption: test"}
            bandwidth_bytes_per_s: {value: 1.0e12, source: "assumption: test"}
            energy_j_per_byte: {value: 1.0e-12, source: "assumption: test"}
          - name: dram
            off_chip: true
            capacity_bytes: {value: 1.0e9, source: "assumption: test"}
            bandwidth_bytes_per_s: {value: 1.0e11, source: "assumption: test"}
            energy_j_per_byte: {value: 1.0e-10, source: "assumption: test"}
        energy:
          fp32_mac_j: {value: 4.0e-12, source: "assumption: test"}
          fp32_add_j: {value: 1.0e-12, source: "assumption: test"}
          int_add_j: {value: 0.1e-12, source: "assumption: test"}
          static_w: {value: 2, source: "assumption: test"}
        """;

    private static Prices ToyPrices => new(ProfileLoader.Parse(Toy, "toy.yaml"));

    private static FeedbackPlan DensePlan(FeedbackShape shape, int batch)
    {
        // The dense backend's prediction, written out: batch·e·Σn MACs, 32·e·Σn bits read, error and signal bytes.
        long e = shape.ErrorSize, n = shape.TotalLayerSize;
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, batch * e * n);
        perCall.Add(HardwareAction.FeedbackBitsRead, 32 * e * n);
        perCall.Add(HardwareAction.ErrorBytesRead, 4 * batch * e * shape.LayerSizes.Count);
        perCall.Add(HardwareAction.SignalBytesWritten, 4 * batch * n);
        return new FeedbackPlan("dense", new FeedbackPrediction(new FeedbackStorage("float32", 32 * e * n, 0, 0, 0), new ActionCounts(), perCall, FeedbackPrecision.Fp32));
    }

    /// <summary>One step of BP (<paramref name="feedback"/> null) or of DFA through <paramref name="feedback"/> on <paramref name="network"/>.</summary>
    private static MethodCost Step(NetworkSpec network, int batch, FeedbackPlan? feedback, Prices prices, OptimizerKind optimizer = OptimizerKind.Sgd) =>
        CostModel.Price(
            MethodPlan.For(new TrainConfig { Algorithm = feedback is null ? TrainingAlgorithmKind.Bp : TrainingAlgorithmKind.Dfa }, network),
            batch, feedback is null ? null : _ => feedback, prices, optimizer);

    [Test]
    public void Bp_OnTheToyDevice_IsTheHandComputedRoofline()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10); // 100-50-10: P = 5050 + 510 = 5560, F = 5500, A = 160
        MethodCost row = Step(w, 32, null, ToyPrices);

        double p = 5560, a = 160, b = 32;
        double workingSet = (12 * p) + (4 * b * a); // weights, gradients, momentum, activations
        Assert.That(row.WorkingSetBytes, Is.EqualTo(workingSet));
        Assert.That(row.Residence, Is.EqualTo("sram"));
        Assert.That(row.Fits, Is.True);

        // forward: b·5500 MACs at 0.5 T MAC/s and the activation's b·50 ops at 1 T op/s; bytes at 1 TB/s, each layer
        // its own kernel: fc1 reads its weights and 100 inputs and writes 50 (4·5050 + 4b·150), the activation reads
        // and writes 50 (4b·100), fc2 reads its weights, 50 inputs, writes 10 (4·510 + 4b·60).
        PhaseCost forward = row.Phases[0];
        Assert.That(forward.ComputeSeconds, Is.EqualTo((b * 5500 / 0.5e12) + (b * 50 / 1e12)).Within(1e-18));
        Assert.That(forward.MemorySeconds, Is.EqualTo(((4 * p) + (4 * b * (150 + 100 + 60))) / 1e12).Within(1e-18));
        // backward: input gradients of the second layer only (500 MACs) and b·H = b·50 derivative ops.
        PhaseCost backward = row.Phases[1];
        Assert.That(backward.Name, Is.EqualTo("backward"));
        Assert.That(backward.ComputeSeconds, Is.EqualTo((b * 500 / 0.5e12) + (b * 50 / 1e12)).Within(1e-18));
        // update: b·5500 weight-gradient MACs + 2P optimizer MACs.
        Assert.That(row.Phases[2].ComputeSeconds, Is.EqualTo(((b * 5500) + (2 * p)) / 0.5e12).Within(1e-18));
        Assert.That(row.TimeSeconds, Is.EqualTo(row.Phases.Sum(ph => ph.Seconds)).Within(1e-18));
        Assert.That(row.CriticalPathSeconds, Is.LessThan(row.TimeSeconds), "the upper block's weight gradient and update run beside the chain");
        Assert.That(row.Steps[0].CriticalPath, Is.EqualTo(new[] { "forward:fc1", "forward:fc2", "delta:fc2", "input-grad:fc2", "delta:fc1", "weight-grad:fc1", "update:fc1" }));
        Assert.That(row.Cycles, Is.EqualTo(row.TimeSeconds * 1e9).Within(1e-6));

        double macs = (b * 5500) + (b * 500) + (b * 5500) + (2 * p);
        Assert.That(row.Operations["fp32_mac"], Is.EqualTo(macs));
        Assert.That(row.Operations["elementwise"], Is.EqualTo(b * 50), "the activation");
        Assert.That(row.Operations["fp32_mul"], Is.EqualTo(b * 50), "the multiply by its derivative");
        Assert.That(row.Energy.Compute, Is.EqualTo((macs * 4e-12) + (2 * b * 50 * 4e-12)).Within(1e-20));
        // forward as above; backward: fc2's input gradient (4·510 + 4b·60) and the derivative (read the error and
        // the activation, write the delta: 12b·50); update: the weight gradients (4b·150 + 4b·60 + 4P) and SGD (20P).
        double bytes = (4 * p) + (4 * b * 310) + (4 * 510) + (4 * b * 60) + (12 * b * 50) + (4 * b * 210) + (4 * p) + (20 * p);
        Assert.That(row.BytesByLevel["sram"], Is.EqualTo(bytes));
        Assert.That(row.Energy.OnChip, Is.EqualTo(bytes * 1e-12).Within(1e-20));
        Assert.That(row.Energy.OffChip, Is.Zero);
        Assert.That(row.Energy.Static, Is.EqualTo(2 * row.TimeSeconds).Within(1e-20));
        Assert.That(row.SamplesPerSecond, Is.EqualTo(b / row.TimeSeconds).Within(1e-6));
    }

    [Test]
    public void Dfa_PricesTheBackendsPredictedWork_AndUpdatesLayersInParallel()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50, 50], 10);
        FeedbackPlan plan = DensePlan(w.FeedbackShape, 32);
        MethodCost row = Step(w, 32, plan, ToyPrices);

        PhaseCost feedback = row.Phases[1];
        Assert.That(feedback.Name, Is.EqualTo("feedback"));
        double macs = 32.0 * 10 * 100; // e = 10 onto 50 + 50
        Assert.That(feedback.ComputeSeconds, Is.EqualTo((macs / 0.5e12) + (32.0 * 100 / 1e12)).Within(1e-18));
        // the matrix, the error read per layer and the signal written, then each hidden activation's derivative
        // (12 bytes per element: read the signal and the activation, write the delta).
        double bytes = (32.0 * 10 * 100 / 8) + (4.0 * 32 * 10 * 2) + (4.0 * 32 * 100) + (12.0 * 32 * 100);
        Assert.That(feedback.MemorySeconds, Is.EqualTo(bytes / 1e12).Within(1e-18));
        Assert.That(row.FeedbackStorageBytes, Is.EqualTo(4000));
        Assert.That(row.CriticalPathSeconds, Is.LessThan(row.TimeSeconds), "the blocks' updates run side by side after the projection");
        Assert.That(row.Steps[0].CriticalPath, Is.EqualTo(new[] { "forward:fc1", "forward:fc2", "forward:fc3", "projection:fc1..fc3", "delta:fc1", "weight-grad:fc1", "update:fc1" }));
    }

    [Test]
    public void Adam_IsAnOptimizerPhase_OfCountedElementwiseWork_AndTheUpdateKeepsOnlyItsGemms()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10); // P = 5560, F = 5500, A = 160
        MethodCost sgd = Step(w, 32, null, ToyPrices);
        MethodCost adam = Step(w, 32, null, ToyPrices, OptimizerKind.Adam);

        double p = 5560, b = 32;
        Assert.That(adam.Phases.Select(ph => ph.Name), Is.EqualTo(new[] { "forward", "backward", "update", "optimizer" }));
        Assert.That(adam.WorkingSetBytes, Is.EqualTo(sgd.WorkingSetBytes + (4 * p)), "Adam keeps two moments per parameter where SGD keeps one velocity");
        Assert.That(adam.Phases[0], Is.EqualTo(sgd.Phases[0]));
        Assert.That(adam.Phases[1], Is.EqualTo(sgd.Phases[1]));

        // update: only the b·5500 weight-gradient MACs; bytes: each product reads its input and output activations
        // (4b·150 + 4b·60) and writes its FP32 gradient (4P).
        Assert.That(adam.Phases[2].ComputeSeconds, Is.EqualTo(b * 5500 / 0.5e12).Within(1e-18));
        Assert.That(adam.Phases[2].MemorySeconds, Is.EqualTo(((4 * b * 210) + (4 * p)) / 1e12).Within(1e-18));

        // optimizer: 10 multiply-class + 5 adds per parameter at 1 TFLOP/s; 28 bytes per parameter at 1 TB/s.
        PhaseCost step = adam.Phases[3];
        Assert.That(step.ComputeSeconds, Is.EqualTo(15 * p / 1e12).Within(1e-18));
        Assert.That(step.MemorySeconds, Is.EqualTo(28 * p / 1e12).Within(1e-18));
        Assert.That(step.Seconds, Is.EqualTo(28 * p / 1e12).Within(1e-18), "Adam is memory-bound on this device");
        Assert.That(adam.TimeSeconds, Is.EqualTo(adam.Phases.Sum(ph => ph.Seconds)).Within(1e-18));

        Assert.That(adam.Operations["fp32_mac"], Is.EqualTo(sgd.Operations["fp32_mac"] - (2 * p)));
        Assert.That(adam.Operations["fp32_mul"], Is.EqualTo(sgd.Operations.GetValueOrDefault("fp32_mul") + (10 * p)));
        Assert.That(adam.Operations["fp32_add"], Is.EqualTo(5 * p));
        Assert.That(adam.Operations["parameter_write"], Is.EqualTo(p));
        Assert.That(adam.BytesByLevel["sram"], Is.EqualTo(sgd.BytesByLevel["sram"] - (20 * p) + (28 * p)));
        Assert.That(adam.Energy.Compute, Is.EqualTo(sgd.Energy.Compute - (2 * p * 4e-12) + (10 * p * 4e-12) + (5 * p * 1e-12)).Within(1e-18));
    }

    [Test]
    public void Adam_WithDfa_PutsOnlyTheSlowestBlocksOptimizerOnThePath()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50, 50], 10); // blocks of 5050, 2550, 510 parameters
        MethodCost row = Step(w, 32, DensePlan(w.FeedbackShape, 32), ToyPrices, OptimizerKind.Adam);
        StepSchedule s = row.Steps[0];
        Assert.That(s.CriticalPath[^1], Is.EqualTo("update:fc1"), "the largest block's optimizer pass ends the step");
        ScheduledTask[] updates = [.. s.Tasks.Where(t => t.Name.StartsWith("update:", StringComparison.Ordinal))];
        Assert.That(updates.Sum(t => t.Seconds), Is.EqualTo(row.Phases[3].Seconds).Within(1e-15), "the optimizer phase is its tasks' sum");
        Assert.That(row.CriticalPathSeconds, Is.LessThan(row.TimeSeconds - updates.Where(t => t.Name != "update:fc1").Sum(t => t.Seconds) + 1e-15));
    }

    [Test]
    public void Sgd_IsTheDefault()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        Assert.That(
            CostModel.Price(MethodPlan.For(new TrainConfig { Algorithm = TrainingAlgorithmKind.Bp }, w), 32, null, ToyPrices).TimeSeconds,
            Is.EqualTo(Step(w, 32, null, ToyPrices, OptimizerKind.Sgd).TimeSeconds));
    }

    [Test]
    public void WorkingSetBeyondEveryLevel_IsAVerdict_PricedAtTheLargestLevel()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100_000, 10_000], 10); // 1e9 weights: 8 GB of weights and gradients
        MethodCost row = Step(w, 1, null, ToyPrices);
        Assert.That(row.Fits, Is.False);
        Assert.That(row.Residence, Is.EqualTo("none"));
        Assert.That(row.BytesByLevel.Keys, Is.EqualTo(new[] { "dram" }));
        Assert.That(row.Energy.OffChip, Is.GreaterThan(0));
    }

    [Test]
    public void SmallBatches_RunAtTheGemvEfficiency()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        MethodCost small = Step(w, CostModel.GemmBatchThreshold - 1, null, ToyPrices);
        // 5500 MACs per sample at 0.5e12 FLOP/s / 2, and the ReLU's 50 element-wise ops per sample at 0.5e12 op/s.
        Assert.That(small.Phases[0].ComputeSeconds, Is.EqualTo(((CostModel.GemmBatchThreshold - 1) * 5500.0 / 0.25e12) + ((CostModel.GemmBatchThreshold - 1) * 50.0 / 0.5e12)).Within(1e-18));
    }

    [Test]
    public void OneBitAdds_AreIntegerAdds_OnlyOnAdderOnlyHardware()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32Add, 32 * 10 * 50);
        var plan = new FeedbackPlan("binary", new FeedbackPrediction(new FeedbackStorage("1-bit", 500, 0, 0, 0), new ActionCounts(), perCall, FeedbackPrecision.OneBit));

        MethodCost plain = Step(w, 32, plan, ToyPrices);
        Assert.That(plain.Operations["fp32_add"], Is.EqualTo(16000));

        string adderOnly = Toy.Replace("kind: digital", "kind: digital\ncapabilities: [adder_only_feedback]", StringComparison.Ordinal);
        MethodCost asic = Step(w, 32, plan, new Prices(ProfileLoader.Parse(adderOnly, "toy.yaml")));
        Assert.That(asic.Operations["int_add"], Is.EqualTo(16000));
        Assert.That(asic.Operations.ContainsKey("fp32_add"), Is.False);
        Assert.That(asic.Phases[1].ComputeSeconds, Is.LessThan(plain.Phases[1].ComputeSeconds), "4 T int adds/s against 1 T fp32 adds/s");
    }

    [Test]
    public void PrngFeedback_StoresAndReadsNoMatrix()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        string prng = Toy.Replace("kind: digital", "kind: digital\ncapabilities: [feedback_prng]", StringComparison.Ordinal);
        MethodCost row = Step(w, 32, DensePlan(w.FeedbackShape, 32), new Prices(ProfileLoader.Parse(prng, "toy.yaml")));
        Assert.That(row.FeedbackStorageBytes, Is.Zero);
        Assert.That(row.Layout, Does.Contain("PRNG"));
        // No matrix bytes: the error read and the signal written, then the hidden activation's derivative (read the signal and
        // the activation, write the delta: 3 × 4 bytes per element).
        Assert.That(row.Phases[1].MemorySeconds, Is.EqualTo(((4.0 * 32 * 10) + (4.0 * 32 * 50) + (3 * 4.0 * 32 * 50)) / 1e12).Within(1e-18));
    }

    [Test]
    public void InMemoryHardware_MovesActivationsButNoWeights()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        HardwareProfile rram = ProfileCatalog.Open(Dfa.Testing.RepoPaths.Combine("hardware-profiles")).Load("rram-cim-crossbar");
        MethodCost row = Step(w, 32, DensePlan(w.FeedbackShape, 32), new Prices(rram));
        double b = 32;
        // forward: fc1 100 in, 50 out; the activation 50 in, 50 out; fc2 50 in, 10 out; 4 bytes each, no weights.
        Assert.That(row.Phases[0].MemorySeconds * rram.Memory.First(m => m.Name == row.BytesByLevel.Keys.Single()).BandwidthBytesPerS.Value,
            Is.EqualTo(4 * b * 310).Within(1e-6), "forward moves activations only");
        // feedback: the error read, the signal written, the derivative (12 bytes per element); weight gradients read
        // their activations (4b·150 + 4b·60) and write nothing (the cells are updated in place).
        double feedbackBytes = (4.0 * 32 * 10) + (4.0 * 32 * 50) + (12.0 * 32 * 50);
        double total = (4 * b * 310) + feedbackBytes + (4 * b * 210);
        Assert.That(row.BytesByLevel.Values.Single(), Is.EqualTo(total).Within(1e-6));
    }

    [Test]
    public void InMemoryHardware_DoesNotFit_WhenParametersExceedItsCells()
    {
        HardwareProfile rram = ProfileCatalog.Open(Dfa.Testing.RepoPaths.Combine("hardware-profiles")).Load("rram-cim-crossbar");
        double cells = rram.Cim!.Arrays.Value * rram.Cim.ArrayRows.Value * rram.Cim.ArrayCols.Value;
        Assert.That(Step(WorkloadCatalog.Mlp([100, 50], 10), 1, null, new Prices(rram)).Fits, Is.True);
        NetworkSpec vgg = WorkloadCatalog.Vgg16(1000);
        Assert.That(vgg.Parameters, Is.GreaterThan(cells));
        Assert.That(Step(vgg, 1, null, new Prices(rram)).Fits, Is.False);
    }

    [Test]
    public void Prices_With_ChangesOneField_AndRejectsUnknownOnes()
    {
        Prices faster = ToyPrices.With("memory[dram].bandwidth_bytes_per_s", 1e12);
        Assert.That(faster.Levels[1].BandwidthBytesPerS, Is.EqualTo(1e12));
        Assert.That(ToyPrices.Levels[1].BandwidthBytesPerS, Is.EqualTo(1e11));
        Assert.That(() => ToyPrices.With("compute.fp64_flops_per_s", 1), Throws.InstanceOf<DfaInputException>().With.Message.Contains("compute.fp32_flops_per_s"));
        Assert.That(() => ToyPrices.With("clock_hz", -1), Throws.InstanceOf<DfaInputException>());
        Assert.That(() => ToyPrices.With("compute.fp32_flops_per_s", 0), Throws.InstanceOf<DfaInputException>().With.Message.Contains("positive"));
        Assert.That(() => ToyPrices.With("compute.gemm_efficiency", 1.5), Throws.InstanceOf<DfaInputException>().With.Message.Contains("fraction"));
        Assert.That(() => ToyPrices.With("cores", 1.5), Throws.InstanceOf<DfaInputException>().With.Message.Contains("whole"));
        Assert.That(ToyPrices.With("energy.static_w", 0)["energy.static_w"], Is.Zero);
    }

    [Test]
    public void AnalogPlan_OnADigitalProfile_IsAUserError()
    {
        NetworkSpec w = WorkloadCatalog.Mlp([100, 50], 10);
        var plan = new FeedbackPlan("optical", new FeedbackPrediction(new FeedbackStorage("optical", 0, 0, 0, 0), new ActionCounts(), new ActionCounts(), FeedbackPrecision.Analog), FeedbackDevice.Optical);
        Assert.That(() => Step(w, 1, plan, ToyPrices), Throws.InstanceOf<DfaInputException>().With.Message.Contains("needs an optical profile"));
    }
}
