using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Sim.Cost;

/// <summary>
/// Prices one training step of any method as a graph of per-block tasks: counted work × the prices of a profile, with
/// <see cref="CostModel"/>'s roofline and energy rules applied to every task. A block is a run of consecutive workload
/// layers with the same <see cref="WorkloadLayer.Block"/> (<c>conv1</c> = convolution + pooling); a module is a run of
/// consecutive blocks. With batch <c>b</c>, a block <c>B</c>'s forward, weight-gradient and input-gradient MACs
/// <c>F_B, G_B, I_B</c> per sample, parameters <c>P_B</c>, activations <c>a_B</c> (its layers' outputs), feedback-point
/// size <c>n_B</c>, and <c>w_B = 4·P_B</c> (0 on neuromorphic and compute-in-memory profiles, whose weights never move):
/// <list type="bullet">
/// <item><c>forward:B</c>: <c>b·F_B</c> MACs; <c>w_B + 8b·a_B</c> bytes (the first block also <c>8b·n_input</c>).
/// Waits on the forward of the block below.</item>
/// <item><c>projection:M</c>, per module <c>M</c> with a block to feed: the backend's predicted work for
/// <c>FeedbackShape(e_M → n_B of every trainable block of M but its top)</c>, priced as <see cref="CostModel"/>'s
/// feedback phase. <c>e_M</c> is <c>dL/dlogits</c> (size <c>e</c>) for the top module, else the gradient at the
/// module's output (size: its top block's output). Waits on the module's error.</item>
/// <item><c>delta:B</c>: <c>b·n_B</c> derivative multiplies (none for the output block, whose error is <c>e</c>) plus
/// the input-gradient MACs of the block's layers after its first (0 in every shipped workload: pooling). A block on a
/// BP chain (it computes an input gradient, or its error arrives as one) also moves <c>w_B + 12b·a_B</c> bytes (the
/// first block also <c>12b·n_input</c>): weights, activations and deltas, as in <see cref="CostModel"/>'s backward.
/// The top block of a module waits on the module's error, every other block on the module's projection.</item>
/// <item><c>input-grad:B</c>: <c>b·I</c> MACs of the block's first layer, for the lowest block of a module when the
/// block below trains; its output is the error of the module below. Waits on <c>delta:B</c>.</item>
/// <item><c>weight-grad:B</c>: <c>b·G_B</c> MACs; <c>8b·a_B + w_B</c> bytes (the first block also <c>8b·n_input</c>).
/// Waits on <c>delta:B</c>.</item>
/// <item><c>update:B</c>: SGD with momentum <c>2·P_B</c> MACs and <c>5·w_B</c> bytes, or Adam's
/// <see cref="CostModel.AdamMulsPerParameter"/> multiplies and <see cref="CostModel.AdamAddsPerParameter"/> adds per
/// parameter and <c>7·w_B</c> bytes; <c>P_B</c> parameter writes. Waits on <c>weight-grad:B</c> only: Adam's separate
/// pass over all parameters is a software choice, not a dependency.</item>
/// </list>
/// <para>
/// <b>Methods</b> differ only in their modules and frozen blocks. BP and FA: every block is a module (a chain of input
/// gradients). DFA: one module. MODULAR: modules start at the first block and at each <c>modular.boundaries</c> name.
/// HYBRID (Han &amp; Yoo 2019): each block up to the first one with a Linear layer is a module, the fully connected
/// blocks form one; priced in its steady state, after the warm-up steps (in which the convolutional blocks are idle and
/// the step is cheaper, not priced here). FA has BP's tasks and counts; it reads its <c>B</c> where BP reads <c>W</c>
/// (the same bytes) and stores <c>4·in·out</c> bytes of <c>B</c> for every Linear layer that passes an input gradient.
/// HDFA: a BP step with probability <c>p</c>, else a DFA step whose update also mixes the two momenta,
/// <c>u = γ·v_DFA + (1 − γ)·v_BP</c> (2 multiplies, 1 add and 4 bytes read per parameter); every expected number
/// (time, critical path, energy, operations) is <c>p·BP + (1 − p)·DFA</c>. Frozen blocks (a prefix) run
/// <c>forward:B</c> only: no feedback, no delta, no gradient in or out, no update, no optimizer state.
/// </para>
/// <para>
/// <b>Step time</b>: the tasks summed into <see cref="CostModel"/>'s phases (forward; feedback, backward, or
/// feedback+backward for the projections, deltas and input gradients; update with the weight gradients, and the SGD
/// update; optimizer with Adam's), each phase a roofline, the phases one after another. For BP and DFA with nothing
/// frozen the phases' counts and bytes are <see cref="CostModel.Price"/>'s exactly. <b>Critical path</b>: each task
/// starts when the tasks it waits on have finished (every block on its own compute) and takes its own roofline time
/// scaled by <c>phase time / Σ of its phase's task rooflines</c> (≤ 1: the phase roofline lets one task's memory
/// traffic hide behind another's arithmetic), so a phase's tasks add up to the phase and the critical path is never
/// longer than the step time. For BP it is the forward chain, the input-gradient chain and the lowest block's weight
/// gradient and update (the upper blocks' weight gradients and updates run beside the chain) — shorter than
/// <see cref="CostRow.CriticalPathSeconds"/>, which keeps BP's whole step time.
/// <b>Working set</b>: <c>12·P_t</c> (SGD; Adam <c>16·P_t</c>) for the trainable parameters, <c>4·P_f</c> for the
/// frozen ones, <c>4b·A</c> activations, the feedback matrices (0 with <c>feedback_prng</c>; FA's <c>B</c> always),
/// and for HDFA the second momentum (<c>4·P_t</c>, Adam's second pair of moments <c>8·P_t</c>). Energy as in
/// <see cref="CostModel"/>: operations × prices, bytes × the residence level's price, frames × frame time × power,
/// static power × step time.
/// </para>
/// <para>
/// <b>Left out</b>, besides <see cref="CostModel"/>'s list: the softmax and loss between the forward and the first
/// delta, communication between blocks' compute units on the critical path, and the warm-up steps of HYBRID. A pooled
/// block's derivative multiplies are counted at its feedback point (the pooled map, as <see cref="CostModel"/> counts
/// <c>b·H</c>), though the activation's derivative applies to the map before pooling (4× larger for 2×2 pooling).
/// </para>
/// </summary>
public static class MethodCostModel
{
    /// <summary>HDFA's momentum mix per parameter on a DFA step: <c>γ·v_DFA</c>, <c>(1 − γ)·v_BP</c>.</summary>
    public const int HdfaMixMulsPerParameter = 2;

