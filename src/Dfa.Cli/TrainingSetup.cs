using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Randomness;
using Dfa.Core.Training;

namespace Dfa.Cli;

/// <summary>
/// Turns a config into the objects of one run: the network, the algorithm (with its feedback projector for DFA), the
/// optimizer, the schedule and the trainer. The feedback seed is the config's <c>feedback.seed</c>, else derived from
/// the run's seed, so a run's seed names its feedback matrices too.
/// </summary>
internal sealed record TrainingSetup(
    Network Network,
    ITrainingAlgorithm Algorithm,
    IFeedbackProjector? Projector,
    string BackendName,
    ulong FeedbackSeed,
    IOptimizer Optimizer,
    Trainer Trainer)
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

    private static TrainingSetup BuildUnchecked(TrainConfig config, int inputs, int classes, FeedbackBackendRegistry registry)
    {
        Network network = NetworkBuilder.Build(config, inputs, classes, config.Seed);
        ulong feedbackSeed = config.Feedback.Seed ?? Rng.Derive(config.Seed, "feedback").NextUInt64();
        IFeedbackProjector? projector = null;
        ITrainingAlgorithm algorithm;
        if (config.Algorithm == TrainingAlgorithmKind.Dfa)
        {
            var shape = new FeedbackShape(classes, network.HiddenBlocks.Select(b => b.OutputSize).ToArray());
            projector = registry.Get(config.Feedback.Backend).Create(shape, config.Feedback, feedbackSeed, config.EffectiveThreads);
            algorithm = new DirectFeedbackAlignment(projector);
        }
        else if (config.Algorithm == TrainingAlgorithmKind.Fa)
        {
            // FA's matrices replace each Wᵀ inside the network, so no feedback backend applies: feedback.backend is ignored.
            try
            {
                algorithm = new FeedbackAlignment(network, feedbackSeed, config.Feedback.Scale, config.EffectiveThreads);
            }
            catch (NotSupportedException ex)
            {
                throw new DfaInputException($"backward_method FA: {ex.Message} (use BP or DFA for model.conv networks)");
            }
        }
        else if (config.Algorithm == TrainingAlgorithmKind.Bp)
        {
            algorithm = new Backpropagation();
        }
        else
        {
            throw new DfaInputException($"backward_method {config.Algorithm.ToString().ToUpperInvariant()} is not available in this build yet");
        }

        IOptimizer optimizer = Optimizers.Create(config, network.Parameters);
        ILearningRateSchedule schedule = LearningRateSchedules.Create(config.LearningRate, config.LrScheduler);
        var trainer = new Trainer(network, algorithm, optimizer, schedule, config);
        return new TrainingSetup(network, algorithm, projector, projector?.Backend ?? "none", feedbackSeed, optimizer, trainer);
    }
}
