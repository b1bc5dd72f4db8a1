using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Networks;
using Dfa.Core.Randomness;

namespace Dfa.Core.Methods;

/// <summary>
/// What a training method does to a network, decided once from the config and the network's spec and used by training
/// and by pricing alike: the frozen prefix, the modules of each kind of step (and so which blocks a feedback backend
/// feeds, and with which seed), HYBRID's warm-up and HDFA's step kinds.
/// <list type="bullet">
/// <item><b>BP</b>: every trained block a module of its own (the input-gradient chain). <b>FA</b>, <b>USF</b>,
/// <b>BRSF</b>, <b>FRSF</b> and <b>KOLEN_POLLACK</b> the same, through fixed random, sign-derived or learned matrices
/// (<see cref="StepPlan.Backward"/>).</item>
/// <item><b>DRTP</b> (Frenkel et al. 2021): one module, as DFA, whose projection carries the one-hot targets.</item>
/// <item><b>DFA</b>: one module from the first trained block to the output.</item>
/// <item><b>MODULAR</b> (Han et al. 2020): modules start at the first trained block and at each
/// <c>modular.boundaries</c> name.</item>
/// <item><b>HYBRID</b> (Han &amp; Yoo 2019): each trained convolutional block a module of its own, the fully connected
/// blocks one module; for <c>hybrid.warmup_steps</c> steps nothing reaches the blocks below the first fully connected
/// one.</item>
/// <item><b>HDFA</b> (Han et al. 2020, the survey's Algorithm 1): a BP step with probability <c>hdfa.p</c>, else a DFA
/// step (MODULAR's modules when <c>modular.boundaries</c> is set, else DFA's) whose update mixes the two momenta.</item>
/// </list>
/// The top module's matrices are named by the feedback seed itself, so one module is DFA bit for bit; a lower
/// module's by the seed and its top block's name.
/// </summary>
public sealed record MethodPlan
{
    private MethodPlan(TrainingAlgorithmKind kind, NetworkSpec network, int frozen, ulong feedbackSeed, IReadOnlyList<StepPlan> steps)
    {
        Kind = kind;
        Network = network;
        Frozen = frozen;
        FeedbackSeed = feedbackSeed;
        Steps = steps;
    }

    public TrainingAlgorithmKind Kind { get; }

    /// <summary>The config's name of the method: <c>BP</c>, <c>FA</c>, <c>DFA</c>, <c>HYBRID</c>, <c>MODULAR</c> or <c>HDFA</c>.</summary>
    public string Name => MethodNames.Of(Kind);

    public NetworkSpec Network { get; }

    /// <summary>How many of the first blocks are frozen: forward only.</summary>
    public int Frozen { get; }

    /// <summary>The names of the frozen blocks, in order.</summary>
    public IReadOnlyList<string> FrozenBlocks => [.. Network.Blocks.Take(Frozen).Select(b => b.Name)];

    /// <summary>Names the feedback matrices (<c>feedback.seed</c>, else derived from the run's seed).</summary>
    public ulong FeedbackSeed { get; }

    /// <summary>The kinds of step, with their probabilities (one, or HDFA's two).</summary>
    public IReadOnlyList<StepPlan> Steps { get; }

    /// <summary>HYBRID's warm-up: steps during which blocks below <see cref="WarmupFrom"/> are held still.</summary>
    public long WarmupSteps { get; private init; }

    /// <summary>HYBRID: the first block that trains during the warm-up (the first fully connected one).</summary>
    public int WarmupFrom { get; private init; }

    /// <summary>HDFA's <c>p</c>: the probability that a step is BP.</summary>
    public double HdfaP { get; private init; }

    /// <summary>HDFA's <c>γ</c>: the weight of the DFA momentum in a DFA step's update.</summary>
    public double HdfaGamma { get; private init; }

    /// <summary>MODULAR's <c>modular.boundaries</c>, and HDFA's when its DFA steps are modular (empty: pure DFA steps).</summary>
    public IReadOnlyList<string> Boundaries { get; private init; } = [];

    /// <summary>Sign symmetry's <c>sign_symmetry.init</c>: the distribution whose scale sets the backward magnitudes.</summary>
    public SignSymmetryInitKind SignInit { get; private init; }

    /// <summary>Kolen–Pollack's <c>kolen_pollack.decay</c>: <c>λ</c> per step, shared by <c>W</c> and <c>B</c>.</summary>
    public double KolenPollackDecay { get; private init; }

    /// <summary>
    /// True when some step projects a signal through the feedback backend: an error (DFA and its hybrids) or the
    /// targets (DRTP).
    /// </summary>
    public bool UsesFeedbackBackend => UsesBackend(Kind);