    /// <summary>HDFA's momentum mix per parameter on a DFA step: the sum.</summary>
    public const int HdfaMixAddsPerParameter = 1;

    /// <summary>
    /// Prices one step of <paramref name="method"/> on <paramref name="workload"/> at <paramref name="batch"/>.
    /// </summary>
    /// <param name="workload">The network; every block has parameters, every block but the last exactly one feedback point.</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="method">The method, its modules and frozen blocks.</param>
    /// <param name="feedback">
    /// The backend's plan for a projection of a given shape (a module's); called once per projecting module, never
    /// for BP and FA, which may pass null.
    /// </param>
    /// <param name="prices">The profile.</param>
    /// <param name="optimizer">SGD with momentum or Adam.</param>
    /// <exception cref="DfaInputException">
    /// A frozen or boundary block the workload does not have, a frozen set that is not a prefix or freezes every block,
    /// FA through a convolution, or an optical plan on a profile that is not optical.
    /// </exception>
    public static MethodCost Price(
        Workload workload, int batch, StepMethod method, Func<FeedbackShape, FeedbackPlan>? feedback, Prices prices, OptimizerKind optimizer = OptimizerKind.Sgd)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        if (method.UsesFeedback && feedback is null)
        {
            throw new ArgumentNullException(nameof(feedback), $"{method.Name} projects errors; it needs a feedback plan.");
        }

