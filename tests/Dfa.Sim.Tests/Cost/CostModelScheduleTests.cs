using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Tests.Cost;

/// <summary>
/// Every method's task graph on tiny workloads, against critical paths computed by hand on a device of round numbers,
/// and BP's and DFA's totals against <see cref="CostModel.Price"/>.
/// </summary>
public sealed class CostModelScheduleTests
{
    // 1 G MAC/s (2 GFLOP/s at full efficiency for any batch) and so much bandwidth that every task is compute-bound:
    // a task's time is MACs·1 ns + multiplies and adds·0.5 ns, up to ~1e-16 s of memory time.
    private const string Round = """
        version: 1
        name: round
        kind: digital
        description: "round numbers for hand-computed schedules"
        clock_hz: {value: 1.0e9, source: "assumption: test"}
        cores: {value: 1, source: "assumption: test"}
        compute:
          fp32_flops_per_s: {value: 2.0e9, source: "assumption: test"}
          gemm_efficiency: {value: 1, source: "assumption: test"}
          gemv_efficiency: {value: 1, source: "assumption: test"}
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
        """;

    private const double Ns = 1e-9;

    private static Prices RoundPrices => new(ProfileLoader.Parse(Round, "round.yaml"));

    /// <summary>
    /// hidden1 (4→3, tanh), hidden2 (3→3, tanh), output (3→2): F = 12, 9, 6 MACs; P = 15, 12, 8. A hidden block's
    /// tanh is 3 element-wise operations forward (1.5 ns), so its forward takes F + 1.5 ns; its delta is 3 derivative
    /// multiplies (1.5 ns).
    /// </summary>
    private static NetworkSpec Tiny => new(
        "tiny",
        [
            new BlockSpec("hidden1", [LayerSpec.Linear("fc1", 4, 3), LayerSpec.ActivationOf("act1", ActivationKind.Tanh, 3, new ModelConfig())]),
            new BlockSpec("hidden2", [LayerSpec.Linear("fc2", 3, 3), LayerSpec.ActivationOf("act2", ActivationKind.Tanh, 3, new ModelConfig())]),
            new BlockSpec("output", [LayerSpec.Linear("fc3", 3, 2)]),
        ]);

    private static TrainConfig Cnn(params string[] more) => ConfigLoader.Parse(
        "{}", "test", ["model.input_shape=[1, 8, 8]", "model.conv=[2, 3]", "model.conv_kernel=3", "model.conv_padding=1", "model.hidden=[5]", .. more]);

