using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Serialization;
using Dfa.Core.Training;

namespace Dfa.Runs.Training;

/// <summary>
/// Turns a config into the objects of one run: the network, the algorithm (with its feedback projector for DFA), the
/// optimizer, the schedule and the trainer. The feedback seed is the config's <c>feedback.seed</c>, else derived from
/// the run's seed, so a run's seed names its feedback matrices too.
/// </summary>
public sealed record TrainingSetup(
    Network Network,
    ITrainingAlgorithm Algorithm,
    IFeedbackProjector? Projector,
    string BackendName,
    ulong FeedbackSeed,
    IOptimizer Optimizer,
    Trainer Trainer,
    ModelLoadReport? InitializedFrom = null)
{
    /// <summary>The run's objects for training on <paramref name="train"/>, after checking that its batches suit the network.</summary>
    /// <exception cref="DfaInputException">
    /// BatchNorm with a last batch of one sample (no batch statistics), or the network is too large to allocate here.
    /// </exception>
    public static TrainingSetup For(TrainConfig config, Dataset train, FeedbackBackendRegistry registry)
    {
        if (config.UseBatchNorm && train.Count % config.BatchSize == 1)
        {
            throw new DfaInputException(
                $"use_BatchNorm1D with {train.Count} training samples and batch_size {config.BatchSize} leaves a last batch of one sample, "
                + "which has no batch statistics; change batch_size or validation_split");
        }

        return Build(config, train.Features, train.Classes, registry);
    }

    /// <exception cref="DfaInputException">The network (or its feedback matrices) is too large to allocate here.</exception>
    public static TrainingSetup Build(TrainConfig config, int inputs, int classes, FeedbackBackendRegistry registry)
    {
        try
        {
            return BuildUnchecked(config, inputs, classes, registry);
        }
        catch (Exception ex) when (ex is OverflowException or OutOfMemoryException)
        {
            throw new DfaInputException(
                $"the network {inputs}-{string.Join("-", config.Model.Hidden)}-{classes} is too large to allocate here ({ex.GetType().Name})");
        }
    }

    /// <summary>Whether the config's method projects errors through <c>feedback.backend</c> (DFA and its hybrids).</summary>
    public static bool UsesFeedbackBackend(TrainConfig config) =>
        config.Algorithm is TrainingAlgorithmKind.Dfa or TrainingAlgorithmKind.Modular or TrainingAlgorithmKind.Hybrid or TrainingAlgorithmKind.Hdfa;

    private static TrainingSetup BuildUnchecked(TrainConfig config, int inputs, int classes, FeedbackBackendRegistry registry)
    {
        Network network = NetworkBuilder.Build(config, inputs, classes, config.Seed);
        network = network.WithFrozenBlocks(FrozenBlockCount(config, network));
        ModelLoadReport? initializedFrom = ModelLoader.Apply(config, network);
        ulong feedbackSeed = config.Feedback.Seed ?? Rng.Derive(config.Seed, "feedback").NextUInt64();
        int threads = config.EffectiveThreads;
        IFeedbackProjector CreateProjector(FeedbackShape shape, ulong seed) =>
            registry.Get(config.Feedback.Backend).Create(shape, config.Feedback, seed, threads);
        ModularFeedbackAlignment Modular(int[] starts, long warmupSteps = 0, int warmupFrom = 0, string name = "MODULAR") =>
            new(network, starts, (m, shape) => CreateProjector(shape, ModuleSeed(network, starts, m, feedbackSeed)), warmupSteps, warmupFrom, name);

        IFeedbackProjector? projector = null;
        ITrainingAlgorithm algorithm;
        IOptimizer? optimizer = null;
        string method = config.Algorithm.ToString().ToUpperInvariant();
        switch (config.Algorithm)
        {
            case TrainingAlgorithmKind.Dfa:
                projector = CreateProjector(FeedbackShapeOf(network, classes, method), feedbackSeed);
                algorithm = new DirectFeedbackAlignment(projector);
                break;
            case TrainingAlgorithmKind.Fa:
                // FA's matrices replace each Wᵀ inside the network, so no feedback backend applies: feedback.backend is ignored.
                try
                {
                    algorithm = new FeedbackAlignment(network, feedbackSeed, config.Feedback.Scale, threads);
                }
                catch (NotSupportedException ex)
                {
                    throw new DfaInputException($"backward_method FA: {ex.Message} (use BP or DFA for model.conv networks, or freeze the conv blocks)");
                }

                break;
            case TrainingAlgorithmKind.Bp:
                algorithm = new Backpropagation();
                break;
            case TrainingAlgorithmKind.Modular:
                {
                    algorithm = Modular(ModuleStarts(config, network));
                    break;
                }

            case TrainingAlgorithmKind.Hybrid:
                {
                    (int[] starts, int firstDense) = HybridModules(network);
                    ModularFeedbackAlignment hybrid = Modular(starts, config.Hybrid.WarmupSteps, firstDense, "HYBRID");
                    algorithm = hybrid;
                    if (config.Hybrid.WarmupSteps > 0 && firstDense > network.FrozenBlocks)
                    {
                        // The conv blocks' optimizer starts when the warm-up ends (see WarmupOptimizer).
                        Parameter[] dense = network.Blocks.Skip(firstDense).SelectMany(b => b.Layers).SelectMany(l => l.Parameters).ToArray();
                        Parameter[] held = network.TrainableParameters.Except(dense).ToArray();
                        optimizer = new WarmupOptimizer(Optimizers.Create(config, dense), Optimizers.Create(config, held), () => hybrid.LastStepInWarmup);
                    }

                    break;
                }

            case TrainingAlgorithmKind.Hdfa:
                {
                    // With modular.boundaries the DFA steps are Han et al.'s modular DFA, else pure DFA.
                    ITrainingAlgorithm dfaStep;
                    if (config.Modular.Boundaries.Count > 0)
                    {
                        dfaStep = Modular(ModuleStarts(config, network));
                    }
                    else
                    {
                        projector = CreateProjector(FeedbackShapeOf(network, classes, method), feedbackSeed);
                        dfaStep = new DirectFeedbackAlignment(projector);
                    }

                    var hdfa = new HybridFeedbackAlignment(dfaStep, config.Hdfa.P, Rng.Derive(config.Seed, "hdfa"));
                    algorithm = hdfa;
                    optimizer = config.Optimizer == OptimizerKind.Adam
                        ? HdfaOptimizer.Adam(
                            network.TrainableParameters, config.LearningRate, config.Adam.Beta1, config.Adam.Beta2, config.Adam.Eps, config.Hdfa.Gamma,
                            config.WeightDecay, () => hdfa.LastStepUsedBackprop, threads)
                        : HdfaOptimizer.Sgd(
                            network.TrainableParameters, config.LearningRate, config.Sgd.Momentum, config.Sgd.Dampening, config.Hdfa.Gamma,
                            config.WeightDecay, () => hdfa.LastStepUsedBackprop, threads);
                    break;
                }

            default:
                throw new DfaInputException($"backward_method {method} is not supported");
        }

        optimizer ??= Optimizers.Create(config, network.TrainableParameters);
        ILearningRateSchedule schedule = LearningRateSchedules.Create(config.LearningRate, config.LrScheduler);
        var trainer = new Trainer(network, algorithm, optimizer, schedule, config);
        return new TrainingSetup(network, algorithm, projector, UsesFeedbackBackend(config) ? registry.Get(config.Feedback.Backend).Name : "none", feedbackSeed, optimizer, trainer, initializedFrom);
    }

    /// <summary>DFA's projection onto every trained hidden block.</summary>
    private static FeedbackShape FeedbackShapeOf(Network network, int classes, string method)
    {
        if (network.FeedbackBlocks.Count == 0)
        {
            throw new DfaInputException($"backward_method {method}: freeze leaves only the output block to train, so there is no hidden block to send feedback to; use BP");
        }

        return new FeedbackShape(classes, network.FeedbackBlocks.Select(b => b.OutputSize).ToArray());
    }

    /// <summary>The number of blocks <c>freeze</c> names, after checking they are the network's first blocks.</summary>
    private static int FrozenBlockCount(TrainConfig config, Network network)
    {
        IReadOnlyList<string> frozen = config.Freeze;
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
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
    private static int[] ModuleStarts(TrainConfig config, Network network)
    {
        var starts = new SortedSet<int> { network.FrozenBlocks };
        foreach (string name in config.Modular.Boundaries)
        {
            int index = network.IndexOf(name);
            if (index < 0)
            {
                throw new DfaInputException($"modular.boundaries: '{name}' is not a block of this network ({BlockList(network)})");
            }

            if (index < network.FrozenBlocks)
            {
                throw new DfaInputException($"modular.boundaries: '{name}' is frozen; modules split the blocks that train");
            }

            starts.Add(index);
        }

        return [.. starts];
    }

    /// <summary>Han &amp; Yoo's hybrid as modules: every trained convolutional block alone, then one module of the fully connected blocks.</summary>
    private static (int[] Starts, int FirstDense) HybridModules(Network network)
    {
        IReadOnlyList<NetworkBlock> blocks = network.Blocks;
        int firstDense = 0;
        while (firstDense < blocks.Count && blocks[firstDense].Layers.OfType<Conv2d>().Any())
        {
            firstDense++;
        }

        if (firstDense == 0)
        {
            throw new DfaInputException("backward_method HYBRID trains convolutional blocks by BP below DFA-trained dense blocks; this network has no model.conv blocks (use DFA)");
        }

        int[] starts = Enumerable.Range(network.FrozenBlocks, Math.Max(0, firstDense - network.FrozenBlocks)).Append(Math.Max(firstDense, network.FrozenBlocks)).Distinct().ToArray();
        return (starts, Math.Max(firstDense, network.FrozenBlocks));
    }

    /// <summary>
    /// The top module (the one holding the output block) uses the feedback seed itself, so a single module is DFA bit for
    /// bit; a lower module's matrices are named by the seed and the module's top block.
    /// </summary>
    private static ulong ModuleSeed(Network network, int[] starts, int module, ulong feedbackSeed)
    {
        if (module == starts.Length - 1)
        {
            return feedbackSeed;
        }

        string top = network.Blocks[starts[module + 1] - 1].Name;
        return Rng.Derive(feedbackSeed, $"module/{top}").NextUInt64();
    }

    private static string BlockList(Network network) => "blocks: " + string.Join(", ", network.Blocks.Select(b => b.Name));
}
