using Dfa.Core.Analysis;
using Dfa.Core.Config;
using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Optim;
using Dfa.Core.Training;
using Dfa.Runs.Files;

namespace Dfa.Runs.Training;

/// <summary>
/// The fields of <c>summary.json</c>, in a fixed order; <c>resolved_config</c> holds the effective config as dotted
/// <c>key: value</c> pairs (<see cref="ConfigLoader.Describe"/>). Result numbers depend only on the config, seed and thread
/// count; the timing fields (<c>samples_per_second</c>, <c>train_seconds</c>) are the only ones that vary between
/// identical runs.
/// </summary>
public sealed class SummaryBuilder(TrainConfig config, string configPath, TrainingSetup setup, Dataset train, Dataset test)
{
    public IReadOnlyList<KeyValuePair<string, object?>> Completed(TrainingResult result, RunOutcome outcome) =>
        Build(result.Epochs, result.StoppedEarly, result.BestEpoch, result.SamplesPerSecond, result.TrainSeconds, null, outcome);

    public IReadOnlyList<KeyValuePair<string, object?>> Diverged(IReadOnlyList<EpochMetrics> epochs, TrainingDivergedException ex, RunOutcome outcome)
    {
        double seconds = epochs.Sum(e => e.Seconds);
        double sps = seconds > 0 ? epochs.Count * (double)train.Count / seconds : 0;
        return Build(epochs, false, null, sps, seconds, ex, outcome);
    }

    /// <summary>
    /// <c>alignment</c>: the probe's settings, the first and the final measurement per hidden block (degrees; null where
    /// an angle is undefined) and the smallest gradient angle seen; <c>feedback_analysis</c>: each <c>B_l</c>'s shape,
    /// rank, condition numbers, sparsity and up to its 10 largest singular values.
    /// </summary>
    private void AddAlignment(List<KeyValuePair<string, object?>> fields, RunOutcome outcome)
    {
        if (outcome.Alignment.Count > 0)
        {
            AlignmentSnapshot first = outcome.Alignment[0], last = outcome.Alignment[^1];
            fields.Add(new("alignment", new List<KeyValuePair<string, object?>>
            {
                new("every_steps", config.Logging.AlignmentEvery),
                new("probe_samples", Math.Min(config.Logging.AlignmentSamples, train.Count)),
                new("measurements", outcome.Alignment.Count),
                new("first", Layers(first)),
                new("final", Layers(last)),
                new("min_gradient_deg", Enumerable.Range(0, last.Gradient.Count)
                    .Select(l => (object?)JsonFile.FiniteOrNull(outcome.Alignment.Min(s => double.IsNaN(s.Gradient[l].WeightDegrees) ? double.PositiveInfinity : s.Gradient[l].WeightDegrees)))
                    .ToList()),
            }));
        }

        if (outcome.Feedback is { } analyses)
        {
            fields.Add(new("feedback_analysis", analyses.Select((a, l) => (object?)new List<KeyValuePair<string, object?>>
            {
                new("block", setup.Network.FeedbackBlocks[l].Name),
                new("rows", a.Rows),
                new("cols", a.Cols),
                new("rank", a.Rank),
                new("condition_number", JsonFile.FiniteOrNull(a.ConditionNumber)),
                new("effective_condition_number", JsonFile.FiniteOrNull(a.EffectiveConditionNumber)),
                new("sparsity", a.Sparsity),
                new("singular_values_top", a.SingularValues.Take(10).Cast<object?>().ToList()),
            }).ToList()));
        }

        static List<object?> Layers(AlignmentSnapshot s) => s.Gradient.Select((g, l) => (object?)new List<KeyValuePair<string, object?>>
        {
            new("block", g.Block),
            new("step", s.Step),
            new("gradient_deg", JsonFile.FiniteOrNull(g.WeightDegrees)),
            new("bias_gradient_deg", JsonFile.FiniteOrNull(g.BiasDegrees)),
            new("weight_deg", JsonFile.FiniteOrNull(s.Weight[l].Degrees)),
        }).ToList();
    }

    private static List<KeyValuePair<string, object?>> Counts(IFeedbackProjector projector) =>
        projector.Counts.NonZero().Select(kv => new KeyValuePair<string, object?>(kv.Key.ToString(), kv.Value)).ToList();

    private static List<KeyValuePair<string, object?>> Storage(FeedbackStorage storage) =>
    [
        new("layout", storage.Layout),
        new("matrix_bytes", storage.MatrixBytes),
        new("weight_bits", storage.WeightBits),
        new("index_bits", storage.IndexBits),
        new("padding_bits", storage.PaddingBits),
        new("calibration_bytes", storage.CalibrationBytes),
    ];

