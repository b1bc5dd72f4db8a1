using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Profiles;

namespace Dfa.Sim.Cost;

/// <summary>
/// The one cost engine: prices one training step of any method (BP included) as a graph of per-block tasks, counted
/// work × the prices of a profile, with the roofline and energy rules below applied to every task. A block is a
/// <see cref="BlockSpec"/> of the <see cref="NetworkSpec"/> (<c>conv1</c> = convolution, activation and pooling); a
/// module is a run of consecutive blocks, as the <see cref="MethodPlan"/> decides them for training too. With batch <c>b</c>, a block <c>B</c>'s forward, weight-gradient and input-gradient MACs
/// <c>F_B, G_B, I_B</c> per sample, parameters <c>P_B</c>, activations <c>a_B</c> (its layers' outputs), feedback-point
/// size <c>n_B</c>, and <c>w_B = 4·P_B</c> (0 on neuromorphic and compute-in-memory profiles, whose weights never move):
/// <list type="bullet">
/// <item><c>forward:B</c>: the forward kernels of B's layers (<see cref="LayerKernels"/>: each layer reads its inputs,
/// and a product its weights, and writes its outputs, at the run's <see cref="Precision"/>; <c>b·F_B</c> MACs in all,
/// plus the element-wise layers' ops). Waits on the forward of the block below.</item>
/// <item><c>projection:M</c>, per module <c>M</c> with a block to feed: the backend's predicted work for
/// <c>FeedbackShape(e_M → n_B of every trainable block of M but its top)</c>, priced by
/// <see cref="FeedbackWork"/>. <c>e_M</c> is <c>dL/dlogits</c> (size <c>e</c>) for the top module, else the gradient at the
/// module's output (size: its top block's output). Waits on the module's error.</item>
/// <item><c>delta:B</c>: the backward kernels of the layers above B's entry layer (its first with weights), residual
/// sums aside: each activation's derivative (<c>b</c> multiplies per output, before any pooling), norms, dropout,
/// pooling, attention. The output block, whose error is <c>e</c>, has none.
/// The top block of a module waits on the module's error, every other block on the module's projection.</item>
/// <item><c>input-grad:B</c>: the entry layer's input gradient (<c>b·I</c> MACs), the layers below it and the
/// residual sums' backward, for the lowest block of a module when the block below trains; its output is the error of
/// the module below. Waits on <c>delta:B</c>.</item>
/// <item><c>weight-grad:B</c>: <c>b·G_B</c> MACs, each product reading its input and output activations and writing
/// its FP32 gradient (<c>w_B</c>). Waits on <c>delta:B</c>.</item>
/// <item><c>update:B</c>: SGD with momentum <c>2·P_B</c> MACs and <c>5·w_B</c> bytes, or Adam's
/// <see cref="AdamMulsPerParameter"/> multiplies and <see cref="AdamAddsPerParameter"/> adds per
/// parameter and <c>7·w_B</c> bytes; <c>P_B</c> parameter writes; in mixed precision and int8 also the loss-scale
/// pass over the gradients (<c>P_B</c> ops, <c>8·P_B</c> bytes). Waits on <c>weight-grad:B</c> only: Adam's separate
/// pass over all parameters is a software choice, not a dependency.</item>
/// </list>
/// <para>
/// <b>Methods</b> differ only in their modules and frozen blocks (<see cref="MethodPlan"/>). BP and FA: every block is
/// a module (a chain of input gradients). DFA: one module. MODULAR: modules start at the first block and at each
/// <c>modular.boundaries</c> name. HYBRID (Han &amp; Yoo 2019): each convolutional block is a module, the fully connected
/// blocks form one; priced in its steady state, after the warm-up steps (in which the convolutional blocks are idle and
/// the step is cheaper, not priced here). FA has BP's tasks and counts; it reads its <c>B</c> where BP reads <c>W</c>
/// (the same bytes) and stores <c>4·|W|</c> bytes of <c>B</c> for every Linear or Conv2d weight that passes an input
/// gradient. Sign symmetry (USF, BRSF, FRSF) has BP's tasks plus a <c>make-feedback:B</c> per block that passes an
/// error, waiting on nothing (it reads the weights the previous step left), which <c>input-grad:B</c> also waits on: a
/// compare per weight for its sign, for brSF a fresh draw (<see cref="RandomDrawIntOps"/> integer operations) and a
/// multiply per weight, for frSF a multiply and its stored magnitude read (<c>4·|W|</c> bytes stored; uSF and brSF store
/// nothing). KOLEN_POLLACK has FA's tasks and storage plus an <c>update-feedback:B</c> after <c>update:B</c> (an add per
/// weight, a multiply per weight with <c>kolen_pollack.decay</c> &gt; 0, <c>B</c> read and written, a parameter write
/// per weight of <c>B</c>), and with decay a multiply per weight in every <c>update:B</c>; the next step's input
/// gradient needs the new <c>B</c>, this step's does not. DRTP is one module like DFA whose projection carries the
/// one-hot targets: it waits on nothing, and each hidden block's delta waits on that projection and its own forward
/// only, so no hidden block waits for the output or for another block.
/// HDFA: a BP step with probability <c>p</c>, else a DFA step whose update also mixes the two momenta,
/// <c>u = γ·v_DFA + (1 − γ)·v_BP</c> (2 multiplies, 1 add and 4 bytes read per parameter); every expected number
/// (time, critical path, energy, operations) is <c>p·BP + (1 − p)·DFA</c>. Frozen blocks (a prefix) run
/// <c>forward:B</c> only: no feedback, no delta, no gradient in or out, no update, no optimizer state.
/// </para>
/// <para>
/// <b>Step time</b>: the tasks summed into phases (forward; feedback, backward, or feedback+backward for the
/// projections, deltas and input gradients; update with the weight gradients, and the SGD update; optimizer with
/// Adam's), each phase a roofline, the phases one after another, as if the whole device ran one phase at a time.
/// <b>Critical path</b>: each task
/// starts when the tasks it waits on have finished (every block on its own compute) and takes its own roofline time
/// scaled by <c>phase time / Σ of its phase's task rooflines</c> (≤ 1: the phase roofline lets one task's memory
/// traffic hide behind another's arithmetic), so a phase's tasks add up to the phase and the critical path is never
/// longer than the step time. For BP it is the forward chain, the input-gradient chain and the lowest block's weight
/// gradient and update (the upper blocks' weight gradients and updates run beside the chain); for DFA the forward, the
/// projection and the slowest block's delta, weight gradient and update.
/// <b>Working set</b>: <c>12·P_t</c> (SGD; Adam <c>16·P_t</c>) for the trainable parameters, <c>4·P_f</c> for the
/// frozen ones, <c>s·b·A</c> activations (<c>s</c> bytes each in the run's precision), the narrower weight copies of
/// mixed precision and int8 (<c>s·P</c>), the feedback matrices (0 with <c>feedback_prng</c>; FA's <c>B</c> always),
/// and for HDFA the second momentum (<c>4·P_t</c>, Adam's second pair of moments <c>8·P_t</c>). The step's memory
/// traffic is charged to the closest level that holds the working set (when none does, to the largest, and the
/// price says it does not fit). <b>Energy</b>: operations × prices, bytes × the residence level's price, frames × frame time × power,
/// static power × step time.
/// </para>
/// <para>
/// <b>Left out of the task graph</b>: the softmax and loss between the forward and the first
/// delta, communication between blocks' compute units on the critical path, and the warm-up steps of HYBRID.
/// </para>
/// <para>
/// <b>Rates and energy</b>: every kernel of a task takes <c>max(Σ ops/rate, bytes/bandwidth) + optical</c>, and a task
/// or phase is the sum of its kernels (kernels run one after another, none fused). Rates on digital and optical
/// (host) profiles: FP32 MACs at <c>fp32_flops_per_s/2</c>; TF32, FP16 (and FP16 plans), BF16 and INT8 MACs at the
/// matching peak <c>/2</c> times <c>tensor_gemm_efficiency</c> (<c>gemm_efficiency</c> when the profile has none) for
/// <c>b ≥ 16</c>; adds, multiplies, compares and element-wise ops at <c>fp32_flops_per_s</c>, integer adds, index reads and popcounts at <c>int_add_ops_per_s</c> and
/// <c>popcount_words_per_s</c> when the profile has them (else the FP32 rate), all times <c>gemm_efficiency</c> when
/// <c>b ≥ 16</c>, <c>gemv_efficiency</c> below. On a profile with <c>gemm_half_rows</c> (a measured curve) there is no
/// batch step: every product (any multiply-accumulate) of <c>m</c> rows (batch × positions) runs at its efficiency times
/// <c>m / (m + gemm_half_rows)</c>, and every other operation at <c>gemm_efficiency</c>. A 1-bit plan's adds are integer adds on a profile with
/// <c>adder_only_feedback</c>. Neuromorphic profiles count every arithmetic operation as a synaptic operation and
/// every parameter change as a synaptic update; compute-in-memory profiles do every operation as an in-array MAC
/// (<c>arrays·rows·cols</c> per read pulse) and write <c>P</c> cells per step. Optical frames take
/// <c>frame_time_s</c> each (and at least the host link's transfer time of mirror bits and camera bytes).
/// On a profile with <c>feedback_prng</c> the feedback matrix is regenerated on chip: it takes no storage and its
/// bits are never read. On neuromorphic and compute-in-memory
/// profiles the weights and feedback weights sit in the synapses or cells that compute with them, so only
/// activations, errors and signals move, and a row fits only if every parameter has its synapse or cell (one weight
/// each); in-array MACs run at <c>arrays·rows·cols / (read_pulse_s·columns_per_adc)</c>.
/// </para>
/// <para>
/// <b>Energy</b>: operations × their <c>energy</c> prices (multiplies at <c>fp32_mac_j</c>, compares at
/// <c>fp32_add_j</c>, integer work at <c>int_add_j</c>), bytes × the level's <c>energy_j_per_byte</c> split on/off chip,
/// optical frames × <c>frame_time_s × power_w</c>, and <c>static_w</c> × the step time.
/// </para>
/// <para>
/// <b>Left out</b> (besides the task graph's list above): overlap of phases, caches below the residence level (every byte is charged once at that level),
/// kernel-launch and synchronisation latency, fusion of element-wise kernels (each reads and writes its tensors),
/// the softmax and loss, the OPU's idle power outside the projection and its one-off
/// calibration frames (a backend's setup work), reprogramming crossbars when a model exceeds them, and the
/// profile's <c>cores</c> (rates are whole-chip figures). Optical energy is frames × frame time × power even when the
/// host link, not the frame rate, sets the projection's time.
/// </para>
/// </summary>
public static partial class CostModel
{
    /// <summary>
    /// On a profile without <c>compute.gemm_half_rows</c>, batches at least this large run at <c>gemm_efficiency</c>,
    /// smaller ones at <c>gemv_efficiency</c>. An assumption with no source: a profile that has measured its GEMM curve
    /// (<c>dfa calibrate</c>) follows the curve instead and never uses it; the GPU, ASIC and optical-host profiles,
    /// which have no such measurement, still do.
    /// </summary>
    public const int GemmBatchThreshold = 16;

