using Dfa.Core.Config.Schema;
using Dfa.Core.Yaml;

namespace Dfa.Core.Config;

/// <summary>
/// The YAML schema of <see cref="TrainConfig"/>: every key, its type, its range, and the record property it sets,
/// in the order <see cref="ConfigLoader.Describe"/> renders them. The survey's keys (misspellings included) come first.
/// </summary>
internal static class ConfigSchema
{
    /// <summary>Most hidden layers <c>model.hidden</c> may list.</summary>
    public const int MaxHiddenLayers = 1024;

    /// <summary>Widest hidden layer <c>model.hidden</c> may ask for.</summary>
    public const int MaxHiddenWidth = 1 << 24;

    private static readonly Section<LrSchedulerConfig> LrScheduler = new(
        Keys<LrSchedulerConfig>.F("use_lr_schdulear", c => c.Enabled, (c, v) => c with { Enabled = v }, BoolType.Instance),
        Keys<LrSchedulerConfig>.F("kind", c => c.Kind, (c, v) => c with { Kind = v }, new EnumType<LrSchedulerKind>(
            [("step", LrSchedulerKind.Step), ("constant", LrSchedulerKind.Constant)],
            [("steplr", "step"), ("constantlr", "constant")])),
        Keys<LrSchedulerConfig>.F("step_size", c => c.StepSize, (c, v) => c with { StepSize = v }, new IntType(1)),
        Keys<LrSchedulerConfig>.F("gamma", c => c.Gamma, (c, v) => c with { Gamma = v }, DoubleType.Positive),
        Keys<LrSchedulerConfig>.F("factor", c => c.Factor, (c, v) => c with { Factor = v }, new DoubleType(0, minInclusive: false, 1)),
        Keys<LrSchedulerConfig>.F("total_iters", c => c.TotalIters, (c, v) => c with { TotalIters = v }, new IntType(0)));

    private static readonly Section<ModelConfig> Model = new(
        Keys<ModelConfig>.F("hidden", c => c.Hidden, (c, v) => c with { Hidden = v }, new IntListType(1, MaxHiddenLayers, new IntType(1, MaxHiddenWidth))),
        Keys<ModelConfig>.F("activation", c => c.Activation, (c, v) => c with { Activation = v }, new EnumType<ActivationKind>(
            [
                ("relu", ActivationKind.Relu), ("tanh", ActivationKind.Tanh), ("sigmoid", ActivationKind.Sigmoid),
                ("leaky_relu", ActivationKind.LeakyRelu), ("prelu", ActivationKind.Prelu), ("selu", ActivationKind.Selu),
                ("celu", ActivationKind.Celu), ("gelu", ActivationKind.Gelu),
            ],
            [("leaky", "leaky_relu"), ("lrelu", "leaky_relu")])),
        Keys<ModelConfig>.F("conv", c => c.Conv, (c, v) => c with { Conv = v }, new IntListType(0, MaxHiddenLayers, new IntType(1, 1 << 16))),
        Keys<ModelConfig>.F("input_shape", c => c.InputShape, (c, v) => c with { InputShape = v }, new IntListType(0, 3, new IntType(1, 1 << 16))),
        Keys<ModelConfig>.F("conv_kernel", c => c.ConvKernel, (c, v) => c with { ConvKernel = v }, new IntType(1, 1024)),
        Keys<ModelConfig>.F("conv_stride", c => c.ConvStride, (c, v) => c with { ConvStride = v }, new IntType(1, 1024)),
        Keys<ModelConfig>.F("conv_padding", c => c.ConvPadding, (c, v) => c with { ConvPadding = v }, new IntType(0, 1024)),
        Keys<ModelConfig>.F("pool", c => c.Pool, (c, v) => c with { Pool = v }, new IntType(1, 1024)),
        Keys<ModelConfig>.F("pool_kind", c => c.PoolKind, (c, v) => c with { PoolKind = v }, new EnumType<PoolKind>(
            [("max", PoolKind.Max), ("avg", PoolKind.Avg)], [("maxpool", "max"), ("average", "avg"), ("avgpool", "avg")])),
        Keys<ModelConfig>.F("negative_slope", c => c.NegativeSlope, (c, v) => c with { NegativeSlope = v }, DoubleType.Any),
        Keys<ModelConfig>.F("prelu_init", c => c.PreluInit, (c, v) => c with { PreluInit = v }, DoubleType.Any),
        Keys<ModelConfig>.F("celu_alpha", c => c.CeluAlpha, (c, v) => c with { CeluAlpha = v }, DoubleType.Positive));