    /// <summary>The dense backend's prediction, written out: b·e·Σn MACs, 32·e·Σn bits read, error and signal bytes.</summary>
    private static FeedbackPlan Dense(FeedbackShape shape, int batch)
    {
        long e = shape.ErrorSize, n = shape.TotalLayerSize;
        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.Fp32MultiplyAdd, batch * e * n);
        perCall.Add(HardwareAction.FeedbackBitsRead, 32 * e * n);
        perCall.Add(HardwareAction.ErrorBytesRead, 4 * batch * e * shape.LayerSizes.Count);
        perCall.Add(HardwareAction.SignalBytesWritten, 4 * batch * n);
        return new FeedbackPlan("dense", new FeedbackPrediction(new FeedbackStorage("float32", 32 * e * n, 0, 0, 0), new ActionCounts(), perCall));
    }

    /// <summary>A method as a config states it: its kind and, where given, <c>modular.boundaries</c>, <c>freeze</c>, <c>hdfa.p</c>, <c>hdfa.gamma</c>.</summary>
    private static TrainConfig Method(
        TrainingAlgorithmKind kind, IReadOnlyList<string>? boundaries = null, IReadOnlyList<string>? frozen = null, double hdfaP = 0.1, double hdfaGamma = 0.5) =>
        new()
        {
            Algorithm = kind,
            Modular = new ModularConfig { Boundaries = boundaries ?? [] },
            Freeze = frozen ?? [],
            Hdfa = new HdfaConfig { P = hdfaP, Gamma = hdfaGamma },
        };

    private static MethodCost Price(TrainConfig method, NetworkSpec? network = null, int batch = 1, OptimizerKind optimizer = OptimizerKind.Sgd, Prices? prices = null) =>
        CostModel.Price(MethodPlan.For(method, network ?? Tiny), batch, s => Dense(s, batch), prices ?? RoundPrices, optimizer);

    [Test]
    public void Bp_CriticalPath_IsTheForwardChain_TheInputGradientChain_AndTheLowestBlocksUpdate()
    {
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        StepSchedule s = bp.Steps.Single();

        // forward (12 + 1.5) + (9 + 1.5) + 6 = 30; input-grad:output 6; delta:hidden2 3 multiplies = 1.5;
        // input-grad:hidden2 9; delta:hidden1 1.5; weight-grad:hidden1 12; update:hidden1 2·15 = 30.
        Assert.That(bp.CriticalPathSeconds, Is.EqualTo(90 * Ns).Within(1e-6 * Ns));
        Assert.That(s.CriticalPath, Is.EqualTo(new[]
        {
            "forward:hidden1", "forward:hidden2", "forward:output", "delta:output", "input-grad:output", "delta:hidden2",
            "input-grad:hidden2", "delta:hidden1", "weight-grad:hidden1", "update:hidden1",
        }));
        BlockSpan hidden2 = s.Blocks[1];
        Assert.That(hidden2.WaitsOn, Is.EqualTo("input-grad:output"));
        Assert.That(hidden2.BackwardStart!.Value, Is.EqualTo(36 * Ns).Within(1e-6 * Ns));
        Assert.That(hidden2.Finish, Is.EqualTo((37.5 + 9 + 24) * Ns).Within(1e-6 * Ns), "hidden2's weight gradient and update run beside the chain");
        Assert.That(bp.Method, Is.EqualTo("BP"));
        Assert.That(bp.Backend, Is.Null);
    }

    [Test]
    public void Dfa_CriticalPath_IsForward_Projection_AndTheSlowestBlocksDeltaGradientAndUpdate()
    {
        MethodCost dfa = Price(Method(TrainingAlgorithmKind.Dfa));
        StepSchedule s = dfa.Steps.Single();

        // forward 30; projection e=2 onto 3+3: 12 MACs; hidden1: delta 1.5 + gradient 12 + update 30 = 43.5
        // (hidden2: 1.5 + 9 + 24 = 34.5; output: 6 + 16 = 22 after the forward).
        Assert.That(dfa.CriticalPathSeconds, Is.EqualTo((30 + 12 + 43.5) * Ns).Within(1e-6 * Ns));
        Assert.That(s.CriticalPath, Is.EqualTo(new[]
        {
            "forward:hidden1", "forward:hidden2", "forward:output", "projection:hidden1..output", "delta:hidden1", "weight-grad:hidden1", "update:hidden1",
        }));
        Assert.That(s.Blocks.Select(b => b.WaitsOn), Is.EqualTo(new[] { "projection:hidden1..output", "projection:hidden1..output", "forward:output" }));
        Assert.That(s.Blocks[2].Finish, Is.EqualTo((30 + 6 + 16) * Ns).Within(1e-6 * Ns));
        Assert.That(dfa.Backend, Is.EqualTo("dense"));
        Assert.That(dfa.FeedbackStorageBytes, Is.EqualTo(4 * 2 * 6));
    }

    [Test]
    public void Modular_WithOneModule_IsDfa()
    {
        MethodCost modular = Price(Method(TrainingAlgorithmKind.Modular));
        MethodCost dfa = Price(Method(TrainingAlgorithmKind.Dfa));
        AssertSameStep(modular, dfa);
    }

    [Test]
    public void Modular_WithEveryBlockItsOwnModule_IsBp()
    {
        MethodCost modular = Price(Method(TrainingAlgorithmKind.Modular, boundaries: ["hidden2", "output"]));
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        AssertSameStep(modular, bp);
        Assert.That(modular.Steps[0].Phases[1].Name, Is.EqualTo("backward"));
    }

    [Test]
    public void Modular_WithTwoModules_FeedsTheLowerModuleFromTheInputGradientOfTheUpperOnesLowestBlock()
    {
        // Modules hidden1 | hidden2, output. Upper: projection e=2 onto hidden2 (6 MACs) after the forward (30).
        // hidden2: delta 1.5 at 36 → input-grad:hidden2 9 → 46.5 → delta:hidden1 1.5 → 48 → gradient 12 → update 30 = 90.
        MethodCost m = Price(Method(TrainingAlgorithmKind.Modular, boundaries: ["hidden2"]));
        StepSchedule s = m.Steps.Single();
        Assert.That(s.Tasks.Select(t => t.Name).Where(n => n.StartsWith("projection", StringComparison.Ordinal)), Is.EqualTo(new[] { "projection:hidden2..output" }));
        Assert.That(s.Blocks[0].WaitsOn, Is.EqualTo("input-grad:hidden2"));
        Assert.That(m.CriticalPathSeconds, Is.EqualTo(90 * Ns).Within(1e-6 * Ns));
        Assert.That(s.Phases[1].Name, Is.EqualTo("feedback+backward"));
    }

    [Test]
    public void Hybrid_IsModular_WithEachConvBlockAlone_AndTheFullyConnectedBlocksTogether()
    {
        NetworkSpec cnn = NetworkSpec.From(Cnn(), 64, 4);
        MethodCost hybrid = Price(Method(TrainingAlgorithmKind.Hybrid), cnn, batch: 2);
        MethodCost modular = Price(Method(TrainingAlgorithmKind.Modular, boundaries: ["conv2", "hidden1"]), cnn, batch: 2);
        AssertSameStep(hybrid, modular);
        Assert.That(hybrid.Steps[0].Blocks.Select(b => b.WaitsOn), Is.EqualTo(new[] { "input-grad:conv2", "input-grad:hidden1", "projection:hidden1..output", "forward:output" }));
    }

    [Test]
    public void Hdfa_WithP0_IsDfaPlusTheMomentumMix()
    {
        MethodCost hdfa = Price(Method(TrainingAlgorithmKind.Hdfa, hdfaP: 0, hdfaGamma: 0.3));
        MethodCost dfa = Price(Method(TrainingAlgorithmKind.Dfa));
        const double p = 35; // parameters

        Assert.That(hdfa.Operations["fp32_mul"], Is.EqualTo(dfa.Operations["fp32_mul"] + (2 * p)));
        Assert.That(hdfa.Operations["fp32_add"], Is.EqualTo(p));
        Assert.That(hdfa.Operations["fp32_mac"], Is.EqualTo(dfa.Operations["fp32_mac"]));
        Assert.That(hdfa.WorkingSetBytes, Is.EqualTo(dfa.WorkingSetBytes + (4 * p)), "a second momentum buffer");
        // hidden1's update also mixes: 2·15 multiplies + 15 adds = 45 at 2 G/s = 22.5.
        Assert.That(hdfa.CriticalPathSeconds, Is.EqualTo((30 + 12 + 43.5 + 22.5) * Ns).Within(1e-6 * Ns));
    }

    [Test]
    public void Hdfa_WithP1_IsBpPlusTheExtraState()
    {
        MethodCost hdfa = Price(Method(TrainingAlgorithmKind.Hdfa, hdfaP: 1));
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        MethodCost dfa = Price(Method(TrainingAlgorithmKind.Dfa));
        Assert.That(hdfa.Operations, Is.EqualTo(bp.Operations));
        Assert.That(hdfa.TimeSeconds, Is.EqualTo(bp.TimeSeconds).Within(1e-12 * bp.TimeSeconds));
        Assert.That(hdfa.CriticalPathSeconds, Is.EqualTo(bp.CriticalPathSeconds).Within(1e-12 * bp.CriticalPathSeconds));
        Assert.That(hdfa.WorkingSetBytes, Is.EqualTo(bp.WorkingSetBytes + (4 * 35) + dfa.FeedbackStorageBytes), "the DFA momentum and the DFA steps' feedback matrix");
    }

    [Test]
    public void Hdfa_ExpectedStep_IsPTimesBpPlusOneMinusPTimesTheMixedDfaStep()
    {
        MethodCost hdfa = Price(Method(TrainingAlgorithmKind.Hdfa, hdfaP: 0.25));
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        MethodCost mixed = Price(Method(TrainingAlgorithmKind.Hdfa, hdfaP: 0));
        Assert.That(hdfa.CriticalPathSeconds, Is.EqualTo((0.25 * 90 * Ns) + (0.75 * 108 * Ns)).Within(1e-6 * Ns));
        Assert.That(hdfa.Operations["fp32_mac"], Is.EqualTo((0.25 * bp.Operations["fp32_mac"]) + (0.75 * mixed.Operations["fp32_mac"])).Within(1e-9));
        Assert.That(hdfa.EnergyJ, Is.EqualTo((0.25 * bp.EnergyJ) + (0.75 * mixed.EnergyJ)).Within(1e-12 * hdfa.EnergyJ));
        Assert.That(hdfa.Steps.Select(s => (s.Label, s.Probability)), Is.EqualTo(new[] { ("bp step", 0.25), ("dfa step", 0.75) }));
    }

    [Test]
    public void FrozenBlocks_RunForwardOnly()
    {
        // DFA with hidden1 frozen: the projection feeds hidden2 only (e=2 onto 3: 6 MACs); hidden1 has no other task.
        MethodCost dfa = Price(Method(TrainingAlgorithmKind.Dfa, frozen: ["hidden1"]));
        StepSchedule s = dfa.Steps.Single();
        Assert.That(s.Tasks.Where(t => t.Block == "hidden1").Select(t => t.Name), Is.EqualTo(new[] { "forward:hidden1" }));
        Assert.That(s.Blocks[0].Frozen, Is.True);
        Assert.That(s.Blocks[0].BackwardStart, Is.Null);
        Assert.That(dfa.Frozen, Is.EqualTo(new[] { "hidden1" }));
        // MACs: forward 27, projection 6, gradients 9 + 6, updates 2·(12 + 8).
        Assert.That(dfa.Operations["fp32_mac"], Is.EqualTo(27 + 6 + 15 + 40));
        Assert.That(dfa.Operations["fp32_mul"], Is.EqualTo(3), "hidden2's derivative only");
        Assert.That(dfa.Operations["parameter_write"], Is.EqualTo(20));
        Assert.That(dfa.Operations["elementwise"], Is.EqualTo(6), "both tanh forward, though hidden1 is frozen");
        Assert.That(dfa.CriticalPathSeconds, Is.EqualTo((30 + 6 + 1.5 + 9 + 24) * Ns).Within(1e-6 * Ns));

        // BP with hidden1 frozen: no input gradient into it. Path: forward 30, input-grad:output 6, delta 1.5, gradient 9, update 24.
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp, frozen: ["hidden1"]));
        Assert.That(bp.Steps[0].Tasks.Select(t => t.Name), Does.Not.Contain("input-grad:hidden2"));
        Assert.That(bp.CriticalPathSeconds, Is.EqualTo((30 + 6 + 1.5 + 9 + 24) * Ns).Within(1e-6 * Ns));
        Assert.That(bp.WorkingSetBytes, Is.EqualTo((12 * 20) + (4 * 15) + (4 * 12)), "12 bytes per trainable parameter, 4 per frozen one, 4 per activation");
    }

    [Test]
    public void Fa_HasBpsWork_AndStoresOneBPerLinearThatPassesAnError()
    {
        MethodCost fa = Price(Method(TrainingAlgorithmKind.Fa));
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        Assert.That(fa.Operations, Is.EqualTo(bp.Operations));
        Assert.That(fa.CriticalPathSeconds, Is.EqualTo(bp.CriticalPathSeconds));
        Assert.That(fa.FeedbackStorageBytes, Is.EqualTo(4 * (9 + 6)), "B for hidden2 (3×3) and output (3×2); none for the first layer");
        Assert.That(fa.WorkingSetBytes, Is.EqualTo(bp.WorkingSetBytes + 60));
    }

    [Test]
    public void Fa_ThroughAConvolution_StoresAKernelBForEveryConvolutionThatPassesAnError()
    {
        // conv1 1→2 (8×8, pooled to 4×4), conv2 2→3 k3: 54 weights; hidden1 12→5: 60; output 5→4: 20.
        NetworkSpec cnn = NetworkSpec.From(Cnn(), 64, 4);
        MethodCost fa = Price(Method(TrainingAlgorithmKind.Fa), cnn, batch: 2);
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp), cnn, batch: 2);
        Assert.That(fa.FeedbackStorageBytes, Is.EqualTo(4 * (54 + 60 + 20)));
        Assert.That(fa.Operations, Is.EqualTo(bp.Operations));
        Assert.That(fa.CriticalPathSeconds, Is.EqualTo(bp.CriticalPathSeconds));
    }

    [Test]
    public void Drtp_HiddenBlocksWaitOnlyOnTheirOwnForwardAndTheTargetProjection()
    {
        // Projection of the targets (e=2 onto 3+3: 12 MACs) from t = 0. hidden1: forward 0–13.5 (12 MACs, tanh 1.5),
        // delta at 13.5 (1.5), gradient 12, update 30 → 57. hidden2: forward 13.5–24, delta 24–25.5, gradient 9, update
        // 24 → 58.5. output: forward 24–30, delta 30, gradient 6, update 16 → 52. DFA's hidden deltas wait for the whole
        // forward: 85.5.
        MethodCost drtp = Price(Method(TrainingAlgorithmKind.Drtp));
        StepSchedule s = drtp.Steps.Single();
        ScheduledTask Task(string name) => s.Tasks.Single(t => t.Name == name);

        Assert.That(Task("projection:hidden1..output").WaitsOn, Is.Empty);
        Assert.That(Task("delta:hidden1").WaitsOn, Is.EqualTo(new[] { "projection:hidden1..output", "forward:hidden1" }));
        Assert.That(Task("delta:hidden1").Start, Is.EqualTo(13.5 * Ns).Within(1e-6 * Ns));
        Assert.That(Task("delta:hidden2").Start, Is.EqualTo(24 * Ns).Within(1e-6 * Ns));
        Assert.That(Task("delta:output").WaitsOn, Is.EqualTo(new[] { "forward:output" }));
        Assert.That(drtp.CriticalPathSeconds, Is.EqualTo(58.5 * Ns).Within(1e-6 * Ns));
        Assert.That(drtp.Operations, Is.EqualTo(Price(Method(TrainingAlgorithmKind.Dfa)).Operations), "DFA's work, another schedule");
        Assert.That(drtp.Method, Is.EqualTo("DRTP"));
        Assert.That(drtp.Backend, Is.EqualTo("dense"));
    }

    [TestCase(TrainingAlgorithmKind.Usf, 0, 90.0)]
    [TestCase(TrainingAlgorithmKind.Frsf, 60, 90.0)]
    [TestCase(TrainingAlgorithmKind.Brsf, 0, 111.0)]
    public void SignSymmetry_HasBpsChain_AndMakesItsFeedbackFromTheWeightsBesideTheForward(TrainingAlgorithmKind kind, long storage, double critical)
    {
        // make-feedback per block that passes an error (hidden2: 9 weights, output: 6), from t = 0: a compare per weight
        // (0.5 ns); frSF and brSF also a multiply; brSF 11 integer operations per draw (0.5 ns each on this device).
        // uSF: 4.5 and 3 ns, long done when the input gradients need them (BP's 90). brSF: hidden2's takes 9·13·0.5 =
        // 58.5 ns, so input-grad:hidden2 starts at 58.5, not 37.5: 58.5 + 9 + delta 1.5 + gradient 12 + update 30 = 111.
        MethodCost sign = Price(Method(kind));
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        StepSchedule s = sign.Steps.Single();
        Assert.That(s.Tasks.Where(t => t.Name.StartsWith("make-feedback:", StringComparison.Ordinal)).Select(t => (t.Name, t.Start)),
            Is.EqualTo(new[] { ("make-feedback:output", 0.0), ("make-feedback:hidden2", 0.0) }));
        Assert.That(s.Tasks.Single(t => t.Name == "input-grad:hidden2").WaitsOn, Is.EqualTo(new[] { "delta:hidden2", "make-feedback:hidden2" }));
        Assert.That(sign.CriticalPathSeconds, Is.EqualTo(critical * Ns).Within(1e-6 * Ns));
        Assert.That(sign.FeedbackStorageBytes, Is.EqualTo(storage));
        Assert.That(sign.Operations["fp32_compare"], Is.EqualTo(15));
        Assert.That(sign.Operations.GetValueOrDefault("int_add"), Is.EqualTo(kind == TrainingAlgorithmKind.Brsf ? 11 * 15 : 0));
        Assert.That(sign.Operations["fp32_mac"], Is.EqualTo(bp.Operations["fp32_mac"]));
    }

    [TestCase(0.0, 90.0)]
    [TestCase(0.1, 96.0)]
    public void KolenPollack_HasBpsChain_StoresB_AndUpdatesItAfterEachWeightsUpdate(double decay, double critical)
    {
        // update-feedback:B after update:B for hidden2 (9 adds, + 9 multiplies with decay) and output (6). With decay every
        // update also scales its weights: hidden1's update takes 30 + 12·0.5 = 36 ns, so the critical path is 90 + 6.
        MethodCost kp = Price(Method(TrainingAlgorithmKind.KolenPollack) with { KolenPollack = new KolenPollackConfig { Decay = decay } });
        MethodCost bp = Price(Method(TrainingAlgorithmKind.Bp));
        StepSchedule s = kp.Steps.Single();
        Assert.That(s.Tasks.Single(t => t.Name == "update-feedback:hidden2").WaitsOn, Is.EqualTo(new[] { "update:hidden2" }));
        Assert.That(s.Tasks.Any(t => t.Name == "update-feedback:hidden1"), Is.False, "the lowest layer passes no error, so has no B");
        Assert.That(kp.CriticalPathSeconds, Is.EqualTo(critical * Ns).Within(1e-6 * Ns));
        Assert.That(kp.FeedbackStorageBytes, Is.EqualTo(4 * (9 + 6)));
        Assert.That(kp.Operations["fp32_add"], Is.EqualTo(bp.Operations.GetValueOrDefault("fp32_add") + 15));
        Assert.That(kp.Operations.GetValueOrDefault("fp32_mul") - bp.Operations.GetValueOrDefault("fp32_mul"), Is.EqualTo(decay > 0 ? 15 + 27 : 0));
        Assert.That(kp.Operations["parameter_write"], Is.EqualTo(bp.Operations["parameter_write"] + 15));
        Assert.That(kp.Method, Is.EqualTo("KOLEN_POLLACK"));
    }

    [TestCase("freeze", "hidden2")]
    [TestCase("freeze", "nope")]
    [TestCase("boundaries", "nope")]
    public void UnknownOrNonPrefixBlocks_AreInputErrors(string what, string name)
    {
        TrainConfig method = what == "freeze"
            ? Method(TrainingAlgorithmKind.Dfa, frozen: [name])
            : Method(TrainingAlgorithmKind.Modular, boundaries: [name]);
        Assert.That(() => Price(method), Throws.TypeOf<DfaInputException>().With.Message.Contains(name));
    }

    [TestCase(TrainingAlgorithmKind.Bp)]
    [TestCase(TrainingAlgorithmKind.Fa)]
    [TestCase(TrainingAlgorithmKind.Dfa)]
    [TestCase(TrainingAlgorithmKind.Hybrid)]
    [TestCase(TrainingAlgorithmKind.Modular)]
    [TestCase(TrainingAlgorithmKind.Hdfa)]
    [TestCase(TrainingAlgorithmKind.Usf)]
    [TestCase(TrainingAlgorithmKind.Brsf)]
    [TestCase(TrainingAlgorithmKind.Frsf)]
    [TestCase(TrainingAlgorithmKind.KolenPollack)]
    [TestCase(TrainingAlgorithmKind.Drtp)]
    public void EveryMethod_WithAndWithoutFrozenBlocks_HasACriticalPathNoLongerThanItsStep(TrainingAlgorithmKind kind)
    {
        TrainConfig cnn = ConfigLoader.Parse("{}", "test", ["model.input_shape=[1, 8, 8]", "model.hidden=[5, 5]", "model.conv=[2, 3]", "model.conv_kernel=3", "model.conv_padding=1"]);
        NetworkSpec w = NetworkSpec.From(cnn, 64, 4);
        var toy = new Prices(ProfileLoader.Parse(Round.Replace("1.0e18", "1.0e10", StringComparison.Ordinal), "toy.yaml")); // memory-bound tasks
        foreach (string[] frozen in new[] { Array.Empty<string>(), [w.Blocks[0].Name] })
        {
            TrainConfig method = Method(kind, boundaries: ["hidden2"], frozen: frozen) with { KolenPollack = new KolenPollackConfig { Decay = 0.01 } };
            MethodCost m = Price(method, w, 16, OptimizerKind.Adam, toy);
            foreach (StepSchedule s in m.Steps)
            {
                Assert.That(s.CriticalPathSeconds, Is.LessThanOrEqualTo(s.TimeSeconds * (1 + 1e-12)), $"{kind} {s.Label} frozen {frozen.Length}");
                Assert.That(s.CriticalPathSeconds, Is.EqualTo(s.Tasks.Max(t => t.Finish)));
            }
        }
    }

    private static void AssertSameStep(MethodCost a, MethodCost b)
    {
        Assert.That(a.Operations, Is.EqualTo(b.Operations));
        Assert.That(a.TimeSeconds, Is.EqualTo(b.TimeSeconds).Within(1e-12 * b.TimeSeconds));
        Assert.That(a.CriticalPathSeconds, Is.EqualTo(b.CriticalPathSeconds).Within(1e-12 * b.CriticalPathSeconds));
        Assert.That(a.EnergyJ, Is.EqualTo(b.EnergyJ).Within(1e-12 * b.EnergyJ));
        Assert.That(a.WorkingSetBytes, Is.EqualTo(b.WorkingSetBytes));
        Assert.That(a.Steps[0].CriticalPath, Is.EqualTo(b.Steps[0].CriticalPath));
        Assert.That(a.Steps[0].Tasks.Select(t => (t.Name, t.Start, t.Finish)), Is.EqualTo(b.Steps[0].Tasks.Select(t => (t.Name, t.Start, t.Finish))));
    }
}