    /// <summary>Adam's multiplies, divisions and square root per parameter (<c>Dfa.Core.Optim.Adam.Update</c>).</summary>
    public const int AdamMulsPerParameter = 10;

    /// <summary>Adam's adds and subtracts per parameter (<c>Dfa.Core.Optim.Adam.Update</c>).</summary>
    public const int AdamAddsPerParameter = 5;

    /// <summary>Adam's bytes per parameter: four float arrays read, three written.</summary>
    public const int AdamBytesPerParameter = 28;

    /// <summary>HDFA's momentum mix per parameter on a DFA step: <c>γ·v_DFA</c>, <c>(1 − γ)·v_BP</c>.</summary>
    public const int HdfaMixMulsPerParameter = 2;

    /// <summary>HDFA's momentum mix per parameter on a DFA step: the sum.</summary>
    public const int HdfaMixAddsPerParameter = 1;

    /// <summary>
    /// Integer operations per random draw of brSF's magnitudes: xoshiro256**'s ten (two multiplies, two rotations, a
    /// shift, five exclusive ors; <c>Dfa.Core.Randomness.Rng.NextUInt64</c>) plus the shift that makes a uniform of it.
    /// </summary>
    public const int RandomDrawIntOps = 11;

    /// <summary>Prices one step of <paramref name="plan"/>'s method on its network at <paramref name="batch"/>.</summary>
    /// <param name="plan">The method on its network: its modules, frozen blocks and kinds of step.</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="feedback">
    /// The backend's plan for a projection of a given shape (a module's); called once per projecting module, never
    /// for BP and FA, which may pass null.
    /// </param>
    /// <param name="prices">The profile.</param>
    /// <param name="optimizer">SGD with momentum or Adam.</param>
    /// <exception cref="DfaInputException">FA through a convolution, or a backend's device on a profile that cannot run it.</exception>
    public static MethodCost Price(MethodPlan plan, int batch, Func<FeedbackShape, FeedbackPlan>? feedback, Prices prices, OptimizerKind optimizer = OptimizerKind.Sgd)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (plan.Steps.Any(s => s.Projects) && feedback is null)
        {
            throw new ArgumentNullException(nameof(feedback), $"{plan.Name} projects errors; it needs a feedback plan.");
        }

