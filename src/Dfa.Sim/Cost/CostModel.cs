using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Cost;

/// <summary>
/// Prices one training step: counted work (a <see cref="Workload"/>'s layer arithmetic and a backend's predicted
/// feedback work) times the prices of a profile (<see cref="Prices"/>). Per step of <c>b</c> samples, with
/// <c>P</c> parameters, <c>A</c> activations per sample and <c>H</c> hidden feedback-point units:
/// <list type="bullet">
/// <item><b>forward</b>: <c>b·F</c> fp32 MACs; bytes <c>4P + 8bA</c> (weights read; each activation written and read once).</item>
/// <item><b>feedback</b> (DFA): the backend's predicted work for one projection of the batch (its MACs, adds, popcounts,
/// index reads, optical frames ... and its feedback bits, error bytes and signal bytes) plus <c>b·H</c> fp32
/// multiplies by the activation derivative.</item>
/// <item><b>backward</b> (BP): <c>b·Σ_{l&gt;1} I_l</c> fp32 MACs (the input-gradient chain) plus <c>b·H</c> multiplies;
/// bytes <c>4P + 12bA</c> (weights, activations, deltas written and read).</item>
/// <item><b>update</b> (both): <c>b·G</c> weight-gradient MACs plus <c>2P</c> for the optimizer (SGD with momentum:
/// two multiply-adds per parameter); bytes <c>8bA + 24P</c> (layer inputs and deltas; gradient written; weight,
/// gradient and velocity read, weight and velocity written).</item>
/// <item><b>optimizer</b> (Adam only, a phase of its own because <c>Adam.Step</c> is a separate pass over every
/// parameter after all gradients exist): per parameter, as counted in <c>Dfa.Core.Optim.Adam.Update</c>,
/// <see cref="AdamMulsPerParameter"/> multiply-class operations (7 multiplies, 2 divisions and a square root; the
/// divisions and the root priced as multiplies, which is optimistic) and <see cref="AdamAddsPerParameter"/> adds;
/// bytes <c>28P</c> (weight, gradient and both moments read; weight and both moments written). The update phase
/// then keeps only its weight-gradient MACs and bytes <c>8bA + 4P</c> (gradient written).</item>
/// </list>
/// <para>
/// <b>Roofline per phase</b>: time = <c>max(Σ ops/rate, bytes/bandwidth) + optical</c>. Rates on digital and optical
/// (host) profiles: MACs at <c>fp32_flops_per_s/2</c> (FP16 plans at <c>fp16_flops_per_s/2</c>), adds, multiplies and
/// compares at <c>fp32_flops_per_s</c>, integer adds, index reads and popcounts at <c>int_add_ops_per_s</c> and
/// <c>popcount_words_per_s</c> when the profile has them (else the FP32 rate), all times <c>gemm_efficiency</c> when
/// <c>b ≥ 16</c>, <c>gemv_efficiency</c> below. A 1-bit plan's adds are integer adds on a profile with
/// <c>adder_only_feedback</c>. Neuromorphic profiles count every arithmetic operation as a synaptic operation and
/// every parameter change as a synaptic update; compute-in-memory profiles do every operation as an in-array MAC
/// (<c>arrays·rows·cols</c> per read pulse) and write <c>P</c> cells per step. Optical frames take
/// <c>frame_time_s</c> each (and at least the host link's transfer time of mirror bits and camera bytes).
/// Memory traffic is charged to the closest level that holds the step's working set <c>12P + 4bA + B</c> (weights,
/// gradients and the momentum, or Adam's two moments: <c>16P</c>; B: the
/// feedback matrix; 0 on a profile with <c>feedback_prng</c>, whose feedback bits are also never read); when no
/// level holds it, to the largest level, and the row says it does not fit. On neuromorphic and compute-in-memory
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
/// <b>Left out</b>: overlap of phases, caches below the residence level (every byte is charged once at that level),
/// kernel-launch and synchronisation latency, activation functions' own arithmetic (only their derivative
/// multiplies are counted), the softmax and loss, the OPU's idle power outside the projection and its one-off
/// calibration frames (a backend's setup work), reprogramming crossbars when a model exceeds them, and the
/// profile's <c>cores</c> (rates are whole-chip figures). Optical energy is frames × frame time × power even when the
/// host link, not the frame rate, sets the projection's time.
/// </para>
/// </summary>
public static class CostModel
{
    /// <summary>Batches at least this large run at <c>gemm_efficiency</c>; smaller ones at <c>gemv_efficiency</c>.</summary>
    public const int GemmBatchThreshold = 16;