        if (workload.FeedbackAtInput && method.Kind != TrainingAlgorithmKind.Dfa)
        {
            throw new ArgumentException($"A feedback point at the input is priced for DFA only, not {method.Name}.", nameof(workload));
        }

        Block[] blocks = Block.Of(workload);
        int frozen = FrozenCount(blocks, method.Frozen);
        var step = new Context(workload, blocks, frozen, batch, prices, optimizer);
        var kinds = new List<(string Label, double P, int[] Starts, bool Mix)>();
        int[] every = [.. Enumerable.Range(0, blocks.Length)];
        switch (method.Kind)
        {
            case TrainingAlgorithmKind.Bp:
            case TrainingAlgorithmKind.Fa:
                kinds.Add(("step", 1, every, false));
                break;
            case TrainingAlgorithmKind.Dfa:
                kinds.Add(("step", 1, [0], false));
                break;
            case TrainingAlgorithmKind.Hybrid:
                int firstLinear = Array.FindIndex(blocks, b => b.Layers.Any(l => l.Kind == WorkloadLayerKind.Linear));
                kinds.Add(("step", 1, [.. Enumerable.Range(0, firstLinear + 1)], false));
                break;
            case TrainingAlgorithmKind.Modular:
                kinds.Add(("step", 1, Boundaries(blocks, method.Boundaries), false));
                break;
            default:
                // HDFA's DFA step is modular DFA when boundaries are given (as the trainer runs it), else pure DFA.
                kinds.Add(("bp step", method.HdfaP, every, false));
                kinds.Add(("dfa step", 1 - method.HdfaP, method.Boundaries.Count > 0 ? Boundaries(blocks, method.Boundaries) : [0], true));
                break;
        }

        // Plans first: the feedback matrices are part of the working set, which decides the memory level every task reads from.
        var graphs = kinds.Select(k => step.Graph(k.Starts, k.Mix, feedback)).ToArray();
        bool prng = prices.Has(ProfileCapability.FeedbackPrng);
        long storage = method.Kind == TrainingAlgorithmKind.Fa
            ? FaStorage(blocks, frozen)
            : graphs.Max(g => g.Plans.Sum(p => prng ? 0 : p.Prediction.Storage.MatrixBytes));
        bool adam = optimizer == OptimizerKind.Adam;
        double trainable = blocks.Skip(frozen).Sum(b => (double)b.Parameters);
        double frozenParameters = blocks.Take(frozen).Sum(b => (double)b.Parameters);
        double hdfaState = method.Kind == TrainingAlgorithmKind.Hdfa ? (adam ? 8 : 4) * trainable : 0;
        double workingSet = ((adam ? 16 : 12) * trainable) + (4 * frozenParameters) + (4.0 * batch * workload.ActivationsPerSample) + storage + hdfaState;
        Prices.Level? residence = prices.Levels.FirstOrDefault(l => l.CapacityBytes >= workingSet);
        double? cells = prices.Kind switch
        {
            ProfileKind.Neuromorphic => prices["neuromorphic.synapses"],
            ProfileKind.Cim => prices["cim.arrays"] * prices["cim.array_rows"] * prices["cim.array_cols"],
            _ => null,
        };
        bool weightsFit = cells is not { } c || workload.Parameters <= c;
        Prices.Level home = residence ?? prices.Levels[^1];
        var model = new RateModel(prices, home, batch >= CostModel.GemmBatchThreshold);

        StepSchedule[] steps = [.. graphs.Select((g, i) => step.Schedule(g, kinds[i].Label, kinds[i].P, model, home))];
        var operations = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (StepSchedule s in steps.Where(s => s.Probability > 0))
        {
            foreach ((string op, double count) in s.Operations)
            {
                operations[op] = operations.GetValueOrDefault(op) + (s.Probability * count);
            }
        }