    private static readonly Section<SyntheticConfig> Synthetic = new(
        Keys<SyntheticConfig>.F("inputs", c => c.Inputs, (c, v) => c with { Inputs = v }, new IntType(1)),
        Keys<SyntheticConfig>.F("classes", c => c.Classes, (c, v) => c with { Classes = v }, new IntType(2)),
        Keys<SyntheticConfig>.F("train", c => c.Train, (c, v) => c with { Train = v }, new IntType(1)),
        Keys<SyntheticConfig>.F("test", c => c.Test, (c, v) => c with { Test = v }, new IntType(1)),
        Keys<SyntheticConfig>.F("teacher_hidden", c => c.TeacherHidden, (c, v) => c with { TeacherHidden = v }, new IntType(1)),
        Keys<SyntheticConfig>.F("seed", c => c.Seed, (c, v) => c with { Seed = v }, ULongType.Instance));

    private static readonly Section<DataConfig> Data = new(
        Keys<DataConfig>.F("dataset", c => c.Dataset, (c, v) => c with { Dataset = v }, new EnumType<DatasetKind>(
            [("mnist", DatasetKind.Mnist), ("synthetic", DatasetKind.Synthetic)])),
        Keys<DataConfig>.F("path", c => c.Path, (c, v) => c with { Path = v }, StringType.Optional),
        Keys<DataConfig>.F("validation_split", c => c.ValidationSplit, (c, v) => c with { ValidationSplit = v }, DoubleType.UnitHalfOpen),
        Keys<DataConfig>.F("train_samples", c => c.TrainSamples, (c, v) => c with { TrainSamples = v }, new NullableType<int>(new IntType(1))),
        Keys<DataConfig>.F("normalize", c => c.Normalize, (c, v) => c with { Normalize = v }, BoolType.Instance),
        Keys<DataConfig>.S("synthetic", Synthetic, c => c.Synthetic, (c, v) => c with { Synthetic = v }));

    private static readonly Section<AdamConfig> Adam = new(
        Keys<AdamConfig>.F("beta1", c => c.Beta1, (c, v) => c with { Beta1 = v }, DoubleType.UnitHalfOpen),
        Keys<AdamConfig>.F("beta2", c => c.Beta2, (c, v) => c with { Beta2 = v }, DoubleType.UnitHalfOpen),
        Keys<AdamConfig>.F("eps", c => c.Eps, (c, v) => c with { Eps = v }, DoubleType.Positive));

    private static readonly Section<SgdConfig> Sgd = new(
        Keys<SgdConfig>.F("momentum", c => c.Momentum, (c, v) => c with { Momentum = v }, DoubleType.NonNegative),
        Keys<SgdConfig>.F("dampening", c => c.Dampening, (c, v) => c with { Dampening = v }, new DoubleType(0, true, 1, true)),
        Keys<SgdConfig>.F("nesterov", c => c.Nesterov, (c, v) => c with { Nesterov = v }, BoolType.Instance));

    private static readonly Section<EarlyStoppingConfig> EarlyStopping = new(
        Keys<EarlyStoppingConfig>.F("patience", c => c.Patience, (c, v) => c with { Patience = v }, new IntType(1)),
        Keys<EarlyStoppingConfig>.F("min_delta", c => c.MinDelta, (c, v) => c with { MinDelta = v }, DoubleType.NonNegative));