    /// <summary>Adam's multiplies, divisions and square root per parameter (<c>Dfa.Core.Optim.Adam.Update</c>).</summary>
    public const int AdamMulsPerParameter = 10;

    /// <summary>Adam's adds and subtracts per parameter (<c>Dfa.Core.Optim.Adam.Update</c>).</summary>
    public const int AdamAddsPerParameter = 5;

    /// <summary>Adam's bytes per parameter: four float arrays read, three written.</summary>
    public const int AdamBytesPerParameter = 28;

    /// <summary>
    /// Prices one step of <paramref name="workload"/> at <paramref name="batch"/>: DFA with <paramref name="feedback"/>, or
    /// BP when it is null. <paramref name="optimizer"/>: <see cref="OptimizerKind.Sgd"/> (SGD with momentum, inside the
    /// update phase) or <see cref="OptimizerKind.Adam"/> (its own optimizer phase).
    /// </summary>
    /// <exception cref="DfaInputException">An optical plan on a profile that is not optical.</exception>
    public static CostRow Price(Workload workload, int batch, FeedbackPlan? feedback, Prices prices, OptimizerKind optimizer = OptimizerKind.Sgd)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (feedback is not null && RequiredKind(feedback.Precision) is { } kind && prices.Kind != kind)
        {
            throw new DfaInputException($"the {feedback.Backend} backend needs {Article(kind)} {kind.ToString().ToLowerInvariant()} profile; {prices.Name} is {prices.Kind.ToString().ToLowerInvariant()}");
        }

        double b = batch;
        double p = workload.Parameters;
        double a = workload.ActivationsPerSample;
        double h = workload.FeedbackPoints.Sum(l => (double)l.OutputSize);
        bool prng = prices.Has(ProfileCapability.FeedbackPrng);
        long storage = feedback is null || prng ? 0 : feedback.Prediction.Storage.MatrixBytes;
        bool adam = optimizer == OptimizerKind.Adam;
        double workingSet = ((adam ? 16 : 12) * p) + (4 * b * a) + storage; // weights, gradients, optimizer state
        Prices.Level? residence = prices.Levels.FirstOrDefault(l => l.CapacityBytes >= workingSet);

        // Hardware that computes in its synapses or cells must also hold every weight there (one per synapse or cell).
        double? cells = prices.Kind switch
        {
            ProfileKind.Neuromorphic => prices["neuromorphic.synapses"],
            ProfileKind.Cim => prices["cim.arrays"] * prices["cim.array_rows"] * prices["cim.array_cols"],
            _ => null,
        };
        bool weightsFit = cells is not { } c || p <= c;
        Prices.Level home = residence ?? prices.Levels[^1];
        var model = new RateModel(prices, home, batch >= GemmBatchThreshold);

        // Synapses and crossbar cells compute where the weights are: weights and feedback weights never move there.
        bool inPlace = prices.Kind is ProfileKind.Neuromorphic or ProfileKind.Cim;
        double weightBytes = inPlace ? 0 : 4 * p;

        var forward = new StepWork("forward");
        forward.Add(StepOp.Fp32Mac, b * workload.ForwardMacs);
        forward.Bytes = weightBytes + (8 * b * a);

        StepWork middle;
        if (feedback is null)
        {
            middle = new StepWork("backward");
            middle.Add(StepOp.Fp32Mac, b * (workload.BackpropBackwardMacs - workload.WeightGradientMacs));
            middle.Add(StepOp.Fp32Mul, b * h);
            middle.Bytes = weightBytes + (12 * b * a);
        }
        else
        {
            middle = FeedbackWork(feedback, prices, prng || inPlace);
            middle.Add(StepOp.Fp32Mul, b * h);
        }

        var update = new StepWork("update");
        update.Add(StepOp.Fp32Mac, (b * workload.WeightGradientMacs) + (adam ? 0 : 2 * p));
        update.Bytes = (8 * b * a) + ((adam ? 1 : 6) * weightBytes);
        StepWork[] work;
        if (adam)
        {
            var step = new StepWork("optimizer");
            step.Add(StepOp.Fp32Mul, AdamMulsPerParameter * p);
            step.Add(StepOp.Fp32Add, AdamAddsPerParameter * p);
            step.Add(StepOp.ParameterWrite, p);
            step.Bytes = AdamBytesPerParameter / 4.0 * weightBytes;
            work = [forward, middle, update, step];
        }
        else
        {
            update.Add(StepOp.ParameterWrite, p);
            work = [forward, middle, update];
        }

        PhaseCost[] phases = work.Select(model.Time).ToArray();
        double time = phases.Sum(ph => ph.Seconds);