    /// <summary>Each module, lowest first: its blocks, the width of its error and, if it projects, its projector's counted work and storage.</summary>
    private List<object?> Modules(ModularDfa modular)
    {
        IReadOnlyList<NetworkBlock> blocks = setup.Network.Blocks;
        return modular.Modules.Select(m =>
        {
            var module = new List<KeyValuePair<string, object?>>
            {
                new("blocks", blocks.Skip(m.Start).Take(m.Top - m.Start + 1).Select(b => (object?)b.Name).ToList()),
                new("error_size", blocks[m.Top].OutputSize),
            };
            if (m.Projector is { } projector)
            {
                module.Add(new("feedback_counts", Counts(projector)));
                module.Add(new("feedback_storage", Storage(projector.Storage)));
            }

            return (object?)module;
        }).ToList();
    }

    private List<KeyValuePair<string, object?>> Build(
        IReadOnlyList<EpochMetrics> epochs, bool stoppedEarly, int? bestEpoch, double samplesPerSecond, double trainSeconds, TrainingDivergedException? diverged, RunOutcome outcome)
    {
        EpochMetrics? last = epochs.Count > 0 ? epochs[^1] : null;
        var fields = new List<KeyValuePair<string, object?>>
        {
            new("algorithm", setup.Algorithm.Name),
            new("backend", setup.BackendName),
            new("epochs", epochs.Count),
            new("epochs_planned", config.Epochs),
            new("test_accuracy", last?.TestAccuracy),
            new("test_loss", last?.TestLoss),
            new("final_train_loss", last?.TrainLoss),
            new("final_train_accuracy", last?.TrainAccuracy),
            new("best_epoch", bestEpoch),
            new("stopped_early", stoppedEarly),
            new("diverged", diverged is not null),
            new("diverged_step", diverged?.Step),
            new("diverged_parameter", diverged?.Parameter),
            new("samples_per_second", samplesPerSecond),
            new("train_seconds", trainSeconds),
            new("seed", config.Seed),
            new("feedback_seed", setup.Algorithm is Backpropagation ? null : setup.FeedbackSeed),
            new("threads", config.EffectiveThreads),
            new("config", configPath),

            // Every key with its effective value (overrides applied): ConfigLoader.Parse("{}", name, ["key=value", ...])
            // rebuilds the config, so a run folder alone says what trained and can be priced (dfa report).
            new("resolved_config", ConfigLoader.Describe(config).Select(kv => new KeyValuePair<string, object?>(kv.Key, kv.Value)).ToList()),
            new("dataset", train.Name),
            new("train_samples", train.Count),
            new("test_samples", test.Count),
            new("network", setup.Network.Describe()),
            new("parameters", setup.Network.ParameterCount),
            new("init_from", setup.InitializedFrom is { } init
                ? new List<KeyValuePair<string, object?>>
                {
                    new("path", init.Path),
                    new("blocks", init.Blocks.Cast<object?>().ToList()),
                    new("sha256", init.Sha256),
                    new("format_version", init.Version),
                    new("tensors", init.Tensors),
                }
                : null),
            new("steps", setup.Trainer.Steps),
        };
        if (setup.Network.FrozenBlocks > 0)
        {
            fields.Add(new("frozen_blocks", setup.Network.Blocks.Take(setup.Network.FrozenBlocks).Select(b => (object?)b.Name).ToList()));
        }

        if (setup.Projector is { } projector)
        {
            fields.Add(new("feedback_counts", Counts(projector)));
            fields.Add(new("feedback_storage", Storage(projector.Storage)));
        }

        switch (setup.Algorithm)
        {
            case ModularDfa modular:
                fields.Add(new("warmup_steps", modular.WarmupSteps));
                fields.Add(new("modules", Modules(modular)));
                break;
            case HdfaAlgorithm hdfa:
                fields.Add(new("hdfa", new List<KeyValuePair<string, object?>>
                {
                    new("p", hdfa.BackpropProbability),
                    new("gamma", config.Hdfa.Gamma),
                    new("dfa_step", hdfa.DfaStep.Name),
                    new("backprop_steps", (setup.Optimizer as HdfaOptimizer)?.BackpropSteps),
                    new("dfa_steps", (setup.Optimizer as HdfaOptimizer)?.DfaSteps),
                }));
                if (hdfa.DfaStep is ModularDfa steps)
                {
                    fields.Add(new("modules", Modules(steps)));
                }

                break;
        }

        AddAlignment(fields, outcome);
        return fields;
    }
}