        string? backend = graphs.SelectMany(g => g.Plans).Select(p => p.Backend).FirstOrDefault();
        return new MethodCost
        {
            Workload = workload.Name,
            Outputs = workload.Outputs,
            Method = method.Name,
            Backend = backend,
            Frozen = [.. blocks.Take(frozen).Select(b => b.Name)],
            Profile = prices.Name,
            Batch = batch,
            FeedbackStorageBytes = storage,
            WorkingSetBytes = workingSet,
            Fits = residence is not null && weightsFit && graphs.All(g => g.Plans.All(p => p.Prediction.Infeasible is null)),
            Residence = residence?.Name ?? "none",
            TimeSeconds = steps.Sum(s => s.Probability * s.TimeSeconds),
            CriticalPathSeconds = steps.Sum(s => s.Probability * s.CriticalPathSeconds),
            Energy = new EnergySplit(
                steps.Sum(s => s.Probability * s.Energy.Compute),
                steps.Sum(s => s.Probability * s.Energy.OnChip),
                steps.Sum(s => s.Probability * s.Energy.OffChip),
                steps.Sum(s => s.Probability * s.Energy.Optical),
                steps.Sum(s => s.Probability * s.Energy.Static)),
            Operations = operations,
            Steps = steps,
        };
    }

    /// <summary>How many leading blocks <paramref name="names"/> freezes; they must be the first blocks, and not all of them.</summary>
    private static int FrozenCount(Block[] blocks, IReadOnlyList<string> names)
    {
        foreach (string name in names)
        {
            if (!blocks.Any(b => b.Name == name))
            {
                throw new DfaInputException($"freeze: the network has no block '{name}'; its blocks: {string.Join(", ", blocks.Select(b => b.Name))}");
            }
        }

        int count = names.Distinct().Count();
        if (!blocks.Take(count).All(b => names.Contains(b.Name)))
        {
            throw new DfaInputException($"freeze: [{string.Join(", ", names)}] must be the first blocks of the network ({string.Join(", ", blocks.Select(b => b.Name))})");
        }

        if (count >= blocks.Length)
        {
            throw new DfaInputException("freeze: every block is frozen; nothing would train");
        }

        return count;
    }

    private static int[] Boundaries(Block[] blocks, IReadOnlyList<string> names)
    {
        var starts = new SortedSet<int> { 0 };
        foreach (string name in names)
        {
            int i = Array.FindIndex(blocks, b => b.Name == name);
            if (i < 0)
            {
                throw new DfaInputException($"modular.boundaries: the network has no block '{name}'; its blocks: {string.Join(", ", blocks.Select(b => b.Name))}");
            }

            starts.Add(i);
        }

        return [.. starts];
    }

    /// <summary>FA's <c>B</c> bytes: <c>4·in·out</c> for each Linear layer that passes an input gradient (every trainable block but the lowest).</summary>
    private static long FaStorage(Block[] blocks, int frozen)
    {
        long bytes = 0;
        for (int i = frozen + 1; i < blocks.Length; i++)
        {
            WorkloadLayer first = blocks[i].Layers[0];
            if (first.Kind == WorkloadLayerKind.Conv2d)
            {
                throw new DfaInputException($"backward_method FA: block {blocks[i].Name} is a convolution; FA passes errors back through Linear layers only");
            }

            if (first.Kind == WorkloadLayerKind.Linear)
            {
                bytes += checked(4L * first.ForwardMacs);
            }
        }

        return bytes;
    }

    /// <summary>One block: its layers, and the numbers the tasks price.</summary>
    private sealed record Block(string Name, IReadOnlyList<WorkloadLayer> Layers, bool First)
    {
        public long Parameters => Layers.Sum(l => l.Parameters);

        public long ForwardMacs => Layers.Sum(l => l.ForwardMacs);

        public long WeightGradientMacs => Layers.Sum(l => l.WeightGradientMacs);

        /// <summary>Input-gradient MACs inside the block, from its output down to its first layer's output.</summary>
        public long InnerInputGradientMacs => Layers.Skip(1).Sum(l => l.InputGradientMacs);

        /// <summary>Input-gradient MACs of the first layer, which carry the error to the block below.</summary>
        public long InputGradientMacs => Layers[0].InputGradientMacs;

        public long Activations => Layers.Sum(l => (long)l.OutputSize) + (First ? Layers[0].InputSize : 0);

        /// <summary>The feedback point's size, or 0 for the output block.</summary>
        public int FeedbackSize => Layers.FirstOrDefault(l => l.IsFeedbackPoint)?.OutputSize ?? 0;

        public int OutputSize => Layers[^1].OutputSize;

        public static Block[] Of(Workload workload)
        {
            var blocks = new List<Block>();
            foreach (WorkloadLayer layer in workload.Layers)
            {
                if (blocks.Count > 0 && blocks[^1].Name == layer.Block)
                {
                    blocks[^1] = blocks[^1] with { Layers = [.. blocks[^1].Layers, layer] };
                }
                else if (blocks.Any(b => b.Name == layer.Block))
                {
                    throw new ArgumentException($"Workload '{workload.Name}': block '{layer.Block}' is not one run of consecutive layers.", nameof(workload));
                }
                else
                {
                    blocks.Add(new Block(layer.Block, [layer], blocks.Count == 0));
                }
            }

            for (int i = 0; i < blocks.Count; i++)
            {
                int points = blocks[i].Layers.Count(l => l.IsFeedbackPoint);
                if (blocks[i].Parameters == 0 || points != (i < blocks.Count - 1 ? 1 : 0))
                {
                    throw new ArgumentException(
                        $"Workload '{workload.Name}': block '{blocks[i].Name}' must have parameters and {(i < blocks.Count - 1 ? "one feedback point" : "no feedback point (it is the output)")}.",
                        nameof(workload));
                }
            }

            return [.. blocks];
        }
    }

    /// <summary>A task before scheduling: its phase, its work, the tasks it waits on.</summary>
    private sealed record Node(string Name, string Block, string Phase, StepWork Work, int[] WaitsOn);

    /// <summary>The tasks of one kind of step, in an order where every task follows those it waits on, and the plans they used.</summary>
    private sealed record TaskGraph(List<Node> Nodes, List<FeedbackPlan> Plans);

    private sealed class Context(Workload workload, Block[] blocks, int frozen, int batch, Prices prices, OptimizerKind optimizer)
    {
        private readonly bool _inPlace = prices.Kind is ProfileKind.Neuromorphic or ProfileKind.Cim;
        private readonly bool _prng = prices.Has(ProfileCapability.FeedbackPrng);
        private readonly bool _adam = optimizer == OptimizerKind.Adam;

        private double WeightBytes(Block block) => _inPlace ? 0 : 4.0 * block.Parameters;

        public TaskGraph Graph(int[] starts, bool mix, Func<FeedbackShape, FeedbackPlan>? feedback)
        {
            double b = batch;
            var nodes = new List<Node>();
            var plans = new List<FeedbackPlan>();
            int Add(Node node)
            {
                nodes.Add(node);
                return nodes.Count - 1;
            }

            int previous = -1;
            foreach (Block block in blocks)
            {
                var work = new StepWork("forward");
                work.Add(StepOp.Fp32Mac, b * block.ForwardMacs);
                work.Bytes = WeightBytes(block) + (8 * b * block.Activations);
                previous = Add(new Node($"forward:{block.Name}", block.Name, "forward", work, previous < 0 ? [] : [previous]));
            }

            int error = previous; // dL/dlogits, after the output's forward
            for (int m = starts.Length - 1; m >= 0; m--)
            {
                int lo = starts[m], hi = m + 1 < starts.Length ? starts[m + 1] - 1 : blocks.Length - 1;
                if (hi < frozen)
                {
                    break;
                }

                int[] fed = [.. Enumerable.Range(lo, hi - lo).Where(i => i >= frozen)];
                bool inputPoint = workload.FeedbackAtInput && lo == 0 && frozen == 0;
                int projection = -1;
                if (fed.Length > 0 || inputPoint)
                {
                    int errorSize = m == starts.Length - 1 ? workload.Outputs : blocks[hi].OutputSize;
                    IEnumerable<int> sizes = fed.Select(i => blocks[i].FeedbackSize);
                    var shape = new FeedbackShape(errorSize, [.. inputPoint ? sizes.Prepend(workload.InputSize) : sizes]);
                    FeedbackPlan plan = feedback!(shape);
                    if (CostModel.RequiredKind(plan.Precision) is { } kind && prices.Kind != kind)
                    {
                        throw new DfaInputException($"the {plan.Backend} backend needs {(kind == ProfileKind.Optical ? "an" : "a")} {kind.ToString().ToLowerInvariant()} profile; {prices.Name} is {prices.Kind.ToString().ToLowerInvariant()}");
                    }

                    plans.Add(plan);
                    projection = Add(new Node(
                        $"projection:{blocks[Math.Max(lo, frozen)].Name}..{blocks[hi].Name}", blocks[hi].Name, "feedback", CostModel.FeedbackWork(plan, prices, _prng || _inPlace), [error]));
                }

                int nextError = -1;
                for (int i = hi; i >= Math.Max(lo, frozen); i--)
                {
                    Block block = blocks[i];
                    bool sendsDown = i == lo && i > frozen;
                    bool onChain = sendsDown || (i == hi && m < starts.Length - 1);
                    var delta = new StepWork("delta");
                    delta.Add(StepOp.Fp32Mul, b * block.FeedbackSize);
                    delta.Add(StepOp.Fp32Mac, b * block.InnerInputGradientMacs);
                    delta.Bytes = onChain ? WeightBytes(block) + (12 * b * block.Activations) : 0;
                    int d = Add(new Node($"delta:{block.Name}", block.Name, "backward", delta, [i == hi ? error : projection]));

                    var gradient = new StepWork("weight-grad");
                    gradient.Add(StepOp.Fp32Mac, b * block.WeightGradientMacs);
                    gradient.Bytes = (8 * b * block.Activations) + WeightBytes(block);
                    int g = Add(new Node($"weight-grad:{block.Name}", block.Name, "update", gradient, [d]));

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

                    update.Add(StepOp.ParameterWrite, p);
                    Add(new Node($"update:{block.Name}", block.Name, _adam ? "optimizer" : "update", update, [g]));

                    if (sendsDown)
                    {
                        var input = new StepWork("input-grad");
                        input.Add(StepOp.Fp32Mac, b * block.InputGradientMacs);
                        nextError = Add(new Node($"input-grad:{block.Name}", block.Name, "backward", input, [d]));
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
            double memoryJ = phaseWork.Sum(w => w.Bytes) * home.EnergyJPerByte;
            var energy = new EnergySplit(
                phaseWork.Sum(model.ComputeEnergy),
                home.OffChip ? 0 : memoryJ,
                home.OffChip ? memoryJ : 0,
                phaseWork.Sum(w => w.Frames) * (prices.Find("optical.frame_time_s") ?? 0) * (prices.Find("optical.power_w") ?? 0),
                prices["energy.static_w"] * time);

            var operations = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (StepWork w in phaseWork)
            {
                foreach ((StepOp op, double count) in w.Counts)
                {
                    operations[CostModel.OpName(op)] = operations.GetValueOrDefault(CostModel.OpName(op)) + count;
                }

                if (w.Frames > 0)
                {
                    operations["optical_frames"] = operations.GetValueOrDefault("optical_frames") + w.Frames;
                }
            }

            ScheduledTask[] tasks = [.. nodes.Select((n, i) => new ScheduledTask(n.Name, n.Block, seconds[i], start[i], finish[i], [.. n.WaitsOn.Select(j => nodes[j].Name)]))];
            BlockSpan[] spans = [.. blocks.Select((block, i) =>
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
            };
        }
    }
}