    private static readonly Section<LoggingConfig> Logging = new(
        Keys<LoggingConfig>.F("alignment_every", c => c.AlignmentEvery, (c, v) => c with { AlignmentEvery = v }, new IntType(0)),
        Keys<LoggingConfig>.F("alignment_samples", c => c.AlignmentSamples, (c, v) => c with { AlignmentSamples = v }, new IntType(1, 1 << 20)),
        Keys<LoggingConfig>.F("loss_every", c => c.LossEvery, (c, v) => c with { LossEvery = v }, new IntType(0)),
        Keys<LoggingConfig>.F("tensorboard", c => c.TensorBoard, (c, v) => c with { TensorBoard = v }, BoolType.Instance),
        Keys<LoggingConfig>.F("histograms", c => c.Histograms, (c, v) => c with { Histograms = v }, BoolType.Instance),
        Keys<LoggingConfig>.F("plots", c => c.Plots, (c, v) => c with { Plots = v }, BoolType.Instance));

    private static readonly Section<CheckpointConfig> Checkpoint = new(
        Keys<CheckpointConfig>.F("enabled", c => c.Enabled, (c, v) => c with { Enabled = v }, BoolType.Instance),
        Keys<CheckpointConfig>.F("every_steps", c => c.EverySteps, (c, v) => c with { EverySteps = v }, new IntType(0)));

    private static readonly NameListType BlockNames = new(MaxHiddenLayers * 2 + 1);

    private static readonly Section<HybridConfig> Hybrid = new(
        Keys<HybridConfig>.F("warmup_steps", c => c.WarmupSteps, (c, v) => c with { WarmupSteps = v }, new IntType(0)));

    private static readonly Section<ModularConfig> Modular = new(
        Keys<ModularConfig>.F("boundaries", c => c.Boundaries, (c, v) => c with { Boundaries = v }, BlockNames));

    private static readonly Section<HdfaConfig> Hdfa = new(
        Keys<HdfaConfig>.F("p", c => c.P, (c, v) => c with { P = v }, new DoubleType(0, true, 1, true)),
        Keys<HdfaConfig>.F("gamma", c => c.Gamma, (c, v) => c with { Gamma = v }, new DoubleType(0, true, 1, true)));

    private static readonly Section<InitFromConfig> InitFrom = new(
        Keys<InitFromConfig>.F("path", c => c.Path, (c, v) => c with { Path = v! }, StringType.Required),
        Keys<InitFromConfig>.F("blocks", c => c.Blocks, (c, v) => c with { Blocks = v }, BlockNames));

    private static readonly EnumType<FeedbackInit> FeedbackInitType = new(
        [("gaussian", FeedbackInit.Gaussian), ("uniform", FeedbackInit.Uniform), ("xavier_uniform", FeedbackInit.XavierUniform)],
        [("normal", "gaussian"), ("xavier", "xavier_uniform"), ("glorot", "xavier_uniform"), ("glorot_uniform", "xavier_uniform")]);

    /// <summary>The whole schema with <paramref name="backends"/>' option sections under <c>feedback</c>, in registration order.</summary>
    public static Section<TrainConfig> Root(FeedbackSchema backends)
    {
        Field<FeedbackConfig>[] feedback =
        [
            Keys<FeedbackConfig>.F("backend", c => c.Backend, (c, v) => c with { Backend = v! }, new NameType("feedback backend", backends.Backends),
                "the feedback backend of DFA and its hybrids (--backend NAME); does not apply to BP or FA"),
            Keys<FeedbackConfig>.F("init", c => c.Init, (c, v) => c with { Init = v }, FeedbackInitType,
                "the feedback weights' distribution where a backend offers a choice: N(0,1)/√n_l, U(−1,1)/√n_l, or Xavier-uniform"),
            Keys<FeedbackConfig>.F("scale", c => c.Scale, (c, v) => c with { Scale = v }, new NullableType<double>(DoubleType.Positive),
                "overrides the distribution's default scale; null: the backend's own"),
            Keys<FeedbackConfig>.F("seed", c => c.Seed, (c, v) => c with { Seed = v }, new NullableType<ulong>(ULongType.Instance),
                "names the feedback matrices; null: derived from the run's seed"),
            .. backends.Sections.Select(section => new BackendSectionField(section)),
        ];
        return new Section<TrainConfig>(
        [
            .. RootBeforeFeedback,
            Keys<TrainConfig>.S("feedback", new Section<FeedbackConfig>(feedback), c => c.Feedback, (c, v) => c with { Feedback = v }),
            .. RootAfterFeedback,
        ]);
    }

