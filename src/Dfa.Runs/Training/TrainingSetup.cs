using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Layers;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Core.Optim;
using Dfa.Core.Serialization;
using Dfa.Core.Training;

namespace Dfa.Runs.Training;

/// <summary>
/// Turns a config into the objects of one run: the network (allocated from its <see cref="NetworkSpec"/> after checking
/// it fits in memory), the algorithm its <see cref="MethodPlan"/> calls for (with a feedback projector per projecting
/// module, from <c>feedback.backend</c>), the optimizer, the schedule and the trainer. The plan's feedback seed is
/// <c>feedback.seed</c>, else derived from the run's seed, so a run's seed names its feedback matrices too.
/// </summary>
public sealed record TrainingSetup(
    NetworkSpec Spec,
    MethodPlan Plan,
    Network Network,
    ITrainingAlgorithm Algorithm,
    IFeedbackProjector? Projector,
    string BackendName,
    IOptimizer Optimizer,
    Trainer Trainer,
    ModelLoadReport? InitializedFrom = null)
{
    /// <summary>The seed that names the run's feedback matrices.</summary>
    public ulong FeedbackSeed => Plan.FeedbackSeed;

    /// <summary>The run's objects for training on <paramref name="train"/>, after checking that its batches suit the network.</summary>
    /// <exception cref="DfaInputException">
    /// BatchNorm with a last batch of one sample (no batch statistics), or the network is too large to train here.
    /// </exception>
    public static TrainingSetup For(TrainConfig config, Dataset train, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(train);
        if (config.UseBatchNorm && train.Count % config.BatchSize == 1)
        {
            throw new DfaInputException(
                $"use_BatchNorm1D with {train.Count} training samples and batch_size {config.BatchSize} leaves a last batch of one sample, "
                + "which has no batch statistics; change batch_size or validation_split");
        }

        return Build(config, train.Features, train.Classes, registry);
    }

    /// <summary>
    /// The run's objects for <paramref name="inputs"/> features and <paramref name="classes"/> classes. The network's
    /// memory is checked against what this process may use before anything is allocated (<see cref="MemoryCheck"/>).
    /// </summary>
    /// <exception cref="DfaInputException">A bad method or backend setting, or the network is too large to train here.</exception>
    public static TrainingSetup Build(TrainConfig config, int inputs, int classes, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        NetworkSpec spec = NetworkSpec.From(config, inputs, classes);
        MethodPlan plan = MethodPlan.For(config, spec);
        IFeedbackBackend? backend = plan.UsesFeedbackBackend ? registry.Get(config.Feedback.Backend) : null;
        MemoryCheck.ThrowIfTooLarge(spec, plan, config, backend);
        try
        {
            return Allocate(config, spec, plan, backend);
        }
        catch (Exception ex) when (ex is OverflowException or OutOfMemoryException)
        {
            throw new DfaInputException($"the network {MemoryCheck.Describe(spec)} is too large to allocate here ({ex.GetType().Name})");
        }
    }

    /// <summary>
    /// Refuses a network too large to train here from the config alone (its inputs and classes as the config's dataset
    /// has them), before any data is fetched or loaded; <see cref="Build"/> checks again against the loaded data.
    /// </summary>
    /// <exception cref="DfaInputException">A bad method or backend setting, or the network is too large to train here.</exception>
    public static void CheckFits(TrainConfig config, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(registry);
        (int inputs, int classes) = Costing.ConfigCosts.Shape(config);
        NetworkSpec spec = NetworkSpec.From(config, inputs, classes);
        MethodPlan plan = MethodPlan.For(config, spec);
        MemoryCheck.ThrowIfTooLarge(spec, plan, config, plan.UsesFeedbackBackend ? registry.Get(config.Feedback.Backend) : null);
    }

    /// <summary>Whether the config's method projects errors through <c>feedback.backend</c> (DFA and its hybrids).</summary>
    public static bool UsesFeedbackBackend(TrainConfig config) =>
        config.Algorithm is TrainingAlgorithmKind.Dfa or TrainingAlgorithmKind.Modular or TrainingAlgorithmKind.Hybrid or TrainingAlgorithmKind.Hdfa;

    private static TrainingSetup Allocate(TrainConfig config, NetworkSpec spec, MethodPlan plan, IFeedbackBackend? backend)
    {
        int threads = config.EffectiveThreads;
        Network network = NetworkBuilder.Build(spec, config.Seed, threads).WithFrozenBlocks(plan.Frozen);
        ModelLoadReport? initializedFrom = ModelLoader.Apply(config, network);
        IFeedbackProjector Project(ModulePlan module) => backend!.Create(module.Shape!, config.Feedback, module.Seed, threads);

        IFeedbackProjector? projector = null;
        IOptimizer? optimizer = null;
        ITrainingAlgorithm PureDfa()
        {
            projector = Project(plan.MainStep.Modules.Single());
            return new DirectFeedbackAlignment(projector);
        }

        ModularDfa Modular(long warmupSteps = 0, int warmupFrom = 0, string name = "MODULAR") =>
            new(network, [.. plan.MainStep.Modules.Select(m => m.Start)], (m, shape) => Project(plan.MainStep.Modules[m]), warmupSteps, warmupFrom, name);

        ITrainingAlgorithm algorithm;
        switch (plan.Kind)
        {
            case TrainingAlgorithmKind.Bp:
                algorithm = new Backpropagation();
                break;
            case TrainingAlgorithmKind.Fa:
                // FA's matrices replace each Wᵀ inside the network, so no feedback backend applies: feedback.backend is ignored.
                try
                {
                    algorithm = new FeedbackAlignment(network, plan.FeedbackSeed, config.Feedback.Scale, threads);
                }
                catch (NotSupportedException ex)
                {
                    throw new DfaInputException($"backward_method FA: {ex.Message} (use BP or DFA for model.conv networks, or freeze the conv blocks)");
                }

                break;
            case TrainingAlgorithmKind.Dfa:
                algorithm = PureDfa();
                break;
            case TrainingAlgorithmKind.Modular:
                algorithm = Modular();
                break;
            case TrainingAlgorithmKind.Hybrid:
                algorithm = Modular(plan.WarmupSteps, plan.WarmupFrom, plan.Name);
                if (plan.WarmupSteps > 0 && plan.WarmupFrom > network.FrozenBlocks)
                {
                    // The conv blocks' optimizer starts when the warm-up ends (see WarmupOptimizer).
                    Parameter[] dense = network.Blocks.Skip(plan.WarmupFrom).SelectMany(b => b.Layers).SelectMany(l => l.Parameters).ToArray();
                    Parameter[] held = network.TrainableParameters.Except(dense).ToArray();
                    optimizer = new WarmupOptimizer(Optimizers.Create(config, dense), Optimizers.Create(config, held));
                }

                break;
            case TrainingAlgorithmKind.Hdfa:
                // With modular.boundaries the DFA steps are Han et al.'s modular DFA, else pure DFA.
                algorithm = new HdfaAlgorithm(
                    plan.Boundaries.Count > 0 ? Modular() : PureDfa(),
                    plan.HdfaP,
                    Core.Randomness.Rng.Derive(config.Seed, "hdfa"));
                optimizer = config.Optimizer == OptimizerKind.Adam
                    ? HdfaOptimizer.Adam(
                        network.TrainableParameters, config.LearningRate, config.Adam.Beta1, config.Adam.Beta2, config.Adam.Eps, plan.HdfaGamma, config.WeightDecay, threads)
                    : HdfaOptimizer.Sgd(
                        network.TrainableParameters, config.LearningRate, config.Sgd.Momentum, config.Sgd.Dampening, plan.HdfaGamma, config.WeightDecay, threads);
                break;
            default:
                throw new DfaInputException($"backward_method {plan.Name} is not supported");
        }

        optimizer ??= Optimizers.Create(config, network.TrainableParameters);
        ILearningRateSchedule schedule = LearningRateSchedules.Create(config.LearningRate, config.LrScheduler);
        var trainer = new Trainer(network, algorithm, optimizer, schedule, config);
        return new TrainingSetup(spec, plan, network, algorithm, projector, backend?.Name ?? "none", optimizer, trainer, initializedFrom);
    }
}
