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

    private static readonly Section<SparseFeedbackConfig> SparseFeedback = new(
        Keys<SparseFeedbackConfig>.F("connections", c => c.Connections, (c, v) => c with { Connections = v }, new IntType(1)),
        Keys<SparseFeedbackConfig>.F("rank", c => c.Rank, (c, v) => c with { Rank = v }, new NullableType<int>(new IntType(1))));

    private static readonly EnumType<ErrorEncoding> ErrorEncodingType = new(
        [("float", ErrorEncoding.Float), ("ternary", ErrorEncoding.Ternary)],
        [("fp32", "float"), ("float32", "float"), ("ternarized", "ternary"), ("ternarised", "ternary")]);

    private static readonly DoubleType Fraction = new(0, minInclusive: true, 1, maxInclusive: false);

    private static readonly Section<BinaryFeedbackConfig> BinaryFeedback = new(
        Keys<BinaryFeedbackConfig>.F("error", c => c.Error, (c, v) => c with { Error = v }, ErrorEncodingType),
        Keys<BinaryFeedbackConfig>.F("threshold", c => c.Threshold, (c, v) => c with { Threshold = v }, Fraction));

    private static readonly Section<OpticalFeedbackConfig> OpticalFeedback = new(
        Keys<OpticalFeedbackConfig>.F("threshold", c => c.Threshold, (c, v) => c with { Threshold = v }, Fraction),
        Keys<OpticalFeedbackConfig>.F("ternary_scale", c => c.TernaryScale, (c, v) => c with { TernaryScale = v }, new EnumType<TernaryScale>(
            [("per_sign", TernaryScale.PerSign), ("shared", TernaryScale.Shared)])),
        Keys<OpticalFeedbackConfig>.F("mirrors", c => c.Mirrors, (c, v) => c with { Mirrors = v }, new IntType(2)),
        Keys<OpticalFeedbackConfig>.F("camera_pixels", c => c.CameraPixels, (c, v) => c with { CameraPixels = v }, new IntType(1)),
        Keys<OpticalFeedbackConfig>.F("frame_time_s", c => c.FrameTimeSeconds, (c, v) => c with { FrameTimeSeconds = v }, DoubleType.Positive),
        Keys<OpticalFeedbackConfig>.F("anchor_mirrors", c => c.AnchorMirrors, (c, v) => c with { AnchorMirrors = v }, new NullableType<int>(new IntType(1))),
        Keys<OpticalFeedbackConfig>.F("bit_depth", c => c.BitDepth, (c, v) => c with { BitDepth = v }, new IntType(0, 16)),
        Keys<OpticalFeedbackConfig>.F("exposure", c => c.Exposure, (c, v) => c with { Exposure = v }, new DoubleType(0, minInclusive: false, 1)),
        Keys<OpticalFeedbackConfig>.F("full_well_e", c => c.FullWellElectrons, (c, v) => c with { FullWellElectrons = v }, DoubleType.NonNegative),
        Keys<OpticalFeedbackConfig>.F("read_noise_e", c => c.ReadNoiseElectrons, (c, v) => c with { ReadNoiseElectrons = v }, DoubleType.NonNegative),
        Keys<OpticalFeedbackConfig>.F("drift", c => c.Drift, (c, v) => c with { Drift = v }, new DoubleType(0, minInclusive: true, 0.5)),
        Keys<OpticalFeedbackConfig>.F("drift_frames", c => c.DriftFrames, (c, v) => c with { DriftFrames = v }, new DoubleType(1)),
        Keys<OpticalFeedbackConfig>.F("calibration_frames", c => c.CalibrationFrames, (c, v) => c with { CalibrationFrames = v }, new IntType(1, 1 << 20)));

    private static readonly Section<CrossbarFeedbackConfig> CrossbarFeedback = new(
        Keys<CrossbarFeedbackConfig>.F("preset", c => c.Preset, (c, v) => c with { Preset = v }, StringType.Optional),
        Keys<CrossbarFeedbackConfig>.F("g_max_us", c => c.GMaxUs, (c, v) => c with { GMaxUs = v }, new NullableType<double>(DoubleType.Positive)),
        Keys<CrossbarFeedbackConfig>.F("on_off_ratio", c => c.OnOffRatio, (c, v) => c with { OnOffRatio = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("levels", c => c.Levels, (c, v) => c with { Levels = v }, new NullableType<int>(new IntType(0))),
        Keys<CrossbarFeedbackConfig>.F("programming_noise_scale", c => c.ProgrammingNoiseScale, (c, v) => c with { ProgrammingNoiseScale = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("programming_sigma", c => c.ProgrammingSigma, (c, v) => c with { ProgrammingSigma = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("read_noise_scale", c => c.ReadNoiseScale, (c, v) => c with { ReadNoiseScale = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("read_noise_relative", c => c.ReadNoiseRelative, (c, v) => c with { ReadNoiseRelative = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("drift_scale", c => c.DriftScale, (c, v) => c with { DriftScale = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("seconds_per_step", c => c.SecondsPerStep, (c, v) => c with { SecondsPerStep = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("time_since_programming_s", c => c.TimeSinceProgrammingS, (c, v) => c with { TimeSinceProgrammingS = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("drift_compensation", c => c.DriftCompensation, (c, v) => c with { DriftCompensation = v }, new NullableType<bool>(BoolType.Instance)),
        Keys<CrossbarFeedbackConfig>.F("dac_bits", c => c.DacBits, (c, v) => c with { DacBits = v }, new NullableType<int>(new IntType(0))),
        Keys<CrossbarFeedbackConfig>.F("adc_bits", c => c.AdcBits, (c, v) => c with { AdcBits = v }, new NullableType<int>(new IntType(0))),
        Keys<CrossbarFeedbackConfig>.F("adc_range", c => c.AdcRange, (c, v) => c with { AdcRange = v }, new NullableType<double>(DoubleType.Positive)),
        Keys<CrossbarFeedbackConfig>.F("tile_rows", c => c.TileRows, (c, v) => c with { TileRows = v }, new NullableType<int>(new IntType(1))),
        Keys<CrossbarFeedbackConfig>.F("tile_cols", c => c.TileCols, (c, v) => c with { TileCols = v }, new NullableType<int>(new IntType(1))),
        Keys<CrossbarFeedbackConfig>.F("arrays", c => c.Arrays, (c, v) => c with { Arrays = v }, new NullableType<int>(new IntType(0))),
        Keys<CrossbarFeedbackConfig>.F("stuck_at_min", c => c.StuckAtMin, (c, v) => c with { StuckAtMin = v }, new NullableType<double>(DoubleType.NonNegative)),
        Keys<CrossbarFeedbackConfig>.F("stuck_at_max", c => c.StuckAtMax, (c, v) => c with { StuckAtMax = v }, new NullableType<double>(DoubleType.NonNegative)));

    private static readonly Section<SpikingFeedbackConfig> SpikingFeedback = new(
        Keys<SpikingFeedbackConfig>.F("encoding", c => c.Encoding, (c, v) => c with { Encoding = v }, StringType.Optional),
        Keys<SpikingFeedbackConfig>.F("time_steps", c => c.TimeSteps, (c, v) => c with { TimeSteps = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("events", c => c.Events, (c, v) => c with { Events = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("payload_bits", c => c.PayloadBits, (c, v) => c with { PayloadBits = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("weight_bits", c => c.WeightBits, (c, v) => c with { WeightBits = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("cores", c => c.Cores, (c, v) => c with { Cores = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("synapses_per_core", c => c.SynapsesPerCore, (c, v) => c with { SynapsesPerCore = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("neurons_per_core", c => c.NeuronsPerCore, (c, v) => c with { NeuronsPerCore = v }, new NullableType<int>(new IntType(0))),
        Keys<SpikingFeedbackConfig>.F("fan_out", c => c.FanOut, (c, v) => c with { FanOut = v }, new NullableType<int>(new IntType(0))));

    private static readonly Section<FeedbackConfig> Feedback = new(
        Keys<FeedbackConfig>.F("backend", c => c.Backend, (c, v) => c with { Backend = v! }, StringType.Required),
        Keys<FeedbackConfig>.F("init", c => c.Init, (c, v) => c with { Init = v }, new EnumType<FeedbackInit>(
            [("gaussian", FeedbackInit.Gaussian), ("uniform", FeedbackInit.Uniform), ("xavier_uniform", FeedbackInit.XavierUniform)],
            [("normal", "gaussian"), ("xavier", "xavier_uniform"), ("glorot", "xavier_uniform"), ("glorot_uniform", "xavier_uniform")])),
        Keys<FeedbackConfig>.F("scale", c => c.Scale, (c, v) => c with { Scale = v }, new NullableType<double>(DoubleType.Positive)),
        Keys<FeedbackConfig>.F("seed", c => c.Seed, (c, v) => c with { Seed = v }, new NullableType<ulong>(ULongType.Instance)),
        new OptionalSectionField<FeedbackConfig, SparseFeedbackConfig>(
            "sparse", SparseFeedback, c => c.Sparse, (c, v) => c with { Sparse = v }, () => new()),
        new OptionalSectionField<FeedbackConfig, BinaryFeedbackConfig>(
            "binary", BinaryFeedback, c => c.Binary, (c, v) => c with { Binary = v }, () => new()),
        new OptionalSectionField<FeedbackConfig, OpticalFeedbackConfig>(
            "optical", OpticalFeedback, c => c.Optical, (c, v) => c with { Optical = v }, () => new()),
        new OptionalSectionField<FeedbackConfig, CrossbarFeedbackConfig>(
            "crossbar", CrossbarFeedback, c => c.Crossbar, (c, v) => c with { Crossbar = v }, () => new()),
        new OptionalSectionField<FeedbackConfig, SpikingFeedbackConfig>(
            "spiking", SpikingFeedback, c => c.Spiking, (c, v) => c with { Spiking = v }, () => new()));

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

    public static readonly Section<TrainConfig> Root = new(
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
        new OptionalSectionField<TrainConfig, EarlyStoppingConfig>(
            "early_stopping", EarlyStopping, c => c.EarlyStopping, (c, v) => c with { EarlyStopping = v }, () => new()),
        Keys<TrainConfig>.S("feedback", Feedback, c => c.Feedback, (c, v) => c with { Feedback = v }),
        Keys<TrainConfig>.S("logging", Logging, c => c.Logging, (c, v) => c with { Logging = v }),
        Keys<TrainConfig>.S("checkpoint", Checkpoint, c => c.Checkpoint, (c, v) => c with { Checkpoint = v }),
        Keys<TrainConfig>.S("hybrid", Hybrid, c => c.Hybrid, (c, v) => c with { Hybrid = v }),
        Keys<TrainConfig>.S("modular", Modular, c => c.Modular, (c, v) => c with { Modular = v }),
        Keys<TrainConfig>.S("hdfa", Hdfa, c => c.Hdfa, (c, v) => c with { Hdfa = v }),
        Keys<TrainConfig>.F("freeze", c => c.Freeze, (c, v) => c with { Freeze = v }, BlockNames),
        new OptionalSectionField<TrainConfig, InitFromConfig>(
            "init_from", InitFrom, c => c.InitFrom, (c, v) => c with { InitFrom = v }, () => new()),
        Keys<TrainConfig>.F("seed", c => c.Seed, (c, v) => c with { Seed = v }, ULongType.Instance),
        Keys<TrainConfig>.F("threads", c => c.Threads, (c, v) => c with { Threads = v }, new IntType(0)),
        Keys<TrainConfig>.F("output", c => c.Output, (c, v) => c with { Output = v }, StringType.Optional));

    /// <summary>Settings that are each valid but contradict one another; reported at the node that completes the conflict.</summary>
    public static void CheckConflicts(TrainConfig c, BindContext ctx, YMapping root)
    {
        if (c.UseBatchNorm && c.UseLayerNorm)
        {
            throw At(ctx, root, "use_LayerNorm1D", "use_BatchNorm1D")
                .Error("use_BatchNorm1D and use_LayerNorm1D are both true; choose one normalisation");
        }

        if (c.Model.Conv.Count > 0 && c.Model.InputShape.Count != 3)
        {
            throw (ctx.KeyAt("model.input_shape") ?? At(ctx, root, "model.conv"))
                .Error("model.conv needs model.input_shape: [channels, height, width] of one sample, e.g. [1, 28, 28] for MNIST");
        }

        if (c.InitFrom is { Path.Length: 0 })
        {
            throw (ctx.KeyAt("init_from") ?? root).Error("init_from needs a path: a weights file or a run folder holding weights.bin");
        }

        if (c.EarlyStopping is not null && c.Data.ValidationSplit <= 0)
        {
            throw (ctx.KeyAt("early_stopping") ?? At(ctx, root, "data.validation_split"))
                .Error("early_stopping needs a validation set: set data.validation_split to a fraction in (0, 1)");
        }

        foreach ((string section, bool present) in new[]
        {
            ("sparse", c.Feedback.Sparse is not null),
            ("binary", c.Feedback.Binary is not null),
            ("optical", c.Feedback.Optical is not null),
            ("crossbar", c.Feedback.Crossbar is not null),
            ("spiking", c.Feedback.Spiking is not null),
        })
        {
            if (present && !string.Equals(c.Feedback.Backend, section, StringComparison.OrdinalIgnoreCase))
            {
                throw (ctx.KeyAt($"feedback.{section}") ?? root)
                    .Error($"feedback.{section} configures the {section} backend, but feedback.backend is '{YScalar.Shorten(c.Feedback.Backend)}'; remove the section or set feedback.backend: {section}");
            }
        }

        if (c.Feedback.Sparse is { Rank: { } rank } sparse && sparse.Connections > rank)
        {
            throw At(ctx, root, "feedback.sparse.connections", "feedback.sparse.rank")
                .Error($"feedback.sparse.connections ({sparse.Connections}) cannot exceed feedback.sparse.rank ({rank}): each neuron's connections are distinct error components");
        }

        if (c.Sgd.Nesterov && c.Sgd.Momentum <= 0)
        {
            throw At(ctx, root, "sgd.nesterov", "sgd.momentum")
                .Error("sgd.nesterov needs sgd.momentum > 0, got momentum 0");
        }

        if (c.Sgd.Nesterov && c.Sgd.Dampening != 0)
        {
            throw At(ctx, root, "sgd.nesterov", "sgd.dampening")
                .Error($"sgd.nesterov needs sgd.dampening = 0, got {ValueType<double>.Num(c.Sgd.Dampening)}");
        }
    }

    private static YNode At(BindContext ctx, YNode fallback, params string[] paths)
    {
        foreach (var p in paths)
        {
            if (ctx.ValueAt(p) is { } node)
            {
                return node;
            }
        }

        return fallback;
    }
}