    private static readonly Field<TrainConfig>[] RootBeforeFeedback =
    [
        Keys<TrainConfig>.F("batch_size", c => c.BatchSize, (c, v) => c with { BatchSize = v }, new IntType(1)),
        Keys<TrainConfig>.F("epochs", c => c.Epochs, (c, v) => c with { Epochs = v }, new IntType(1)),
        Keys<TrainConfig>.F("lr", c => c.LearningRate, (c, v) => c with { LearningRate = v }, DoubleType.Positive),
        Keys<TrainConfig>.F("verbose", c => c.Verbose, (c, v) => c with { Verbose = v }, BoolType.Instance),
        Keys<TrainConfig>.F("backward_method", c => c.Algorithm, (c, v) => c with { Algorithm = v }, new EnumType<TrainingAlgorithmKind>(
            [
                ("DFA", TrainingAlgorithmKind.Dfa), ("BP", TrainingAlgorithmKind.Bp), ("FA", TrainingAlgorithmKind.Fa),
                ("feedback_alignment", TrainingAlgorithmKind.Fa), ("HYBRID", TrainingAlgorithmKind.Hybrid),
                ("MODULAR", TrainingAlgorithmKind.Modular), ("HDFA", TrainingAlgorithmKind.Hdfa),
            ],
            [("backprop", "BP"), ("backpropagation", "BP"), ("direct_feedback_alignment", "DFA"), ("modular_dfa", "MODULAR"), ("hybrid_dfa", "HDFA")])),
        Keys<TrainConfig>.F("optimizer_algorithm", c => c.Optimizer, (c, v) => c with { Optimizer = v }, new EnumType<OptimizerKind>(
            [("ADAM", OptimizerKind.Adam), ("SGD", OptimizerKind.Sgd)])),
        Keys<TrainConfig>.F("p_drop", c => c.DropoutP, (c, v) => c with { DropoutP = v }, DoubleType.UnitHalfOpen),
        Keys<TrainConfig>.F("use_BatchNorm1D", c => c.UseBatchNorm, (c, v) => c with { UseBatchNorm = v }, BoolType.Instance),
        Keys<TrainConfig>.F("use_LayerNorm1D", c => c.UseLayerNorm, (c, v) => c with { UseLayerNorm = v }, BoolType.Instance),
        Keys<TrainConfig>.F("l1_regularization_lambda", c => c.L1Lambda, (c, v) => c with { L1Lambda = v }, DoubleType.NonNegative),
        Keys<TrainConfig>.F("l2_regularization_lambda", c => c.L2Lambda, (c, v) => c with { L2Lambda = v }, DoubleType.NonNegative),
        Keys<TrainConfig>.F("weight_decay", c => c.WeightDecay, (c, v) => c with { WeightDecay = v }, DoubleType.NonNegative),
        Keys<TrainConfig>.S("lr_schdulear", LrScheduler, c => c.LrScheduler, (c, v) => c with { LrScheduler = v }),
        Keys<TrainConfig>.S("model", Model, c => c.Model, (c, v) => c with { Model = v }),
        Keys<TrainConfig>.S("data", Data, c => c.Data, (c, v) => c with { Data = v }),
        Keys<TrainConfig>.S("adam", Adam, c => c.Adam, (c, v) => c with { Adam = v }),
        Keys<TrainConfig>.S("sgd", Sgd, c => c.Sgd, (c, v) => c with { Sgd = v }),
        Keys<TrainConfig>.Optional(
            "early_stopping", EarlyStopping, c => c.EarlyStopping, (c, v) => c with { EarlyStopping = v }, () => new()),
    ];