    /// <summary>Whether <paramref name="kind"/> projects through <c>feedback.backend</c>.</summary>
    public static bool UsesBackend(TrainingAlgorithmKind kind) =>
        kind is TrainingAlgorithmKind.Dfa or TrainingAlgorithmKind.Modular or TrainingAlgorithmKind.Hybrid or TrainingAlgorithmKind.Hdfa or TrainingAlgorithmKind.Drtp;

    /// <summary>What a chain method's input gradients go through in place of <c>Wᵀ</c>.</summary>
    public static BackwardWeights BackwardOf(TrainingAlgorithmKind kind) => kind switch
    {
        TrainingAlgorithmKind.Fa => BackwardWeights.Fixed,
        TrainingAlgorithmKind.Usf => BackwardWeights.UniformSigns,
        TrainingAlgorithmKind.Brsf => BackwardWeights.RedrawnMagnitudeSigns,
        TrainingAlgorithmKind.Frsf => BackwardWeights.FixedMagnitudeSigns,
        TrainingAlgorithmKind.KolenPollack => BackwardWeights.Learned,
        _ => BackwardWeights.Transposed,
    };

    /// <summary>The step every non-HDFA method takes (HDFA: its DFA step).</summary>
    public StepPlan MainStep => Steps[^1];

    /// <summary>The plan of <paramref name="config"/>'s method on <paramref name="network"/>.</summary>
    /// <exception cref="DfaInputException">
    /// <c>freeze</c> names a block the network lacks, is not a prefix, or leaves only the output block with a method that
    /// projects; <c>modular.boundaries</c> names a missing or frozen block; HYBRID on a network without convolutional blocks.
    /// </exception>
    public static MethodPlan For(TrainConfig config, NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(network);
        int frozen = FrozenCount(config.Freeze, network);
        ulong seed = config.Feedback.Seed ?? Rng.Derive(config.Seed, "feedback").NextUInt64();
        int blocks = network.Blocks.Count;
        string method = MethodNames.Of(config.Algorithm);
        int[] every = [.. Enumerable.Range(frozen, blocks - frozen)];
        StepPlan Step(string label, double p, int[] starts, bool mix = false) =>
            new(label, p, Modules(network, starts, seed, frozen, method, projects: true, requireFeedback: starts.Length == 1), mix);

        switch (config.Algorithm)
        {
            case TrainingAlgorithmKind.Bp:
                return new MethodPlan(config.Algorithm, network, frozen, seed, [new StepPlan("step", 1, Chain(network, every, seed))]);
            case TrainingAlgorithmKind.Fa:
            case TrainingAlgorithmKind.Usf:
            case TrainingAlgorithmKind.Brsf:
            case TrainingAlgorithmKind.Frsf:
            case TrainingAlgorithmKind.KolenPollack:
                return new MethodPlan(config.Algorithm, network, frozen, seed, [new StepPlan("step", 1, Chain(network, every, seed), Backward: BackwardOf(config.Algorithm))])
                {
                    SignInit = config.SignSymmetry.Init,
                    KolenPollackDecay = config.KolenPollack.Decay,
                };
            case TrainingAlgorithmKind.Dfa:
                return new MethodPlan(config.Algorithm, network, frozen, seed, [Step("step", 1, [frozen])]);
            case TrainingAlgorithmKind.Drtp:
                // One module, as DFA, whose projection carries the one-hot targets (classes → every trained hidden block).
                return new MethodPlan(config.Algorithm, network, frozen, seed, [Step("step", 1, [frozen]) with { ProjectsTargets = true }]);
            case TrainingAlgorithmKind.Modular:
                return new MethodPlan(config.Algorithm, network, frozen, seed, [Step("step", 1, Starts(config.Modular.Boundaries, network, frozen))])
                {
                    Boundaries = config.Modular.Boundaries,
                };
            case TrainingAlgorithmKind.Hybrid:
                {
                    int firstDense = 0;
                    while (firstDense < blocks && network.Blocks[firstDense].HasConvolution)
                    {
                        firstDense++;
                    }

                    if (firstDense == 0)
                    {
                        throw new DfaInputException("backward_method HYBRID trains convolutional blocks by BP below DFA-trained dense blocks; this network has no model.conv blocks (use DFA)");
                    }

                    int from = Math.Max(firstDense, frozen);
                    int[] starts = [.. Enumerable.Range(frozen, Math.Max(0, firstDense - frozen)).Append(from).Distinct()];
                    return new MethodPlan(config.Algorithm, network, frozen, seed, [Step("step", 1, starts)])
                    {
                        WarmupSteps = config.Hybrid.WarmupSteps,
                        WarmupFrom = from,
                    };
                }

            case TrainingAlgorithmKind.Hdfa:
                {
                    int[] dfaStarts = config.Modular.Boundaries.Count > 0 ? Starts(config.Modular.Boundaries, network, frozen) : [frozen];
                    return new MethodPlan(
                        config.Algorithm, network, frozen, seed,
                        [new StepPlan("bp step", config.Hdfa.P, Chain(network, every, seed)), Step("dfa step", 1 - config.Hdfa.P, dfaStarts, mix: true)])
                    {
                        HdfaP = config.Hdfa.P,
                        HdfaGamma = config.Hdfa.Gamma,
                        Boundaries = config.Modular.Boundaries,
                    };
                }

            default:
                throw new DfaInputException($"backward_method {method} is not supported");
        }
    }