        NetworkSpec network = plan.Network;
        if (network.FeedbackAtInput && plan.Kind != TrainingAlgorithmKind.Dfa)
        {
            throw new ArgumentException($"A feedback point at the input is priced for DFA only, not {plan.Name}.", nameof(plan));
        }

        int frozen = plan.Frozen;
        var step = new Context(network, frozen, batch, prices, optimizer, plan.KolenPollackDecay);

        // Plans first: the feedback matrices are part of the working set, which decides the memory level every task reads from.
        TaskGraph[] graphs = [.. plan.Steps.Select(s => step.Graph(s, feedback))];
        bool prng = prices.Has(ProfileCapability.FeedbackPrng);
        long storage = plan.MainStep.Backward != BackwardWeights.Transposed
            ? BackwardStorage(plan.MainStep.Backward, network.Blocks, frozen)
            : graphs.Max(g => g.Plans.Sum(p => prng ? 0 : p.Prediction.Storage.MatrixBytes));
        bool adam = optimizer == OptimizerKind.Adam;
        double trainable = network.Blocks.Skip(frozen).Sum(b => (double)b.Parameters);
        double frozenParameters = network.Blocks.Take(frozen).Sum(b => (double)b.Parameters);
        double hdfaState = plan.Kind == TrainingAlgorithmKind.Hdfa ? (adam ? 8 : 4) * trainable : 0;
        int width = Precisions.ActivationBytes(prices.Precision);
        double copies = Precisions.KeepsMasterWeights(prices.Precision) ? width * (trainable + frozenParameters) : 0;
        double workingSet = ((adam ? 16 : 12) * trainable) + (4 * frozenParameters) + copies + ((double)width * batch * network.ActivationsPerSample) + storage + hdfaState;
        Prices.Level? residence = prices.Levels.FirstOrDefault(l => l.CapacityBytes >= workingSet);
        double? cells = prices.Kind switch
        {
            ProfileKind.Neuromorphic => prices["neuromorphic.synapses"],
            ProfileKind.Cim => prices["cim.arrays"] * prices["cim.array_rows"] * prices["cim.array_cols"],
            _ => null,
        };
        bool weightsFit = cells is not { } c || network.Parameters <= c;
        Prices.Level home = residence ?? prices.Levels[^1];
        var model = new RateModel(prices, home, batch >= GemmBatchThreshold);