    private static readonly Field<TrainConfig>[] RootAfterFeedback =
    [
        Keys<TrainConfig>.S("logging", Logging, c => c.Logging, (c, v) => c with { Logging = v }),
        Keys<TrainConfig>.S("checkpoint", Checkpoint, c => c.Checkpoint, (c, v) => c with { Checkpoint = v }),
        Keys<TrainConfig>.S("hybrid", Hybrid, c => c.Hybrid, (c, v) => c with { Hybrid = v }),
        Keys<TrainConfig>.S("modular", Modular, c => c.Modular, (c, v) => c with { Modular = v }),
        Keys<TrainConfig>.S("hdfa", Hdfa, c => c.Hdfa, (c, v) => c with { Hdfa = v }),
        Keys<TrainConfig>.F("freeze", c => c.Freeze, (c, v) => c with { Freeze = v }, BlockNames),
        Keys<TrainConfig>.Optional(
            "init_from", InitFrom, c => c.InitFrom, (c, v) => c with { InitFrom = v }, () => new()),
        Keys<TrainConfig>.F("seed", c => c.Seed, (c, v) => c with { Seed = v }, ULongType.Instance),
        Keys<TrainConfig>.F("threads", c => c.Threads, (c, v) => c with { Threads = v }, new IntType(0)),
        Keys<TrainConfig>.F("output", c => c.Output, (c, v) => c with { Output = v }, StringType.Optional),
    ];

    /// <summary>Settings that are each valid but contradict one another; reported at the node that completes the conflict.</summary>
    /// <param name="c">The bound config.</param>
    /// <param name="ctx">Where each key was given.</param>
    /// <param name="root">The config's root mapping (the fallback position).</param>
    /// <param name="anyBackendSection">Allow option sections of backends other than <c>feedback.backend</c> (<see cref="FeedbackSchema.AnyBackendSection"/>).</param>
    public static void CheckConflicts(TrainConfig c, BindContext ctx, YMapping root, bool anyBackendSection = false)
    {
        if (c.UseBatchNorm && c.UseLayerNorm)
        {
            throw ctx.At(root, "use_LayerNorm1D", "use_BatchNorm1D")
                .Error("use_BatchNorm1D and use_LayerNorm1D are both true; choose one normalisation");
        }

        if (c.Model.Conv.Count > 0 && c.Model.InputShape.Count != 3)
        {
            throw (ctx.KeyAt("model.input_shape") ?? ctx.At(root, "model.conv"))
                .Error("model.conv needs model.input_shape: [channels, height, width] of one sample, e.g. [1, 28, 28] for MNIST");
        }

        if (c.InitFrom is { Path.Length: 0 })
        {
            throw (ctx.KeyAt("init_from") ?? root).Error("init_from needs a path: a weights file or a run folder holding weights.bin");
        }

        if (c.EarlyStopping is not null && c.Data.ValidationSplit <= 0)
        {
            throw (ctx.KeyAt("early_stopping") ?? ctx.At(root, "data.validation_split"))
                .Error("early_stopping needs a validation set: set data.validation_split to a fraction in (0, 1)");
        }

        foreach ((IBackendSection section, BackendOptions options) in c.Feedback.Sections.Given)
        {
            if (!anyBackendSection && !string.Equals(c.Feedback.Backend, section.Name, StringComparison.OrdinalIgnoreCase))
            {
                throw (ctx.KeyAt($"feedback.{section.Name}") ?? root)
                    .Error($"feedback.{section.Name} configures the {section.Name} backend, but feedback.backend is '{YScalar.Shorten(c.Feedback.Backend ?? "null")}'; remove the section or set feedback.backend: {section.Name}");
            }

            section.Check(options, $"feedback.{section.Name}", ctx, root);
        }

        if (c.Sgd.Nesterov && c.Sgd.Momentum <= 0)
        {
            throw ctx.At(root, "sgd.nesterov", "sgd.momentum")
                .Error("sgd.nesterov needs sgd.momentum > 0, got momentum 0");
        }

        if (c.Sgd.Nesterov && c.Sgd.Dampening != 0)
        {
            throw ctx.At(root, "sgd.nesterov", "sgd.dampening")
                .Error($"sgd.nesterov needs sgd.dampening = 0, got {ValueType<double>.Num(c.Sgd.Dampening)}");
        }
    }
}