        double critical = time;
        if (feedback is not null)
        {
            // Layers update in parallel: only the largest layer's share of the update (and optimizer) phase is on the path.
            double total = (b * workload.WeightGradientMacs) + (adam ? 0 : 2 * p);
            double largest = workload.Layers.Max(l => (b * l.WeightGradientMacs) + (adam ? 0 : 2.0 * l.Parameters));
            critical = phases[0].Seconds + phases[1].Seconds + (total > 0 ? phases[2].Seconds * largest / total : 0);
            if (adam && p > 0)
            {
                critical += phases[3].Seconds * workload.Layers.Max(l => (double)l.Parameters) / p;
            }
        }

        double computeJ = work.Sum(model.ComputeEnergy);
        double bytes = work.Sum(w => w.Bytes);
        double memoryJ = bytes * home.EnergyJPerByte;
        double opticalJ = work.Sum(w => w.Frames) * (prices.Find("optical.frame_time_s") ?? 0) * (prices.Find("optical.power_w") ?? 0);
        double staticJ = prices["energy.static_w"] * time;
        var energy = new EnergySplit(computeJ, home.OffChip ? 0 : memoryJ, home.OffChip ? memoryJ : 0, opticalJ, staticJ);

        var operations = new SortedDictionary<string, double>(StringComparer.Ordinal);
        var energyByOperation = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (StepWork w in work)
        {
            foreach ((StepOp op, double count) in w.Counts)
            {
                operations[OpName(op)] = operations.GetValueOrDefault(OpName(op)) + count;
                energyByOperation[OpName(op)] = energyByOperation.GetValueOrDefault(OpName(op)) + (count * model.Energy(op));
            }

            if (w.Frames > 0)
            {
                operations["optical_frames"] = operations.GetValueOrDefault("optical_frames") + w.Frames;
            }
        }

        return new CostRow
        {
            Workload = workload.FeedbackAtInput ? workload.Name + "+input" : workload.Name,
            Outputs = workload.Outputs,
            Backend = feedback?.Backend ?? "bp",
            Profile = prices.Name,
            Batch = batch,
            Layout = feedback is null ? "none" : (prng ? "regenerated on chip (PRNG)" : feedback.Prediction.Storage.Layout),
            Precision = feedback is null ? "fp32" : PrecisionName(feedback.Precision),
            FeedbackStorageBytes = storage,
            WorkingSetBytes = workingSet,
            Fits = residence is not null && weightsFit && feedback?.Prediction.Infeasible is null,
            Residence = residence?.Name ?? "none",
            Phases = phases,
            TimeSeconds = time,
            CriticalPathSeconds = critical,
            Cycles = time * prices["clock_hz"],
            Energy = energy,
            Operations = operations,
            EnergyByOperation = energyByOperation,
            BytesByLevel = new SortedDictionary<string, double>(StringComparer.Ordinal) { [home.Name] = bytes },
        };
    }

    /// <summary>The profile kind a plan of <paramref name="precision"/> can only be priced on (null: any).</summary>
    public static ProfileKind? RequiredKind(FeedbackPrecision precision) => precision switch
    {
        FeedbackPrecision.Analog => ProfileKind.Optical,
        FeedbackPrecision.InMemory => ProfileKind.Cim,
        FeedbackPrecision.Spiking => ProfileKind.Neuromorphic,
        _ => null,
    };

    private static string Article(ProfileKind kind) => kind == ProfileKind.Optical ? "an" : "a";

    public static string PrecisionName(FeedbackPrecision precision) => precision switch
    {
        FeedbackPrecision.InMemory => "analog in-memory",
        FeedbackPrecision.Spiking => "spike events",
        FeedbackPrecision.Fp32 => "fp32",
        FeedbackPrecision.Fp16 => "fp16",
        FeedbackPrecision.OneBit => "1-bit",
        _ => "analog",
    };

    internal static StepWork FeedbackWork(FeedbackPlan plan, Prices prices, bool prng)
    {
        var work = new StepWork("feedback");
        ActionCounts c = plan.Prediction.PerProjection;
        bool adderOnly = plan.Precision == FeedbackPrecision.OneBit && prices.Has(ProfileCapability.AdderOnlyFeedback);
        work.Add(plan.Precision == FeedbackPrecision.Fp16 ? StepOp.Fp16Mac : StepOp.Fp32Mac, c[HardwareAction.Fp32MultiplyAdd]);
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
        StepOp.Fp32Add => "fp32_add",
        StepOp.Fp32Mul => "fp32_mul",
        StepOp.Fp32Compare => "fp32_compare",
        StepOp.IntAdd => "int_add",
        StepOp.Popcount => "popcount64",
        StepOp.IndexRead => "index_read",
        _ => "parameter_write",
    };
}