    /// <summary>BP's chain: every trained block a module of its own (no projection).</summary>
    private static ModulePlan[] Chain(NetworkSpec network, int[] every, ulong seed) => Modules(network, every, seed, every[0], "BP", projects: false, requireFeedback: false);

    /// <summary>
    /// The modules that start at <paramref name="starts"/>, lowest first; with <paramref name="projects"/>, a module of two
    /// or more trained blocks projects. <paramref name="requireFeedback"/>: DFA's single module must have a block to feed.
    /// </summary>
    private static ModulePlan[] Modules(NetworkSpec network, int[] starts, ulong seed, int frozen, string method, bool projects, bool requireFeedback)
    {
        IReadOnlyList<BlockSpec> blocks = network.Blocks;
        var modules = new ModulePlan[starts.Length];
        for (int m = 0; m < starts.Length; m++)
        {
            int start = starts[m];
            int top = m + 1 < starts.Length ? starts[m + 1] - 1 : blocks.Count - 1;
            bool isTop = m == starts.Length - 1;
            int errorSize = isTop ? network.Outputs : blocks[top].OutputSize;
            int[] fed = [.. Enumerable.Range(start, top - start).Where(i => i >= frozen)];
            bool inputPoint = network.FeedbackAtInput && start == 0 && frozen == 0;
            FeedbackShape? shape = !projects ? null
                : fed.Length > 0 || inputPoint ? new FeedbackShape(errorSize, [.. inputPoint ? fed.Select(i => blocks[i].FeedbackSize).Prepend(network.Inputs) : fed.Select(i => blocks[i].FeedbackSize)])
                : null;
            if (requireFeedback && shape is null)
            {
                throw new DfaInputException($"backward_method {method}: freeze leaves only the output block to train, so there is no hidden block to send feedback to; use BP");
            }

            ulong moduleSeed = isTop ? seed : Rng.Derive(seed, $"module/{blocks[top].Name}").NextUInt64();
            modules[m] = new ModulePlan(start, top, errorSize, shape, moduleSeed);
        }

        return modules;
    }

    /// <summary>The number of blocks <c>freeze</c> names, after checking they are the network's first blocks.</summary>
    private static int FrozenCount(IReadOnlyList<string> frozen, NetworkSpec network)
    {
        IReadOnlyList<BlockSpec> blocks = network.Blocks;
        for (int i = 0; i < frozen.Count; i++)
        {
            int index = network.IndexOf(frozen[i]);
            if (index < 0)
            {
                throw new DfaInputException($"freeze: '{frozen[i]}' is not a block of this network ({BlockList(network)})");
            }

            if (index >= frozen.Count || index == blocks.Count - 1)
            {
                throw new DfaInputException(
                    $"freeze: the frozen blocks must be the network's first blocks and leave the output block training; "
                    + $"freezing '{frozen[i]}' needs every block before it frozen too ({BlockList(network)})");
            }
        }

        return frozen.Count;
    }

    /// <summary>Block indexes where <c>modular.boundaries</c> start modules, the first trained block included.</summary>
    private static int[] Starts(IReadOnlyList<string> boundaries, NetworkSpec network, int frozen)
    {
        var starts = new SortedSet<int> { frozen };
        foreach (string name in boundaries)
        {
            int index = network.IndexOf(name);
            if (index < 0)
            {
                throw new DfaInputException($"modular.boundaries: '{name}' is not a block of this network ({BlockList(network)})");
            }

            if (index < frozen)
            {
                throw new DfaInputException($"modular.boundaries: '{name}' is frozen; modules split the blocks that train");
            }

            starts.Add(index);
        }

        return [.. starts];
    }

    private static string BlockList(NetworkSpec network) => "blocks: " + string.Join(", ", network.Blocks.Select(b => b.Name));
}