        StepSchedule[] steps = [.. graphs.Select((g, i) => step.Schedule(g, plan.Steps[i].Label, plan.Steps[i].Probability, model, home))];
        var operations = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var energyByOperation = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var bytesByLevel = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (StepSchedule s in steps.Where(s => s.Probability > 0))
        {
            foreach ((string op, double count) in s.Operations)
            {
                operations[op] = operations.GetValueOrDefault(op) + (s.Probability * count);
            }

            foreach ((string op, double joules) in s.EnergyByOperation)
            {
                energyByOperation[op] = energyByOperation.GetValueOrDefault(op) + (s.Probability * joules);
            }

            bytesByLevel[home.Name] = bytesByLevel.GetValueOrDefault(home.Name) + (s.Probability * s.Bytes);
        }

        FeedbackPlan? first = graphs.SelectMany(g => g.Plans).FirstOrDefault();
        double time = steps.Sum(s => s.Probability * s.TimeSeconds);
        return new MethodCost
        {
            Workload = network.FeedbackAtInput ? network.Name + "+input" : network.Name,
            Outputs = network.Outputs,
            Method = plan.Name,
            Backend = first?.Backend,
            Layout = first is null ? "none" : prng ? "regenerated on chip (PRNG)" : first.Prediction.Storage.Layout,
            Precision = first is null ? "fp32" : PrecisionName(first.Precision),
            Arithmetic = Precisions.Describe(prices.Precision),
            Frozen = plan.FrozenBlocks,
            Profile = prices.Name,
            Batch = batch,
            FeedbackStorageBytes = storage,
            WorkingSetBytes = workingSet,
            Fits = residence is not null && weightsFit && graphs.All(g => g.Plans.All(p => p.Prediction.Infeasible is null)),
            CannotRun = graphs.SelectMany(g => g.Plans).Select(p => p.Prediction.Infeasible).FirstOrDefault(r => r is not null),
            Residence = residence?.Name ?? "none",
            TimeSeconds = time,
            CriticalPathSeconds = steps.Sum(s => s.Probability * s.CriticalPathSeconds),
            Cycles = time * prices["clock_hz"],
            Energy = new EnergySplit(
                steps.Sum(s => s.Probability * s.Energy.Compute),
                steps.Sum(s => s.Probability * s.Energy.OnChip),
                steps.Sum(s => s.Probability * s.Energy.OffChip),
                steps.Sum(s => s.Probability * s.Energy.Optical),
                steps.Sum(s => s.Probability * s.Energy.Static)),
            Operations = operations,
            EnergyByOperation = energyByOperation,
            BytesByLevel = bytesByLevel,
            Steps = steps,
        };
    }

    public static string PrecisionName(FeedbackPrecision precision) => precision switch
    {
        FeedbackPrecision.InMemory => "analog in-memory",
        FeedbackPrecision.Spiking => "spike events",
        FeedbackPrecision.Fp32 => "fp32",
        FeedbackPrecision.Fp16 => "fp16",
        FeedbackPrecision.OneBit => "1-bit",
        _ => "analog",
    };

    internal static StepWork FeedbackWork(FeedbackPlan plan, Prices prices, bool prng, int batch)
    {
        var work = new StepWork("feedback") { Rows = batch };
        ActionCounts c = plan.Prediction.PerProjection;
        bool adderOnly = plan.Precision == FeedbackPrecision.OneBit && prices.Has(ProfileCapability.AdderOnlyFeedback);
        work.Add(plan.Precision == FeedbackPrecision.Fp16 ? StepOp.Fp16Mac : LayerKernels.MacOf(prices.Precision), c[HardwareAction.Fp32MultiplyAdd]);
        work.Add(StepOp.Fp32Mul, c[HardwareAction.Fp32Multiply]);
        work.Add(adderOnly ? StepOp.IntAdd : StepOp.Fp32Add, c[HardwareAction.Fp32Add]);
        work.Add(StepOp.Fp32Compare, c[HardwareAction.Fp32Compare]);
        work.Add(StepOp.IntAdd, c[HardwareAction.Int32Add]);
        work.Add(StepOp.Popcount, c[HardwareAction.Popcount64]);
        work.Add(StepOp.IndexRead, c[HardwareAction.IndexReads]);
        work.Add(StepOp.ArrayActivation, c[HardwareAction.ArrayActivations]);
        work.Add(StepOp.CellRead, c[HardwareAction.AnalogCellReads]);
        work.Add(StepOp.DacConversion, c[HardwareAction.DacConversions]);
        work.Add(StepOp.AdcConversion, c[HardwareAction.AdcConversions]);
        work.Add(StepOp.SynapticOp, c[HardwareAction.SynapticOps]);
        work.Add(StepOp.Spike, c[HardwareAction.SpikesSent]);
        work.Add(StepOp.CoreMessage, c[HardwareAction.CoreMessages]);
        work.Add(StepOp.TimeStep, c[HardwareAction.SpikeTimeSteps]);
        work.Frames = c[HardwareAction.OpticalFrames];
        double outputBits = prices.Find("optical.output_bits") ?? 8;
        work.LinkBytes = (c[HardwareAction.MirrorPixelsWritten] / 8.0) + (c[HardwareAction.CameraPixelsRead] * outputBits / 8.0);
        work.Bytes = (prng ? 0 : c[HardwareAction.FeedbackBitsRead] / 8.0) + c[HardwareAction.ErrorBytesRead] + c[HardwareAction.SignalBytesWritten];
        return work;
    }

    internal static string OpName(StepOp op) => op switch
    {
        StepOp.ArrayActivation => "array_activation",
        StepOp.CellRead => "cell_read",
        StepOp.DacConversion => "dac_conversion",
        StepOp.AdcConversion => "adc_conversion",
        StepOp.SynapticOp => "synaptic_op",
        StepOp.Spike => "spike",
        StepOp.CoreMessage => "core_message",
        StepOp.TimeStep => "time_step",
        StepOp.Fp32Mac => "fp32_mac",
        StepOp.Fp16Mac => "fp16_mac",
        StepOp.Tf32Mac => "tf32_mac",
        StepOp.Bf16Mac => "bf16_mac",
        StepOp.Int8Mac => "int8_mac",
        StepOp.Elementwise => "elementwise",
        StepOp.Fp32Add => "fp32_add",
        StepOp.Fp32Mul => "fp32_mul",
        StepOp.Fp32Compare => "fp32_compare",
        StepOp.IntAdd => "int_add",
        StepOp.Popcount => "popcount64",
        StepOp.IndexRead => "index_read",
        _ => "parameter_write",
    };

    /// <summary>The bytes of backward weights a chain rule (FA, sign symmetry, Kolen–Pollack) stores on <paramref name="plan"/>'s network; 0 for every other method.</summary>
    public static long BackwardStorageBytes(MethodPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        BackwardWeights backward = plan.MainStep.Backward;
        return backward == BackwardWeights.Transposed ? 0 : BackwardStorage(backward, plan.Network.Blocks, plan.Frozen);
    }

    /// <summary>
    /// The stored backward weights of a chain rule: <c>4·|W|</c> bytes for every Linear or Conv2d weight that passes an
    /// error (the first priced layer of every trained block but the lowest) for FA's fixed <c>B</c>, frSF's magnitudes
    /// and Kolen–Pollack's learned <c>B</c>; nothing for uSF and brSF, whose <c>B</c> is made from <c>W</c>'s signs (and
    /// brSF's fresh draws) at every step.
    /// </summary>
    private static long BackwardStorage(BackwardWeights backward, IReadOnlyList<BlockSpec> blocks, int frozen)
    {
        if (backward is BackwardWeights.UniformSigns or BackwardWeights.RedrawnMagnitudeSigns)
        {
            return 0;
        }

        long bytes = 0;
        for (int i = frozen + 1; i < blocks.Count; i++)
        {
            bytes += checked(4L * BackwardWeightCount(blocks[i]));
        }

        return bytes;
    }

    /// <summary>The weights of a block's first priced layer (Linear or Conv2d; 0 for any other): the <c>W</c> a chain rule's <c>B</c> replaces.</summary>
    private static long BackwardWeightCount(BlockSpec block)
    {
        LayerSpec first = block.PricedLayers.First();
        return first.Kind switch
        {
            LayerKind.Linear => first.ForwardMacs,
            LayerKind.Conv2d => (long)first.Conv!.OutChannels * first.Conv.Input.Channels * first.Conv.Kernel * first.Conv.Kernel,
            _ => 0,
        };
    }

    /// <summary>A task before scheduling: its phase, its work, the tasks it waits on.</summary>
    private sealed record Node(string Name, string Block, string Phase, StepWork Work, int[] WaitsOn);

    /// <summary>The tasks of one kind of step, in an order where every task follows those it waits on, and the plans they used.</summary>
    private sealed record TaskGraph(List<Node> Nodes, List<FeedbackPlan> Plans);

    private sealed class Context(NetworkSpec network, int frozen, int batch, Prices prices, OptimizerKind optimizer, double kpDecay)
    {
        private readonly double _kpDecay = kpDecay;
        private readonly bool _inPlace = prices.Kind is ProfileKind.Neuromorphic or ProfileKind.Cim;
        private readonly bool _prng = prices.Has(ProfileCapability.FeedbackPrng);
        private readonly bool _adam = optimizer == OptimizerKind.Adam;

        private readonly IReadOnlyList<BlockSpec> _blocks = network.Blocks;
        private readonly LayerKernels _kernels = new(prices.Precision, batch, prices.Kind is ProfileKind.Neuromorphic or ProfileKind.Cim);

        private double WeightBytes(BlockSpec block) => _inPlace ? 0 : 4.0 * block.Parameters;

        /// <summary>The forward tasks alone: an inference pass.</summary>
        public TaskGraph ForwardGraph() =>
            new([.. _blocks.Select((block, k) => new Node($"forward:{block.Name}", block.Name, "forward", _kernels.Forward(block), k == 0 ? [] : [k - 1]))], []);

        /// <summary>
        /// Sign symmetry's <c>make-feedback:B</c>: the sign of each weight (a compare), brSF's draws (each
        /// <see cref="RandomDrawIntOps"/> integer operations) and magnitude multiplies, frSF's stored magnitudes read;
        /// <c>W</c> read and <c>B</c> written. Null for the other rules.
        /// </summary>
        private StepWork? SignFeedbackWork(BackwardWeights backward, double weights)
        {
            if (backward is not (BackwardWeights.UniformSigns or BackwardWeights.RedrawnMagnitudeSigns or BackwardWeights.FixedMagnitudeSigns))
            {
                return null;
            }

            var make = new StepWork("make-feedback");
            make.Add(StepOp.Fp32Compare, weights);
            make.Add(StepOp.Fp32Mul, backward == BackwardWeights.UniformSigns ? 0 : weights);
            make.Add(StepOp.IntAdd, backward == BackwardWeights.RedrawnMagnitudeSigns ? RandomDrawIntOps * weights : 0);
            make.Bytes = _inPlace ? 0 : (backward == BackwardWeights.FixedMagnitudeSigns ? 12 : 8) * weights;
            return make;
        }

        public TaskGraph Graph(StepPlan stepPlan, Func<FeedbackShape, FeedbackPlan>? feedback)
        {
            IReadOnlyList<BlockSpec> blocks = _blocks;
            bool mix = stepPlan.MixesMomenta;
            BackwardWeights backward = stepPlan.Backward;
            var nodes = new List<Node>();
            var plans = new List<FeedbackPlan>();
            int Add(Node node)
            {
                nodes.Add(node);
                return nodes.Count - 1;
            }

            int previous = -1;
            for (int k = 0; k < blocks.Count; k++)
            {
                BlockSpec block = blocks[k];
                previous = Add(new Node($"forward:{block.Name}", block.Name, "forward", _kernels.Forward(block), previous < 0 ? [] : [previous]));
            }

            int error = previous; // dL/dlogits, after the output's forward
            IReadOnlyList<ModulePlan> modules = stepPlan.Modules;
            for (int m = modules.Count - 1; m >= 0; m--)
            {
                ModulePlan module = modules[m];
                int lo = module.Start, hi = module.Top;
                int projection = -1;
                if (module.Shape is { } shape)
                {
                    FeedbackPlan plan = feedback!(shape);
                    prices.ThrowIfCannotRun(plan);
                    plans.Add(plan);
                    projection = Add(new Node(
                        $"projection:{blocks[lo].Name}..{blocks[hi].Name}",
                        blocks[hi].Name,
                        "feedback",
                        CostModel.FeedbackWork(plan, prices, _prng || _inPlace, batch),
                        stepPlan.ProjectsTargets ? [] : [error]));
                }

                int nextError = -1;
                for (int i = hi; i >= lo; i--)
                {
                    BlockSpec block = blocks[i];
                    bool sendsDown = i == lo && i > frozen;
                    // DRTP's projection carries the targets: a block's delta needs only that and its own forward (f'(a)).
                    int[] waits = i == hi ? [error] : stepPlan.ProjectsTargets ? [projection, i] : [projection];
                    int d = Add(new Node($"delta:{block.Name}", block.Name, "backward", _kernels.Delta(block), waits));
                    int g = Add(new Node($"weight-grad:{block.Name}", block.Name, "update", _kernels.WeightGradient(block), [d]));

                    double p = block.Parameters;
                    var update = new StepWork("update");
                    if (_adam)
                    {
                        update.Add(StepOp.Fp32Mul, CostModel.AdamMulsPerParameter * p);
                        update.Add(StepOp.Fp32Add, CostModel.AdamAddsPerParameter * p);
                        update.Bytes = CostModel.AdamBytesPerParameter / 4.0 * WeightBytes(block);
                    }
                    else
                    {
                        update.Add(StepOp.Fp32Mac, 2 * p);
                        update.Bytes = 5 * WeightBytes(block);
                    }

                    if (mix)
                    {
                        update.Add(StepOp.Fp32Mul, HdfaMixMulsPerParameter * p);
                        update.Add(StepOp.Fp32Add, HdfaMixAddsPerParameter * p);
                        update.Bytes += WeightBytes(block);
                    }

                    double weights = BackwardWeightCount(block);
                    if (backward == BackwardWeights.Learned && _kpDecay > 0)
                    {
                        update.Add(StepOp.Fp32Mul, weights); // W ← (1 − λ)·W, fused into the optimizer's pass
                    }

                    update.Add(StepOp.ParameterWrite, p);
                    if (_kernels.Unscale(p) is { } unscale)
                    {
                        update.Add(unscale);
                    }

                    int u = Add(new Node($"update:{block.Name}", block.Name, _adam ? "optimizer" : "update", update, [g]));

                    if (sendsDown)
                    {
                        int[] inputWaits = [d];
                        if (SignFeedbackWork(backward, weights) is { } make)
                        {
                            inputWaits = [d, Add(new Node($"make-feedback:{block.Name}", block.Name, "feedback", make, []))];
                        }

                        nextError = Add(new Node($"input-grad:{block.Name}", block.Name, "backward", _kernels.InputGradient(block), inputWaits));
                        if (backward == BackwardWeights.Learned)
                        {
                            // B ← (1 − λ)·(B + ΔW): W's change comes from the optimizer's pass; B is read and written once.
                            var learn = new StepWork("update-feedback");
                            learn.Add(StepOp.Fp32Add, weights);
                            learn.Add(StepOp.Fp32Mul, _kpDecay > 0 ? weights : 0);
                            learn.Add(StepOp.ParameterWrite, weights);
                            learn.Bytes = _inPlace ? 0 : 8 * weights;
                            Add(new Node($"update-feedback:{block.Name}", block.Name, _adam ? "optimizer" : "update", learn, [u]));
                        }
                    }
                }

                if (nextError < 0)
                {
                    break; // nothing below trains
                }

                error = nextError;
            }

            return new TaskGraph(nodes, plans);
        }

        public StepSchedule Schedule(TaskGraph graph, string label, double probability, RateModel model, Prices.Level home)
        {
            List<Node> nodes = graph.Nodes;
            bool projects = nodes.Any(n => n.Phase == "feedback");
            bool chains = nodes.Any(n => n.Name.StartsWith("input-grad:", StringComparison.Ordinal));
            string middle = projects ? (chains ? "feedback+backward" : "feedback") : "backward";
            string[] order = _adam ? ["forward", middle, "update", "optimizer"] : ["forward", middle, "update"];
            string PhaseOf(Node n) => n.Phase is "feedback" or "backward" ? middle : n.Phase;
            var phases = new List<PhaseCost>();
            var phaseWork = new List<StepWork>();
            foreach (string name in order)
            {
                var work = new StepWork(name);
                foreach (Node n in nodes.Where(n => PhaseOf(n) == name))
                {
                    work.Add(n.Work);
                }

                phaseWork.Add(work);
                phases.Add(model.Time(work));
            }

            // Each task's own roofline, scaled so a phase's tasks add up to the phase's roofline (in which one task's
            // memory traffic hides behind another's arithmetic): the critical path is then never longer than the step.
            double[] raw = [.. nodes.Select(n => model.Time(n.Work).Seconds)];
            var seconds = new double[nodes.Count];
            var start = new double[nodes.Count];
            var finish = new double[nodes.Count];
            for (int i = 0; i < nodes.Count; i++)
            {
                int phase = Array.IndexOf(order, PhaseOf(nodes[i]));
                double sum = Enumerable.Range(0, nodes.Count).Where(j => PhaseOf(nodes[j]) == order[phase]).Sum(j => raw[j]);
                seconds[i] = sum > 0 ? raw[i] * phases[phase].Seconds / sum : 0;
                start[i] = nodes[i].WaitsOn.Length == 0 ? 0 : nodes[i].WaitsOn.Max(j => finish[j]);
                finish[i] = start[i] + seconds[i];
            }

            // The path: back from the last task to finish, each time through the task it waited on longest.
            int at = Enumerable.Range(0, nodes.Count).MaxBy(i => finish[i]);
            var path = new List<string>();
            while (true)
            {
                path.Add(nodes[at].Name);
                if (nodes[at].WaitsOn.Length == 0)
                {
                    break;
                }

                at = nodes[at].WaitsOn.MaxBy(j => finish[j]);
            }

            path.Reverse();

            double time = phases.Sum(p => p.Seconds);
            double memoryJ = phaseWork.Sum(w => w.TotalBytes) * home.EnergyJPerByte;
            var energy = new EnergySplit(
                phaseWork.Sum(model.ComputeEnergy),
                home.OffChip ? 0 : memoryJ,
                home.OffChip ? memoryJ : 0,
                phaseWork.Sum(w => w.TotalFrames) * (prices.Find("optical.frame_time_s") ?? 0) * (prices.Find("optical.power_w") ?? 0),
                prices["energy.static_w"] * time);

            var operations = new SortedDictionary<string, double>(StringComparer.Ordinal);
            var energyByOperation = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (StepWork w in phaseWork.SelectMany(p => p.Kernels))
            {
                foreach ((StepOp op, double count) in w.Counts)
                {
                    operations[CostModel.OpName(op)] = operations.GetValueOrDefault(CostModel.OpName(op)) + count;
                    energyByOperation[CostModel.OpName(op)] = energyByOperation.GetValueOrDefault(CostModel.OpName(op)) + (count * model.Energy(op));
                }

                if (w.Frames > 0)
                {
                    operations["optical_frames"] = operations.GetValueOrDefault("optical_frames") + w.Frames;
                }
            }

            ScheduledTask[] tasks = [.. nodes.Select((n, i) => new ScheduledTask(n.Name, n.Block, seconds[i], start[i], finish[i], [.. n.WaitsOn.Select(j => nodes[j].Name)]))];
            BlockSpan[] spans = [.. _blocks.Select((block, i) =>
            {
                ScheduledTask forward = tasks.First(t => t.Name == $"forward:{block.Name}");
                ScheduledTask? delta = tasks.FirstOrDefault(t => t.Name == $"delta:{block.Name}");
                double end = tasks.Where(t => t.Block == block.Name && !t.Name.StartsWith("projection:", StringComparison.Ordinal)).Max(t => t.Finish);
                return new BlockSpan(block.Name, i < frozen, forward.Start, forward.Finish, delta?.Start, end, delta?.WaitsOn[0]);
            })];
            return new StepSchedule
            {
                Label = label,
                Probability = probability,
                Phases = phases,
                TimeSeconds = time,
                CriticalPathSeconds = finish.Max(),
                CriticalPath = path,
                Tasks = tasks,
                Blocks = spans,
                Energy = energy,
                Operations = operations,
                EnergyByOperation = energyByOperation,
                Bytes = phaseWork.Sum(w => w.TotalBytes),
            };
        }
    }
}
