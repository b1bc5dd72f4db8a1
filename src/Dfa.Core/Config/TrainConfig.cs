using Dfa.Core.Config.Schema;

namespace Dfa.Core.Config;

/// <summary>
/// Everything one training run needs. The first group of properties are the survey's <c>config.yaml</c> keys (names
/// in the YAML given in each summary); the rest are Dfa's own extensions. Defaults are the survey's defaults and
/// Dfa's choices for the keys it adds. Loaded and validated by <c>ConfigLoader</c>.
/// </summary>
public sealed record TrainConfig
{
    /// <summary><c>batch_size</c>.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary><c>epochs</c>.</summary>
    public int Epochs { get; init; } = 20;

    /// <summary><c>lr</c>.</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary><c>verbose</c>: per-epoch table rows and progress bars.</summary>
    public bool Verbose { get; init; } = true;

    /// <summary>
    /// <c>backward_method</c>: <c>DFA</c>, <c>BP</c>, <c>FA</c>, <c>HYBRID</c>, <c>MODULAR</c>, <c>HDFA</c>, <c>USF</c>,
    /// <c>BRSF</c>, <c>FRSF</c>, <c>KOLEN_POLLACK</c> or <c>DRTP</c> (the survey knows the first two only).
    /// </summary>
    public TrainingAlgorithmKind Algorithm { get; init; } = TrainingAlgorithmKind.Dfa;

    /// <summary><c>optimizer_algorithm</c>: <c>ADAM</c> or <c>SGD</c>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary><c>p_drop</c>: dropout probability after each hidden activation; 0 means no dropout layer.</summary>
    public double DropoutP { get; init; }

    /// <summary><c>use_BatchNorm1D</c>.</summary>
    public bool UseBatchNorm { get; init; }

    /// <summary><c>use_LayerNorm1D</c>.</summary>
    public bool UseLayerNorm { get; init; }

    /// <summary><c>l1_regularization_lambda</c>: adds <c>λ₁·Σ|w|</c> over weight matrices to the loss.</summary>
    public double L1Lambda { get; init; }

    /// <summary><c>l2_regularization_lambda</c>: adds <c>λ₂·Σw²</c> over weight matrices to the loss.</summary>
    public double L2Lambda { get; init; }

    /// <summary><c>weight_decay</c>, with PyTorch's optimizer semantics (see <see cref="Optim.IOptimizer"/>).</summary>
    public double WeightDecay { get; init; }

    /// <summary><c>lr_schdulear</c> (sic).</summary>
    public LrSchedulerConfig LrScheduler { get; init; } = new();

    /// <summary><c>model</c>.</summary>
    public ModelConfig Model { get; init; } = new();

    /// <summary><c>data</c>.</summary>
    public DataConfig Data { get; init; } = new();

    /// <summary><c>adam</c>.</summary>
    public AdamConfig Adam { get; init; } = new();

    /// <summary><c>sgd</c>.</summary>
    public SgdConfig Sgd { get; init; } = new();

    /// <summary><c>early_stopping</c>; null when the key is absent.</summary>
    public EarlyStoppingConfig? EarlyStopping { get; init; }

    /// <summary><c>feedback</c>: the DFA feedback backend and its options.</summary>
    public FeedbackConfig Feedback { get; init; } = new();

    /// <summary><c>logging</c>: what a run records beyond <c>metrics.csv</c> and <c>summary.json</c>.</summary>
    public LoggingConfig Logging { get; init; } = new();

    /// <summary><c>checkpoint</c>: when <c>dfa train</c> saves <c>checkpoint.bin</c> for <c>--resume</c>.</summary>
    public CheckpointConfig Checkpoint { get; init; } = new();

    /// <summary><c>hybrid</c>: settings of <c>backward_method: HYBRID</c>.</summary>
    public HybridConfig Hybrid { get; init; } = new();

    /// <summary><c>modular</c>: settings of <c>backward_method: MODULAR</c>.</summary>
    public ModularConfig Modular { get; init; } = new();

    /// <summary><c>hdfa</c>: settings of <c>backward_method: HDFA</c>.</summary>
    public HdfaConfig Hdfa { get; init; } = new();

    /// <summary><c>sign_symmetry</c>: settings of <c>backward_method: USF</c>, <c>BRSF</c> and <c>FRSF</c>.</summary>
    public SignSymmetryConfig SignSymmetry { get; init; } = new();

    /// <summary><c>kolen_pollack</c>: settings of <c>backward_method: KOLEN_POLLACK</c>.</summary>
    public KolenPollackConfig KolenPollack { get; init; } = new();

    /// <summary>
    /// <c>freeze</c>: names of blocks (<c>conv1</c>, <c>hidden1</c>, …) that never train, the first blocks of the network
    /// (a backbone): no feedback reaches them, no gradient is computed for them and the optimizer does not hold them.
    /// </summary>
    public IReadOnlyList<string> Freeze { get; init; } = [];

    /// <summary><c>init_from</c>: start from saved weights instead of the seed's initialisation (all or some blocks).</summary>
    public InitFromConfig? InitFrom { get; init; }

    /// <summary><c>seed</c>: the root of every random stream of the run.</summary>
    public ulong Seed { get; init; }

    /// <summary><c>threads</c>: worker threads for the kernels; 0 means one per core.</summary>
    public int Threads { get; init; }

    /// <summary><c>output</c>: the run folder; null means the command line decides.</summary>
    public string? Output { get; init; }

    public int EffectiveThreads => Threads > 0 ? Threads : Environment.ProcessorCount;
}

public enum TrainingAlgorithmKind
{
    Bp,
    Dfa,

    /// <summary>Feedback Alignment (Lillicrap et al. 2016): BP's order with a fixed random matrix in place of each <c>Wᵀ</c>.</summary>
    Fa,

    /// <summary>
    /// Han &amp; Yoo (2019): DFA on the fully connected blocks, BP from the first fully connected layer into the
    /// convolutional blocks, after a warm-up (<c>hybrid.warmup_steps</c>) in which only the fully connected blocks train.
    /// </summary>
    Hybrid,

    /// <summary>
    /// Han et al. (2020): the blocks split into modules at <c>modular.boundaries</c>; DFA inside a module from the error
    /// at the module's output, BP from a module's lowest block into the module below.
    /// </summary>
    Modular,

    /// <summary>
    /// Han et al. (2020), the survey's Algorithm 1: each step is BP with probability <c>hdfa.p</c>, else DFA; separate BP
    /// and DFA momenta, mixed on DFA steps as <c>γ·v_DFA + (1 − γ)·v_BP</c>.
    /// </summary>
    Hdfa,

    /// <summary>
    /// Sign symmetry, uniform magnitude (Liao et al. 2016, BioTorch's uSF): BP's order through <c>B = s·sign(W)</c>,
    /// <c>s</c> the init distribution's standard deviation (<c>sign_symmetry.init</c>).
    /// </summary>
    Usf,

    /// <summary>Sign symmetry, batchwise random magnitude (BioTorch's brSF): <c>B = |M_t| ∘ sign(W)</c>, <c>M_t</c> redrawn every step.</summary>
    Brsf,

    /// <summary>Sign symmetry, fixed random magnitude (BioTorch's frSF): <c>B = |M| ∘ sign(W)</c>, <c>M</c> drawn once.</summary>
    Frsf,

    /// <summary>
    /// Kolen–Pollack (Akrout et al. 2019): FA's backward pass through a <c>B</c> that receives <c>W</c>'s change and
    /// weight decay (<c>kolen_pollack.decay</c>) after every step, so <c>B</c> converges to <c>W</c>.
    /// </summary>
    KolenPollack,

    /// <summary>
    /// Direct Random Target Projection (Frenkel et al. 2021): each hidden block learns from a fixed random projection of
    /// the one-hot target (through <c>feedback.backend</c>), the output block from its true error.
    /// </summary>
    Drtp,
}

public enum OptimizerKind
{
    Sgd,
    Adam,
}

public enum LrSchedulerKind
{
    /// <summary>PyTorch StepLR: multiply the rate by <c>gamma</c> every <c>step_size</c> epochs.</summary>
    Step,

    /// <summary>PyTorch ConstantLR: multiply the rate by <c>factor</c> for the first <c>total_iters</c> epochs.</summary>
    Constant,
}

/// <summary>The survey's <c>lr_schdulear</c> mapping plus Dfa's <c>kind</c>, <c>factor</c>, <c>total_iters</c>.</summary>
public sealed record LrSchedulerConfig
{
    /// <summary><c>use_lr_schdulear</c>.</summary>
    public bool Enabled { get; init; }

    /// <summary><c>kind</c>: <c>step</c> (default, what <c>step_size</c>/<c>gamma</c> mean) or <c>constant</c>.</summary>
    public LrSchedulerKind Kind { get; init; } = LrSchedulerKind.Step;

    /// <summary><c>step_size</c>, in epochs.</summary>
    public int StepSize { get; init; } = 2;

    /// <summary><c>gamma</c>.</summary>
    public double Gamma { get; init; } = 0.1;

    /// <summary><c>factor</c> (ConstantLR), PyTorch's default 1/3.</summary>
    public double Factor { get; init; } = 1.0 / 3.0;

    /// <summary><c>total_iters</c> (ConstantLR), in epochs, PyTorch's default 5.</summary>
    public int TotalIters { get; init; } = 5;
}

public enum ActivationKind
{
    Relu,
    Tanh,
    Sigmoid,
    LeakyRelu,
    Prelu,
    Selu,
    Celu,
    Gelu,
}

/// <summary><c>model</c>: <c>hidden</c> widths, <c>activation</c> and its parameters.</summary>
public sealed record ModelConfig
{
    /// <summary><c>hidden</c>: widths of the hidden layers; the survey's network has two.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [800, 800];

    /// <summary>
    /// <c>conv</c>: output channels of each convolutional block, in order (empty: an MLP). Each block is
    /// <c>Conv2d → activation → pool</c> and, under DFA, a feedback point at its (pooled) output; the fully connected
    /// <see cref="Hidden"/> blocks follow, then the output layer.
    /// </summary>
    public IReadOnlyList<int> Conv { get; init; } = [];

    /// <summary><c>input_shape</c>: <c>[channels, height, width]</c> of one sample (NCHW rows); required with <see cref="Conv"/>.</summary>
    public IReadOnlyList<int> InputShape { get; init; } = [];

    /// <summary><c>conv_kernel</c>: square kernel of every convolution.</summary>
    public int ConvKernel { get; init; } = 5;

    /// <summary><c>conv_stride</c>.</summary>
    public int ConvStride { get; init; } = 1;

    /// <summary><c>conv_padding</c>: zero padding on each side (2 keeps a 5×5 convolution's size).</summary>
    public int ConvPadding { get; init; } = 2;

    /// <summary><c>pool</c>: square window and stride of the pooling after each convolution; 1 means none.</summary>
    public int Pool { get; init; } = 2;

    /// <summary><c>pool_kind</c>: <c>max</c> or <c>avg</c>.</summary>
    public PoolKind PoolKind { get; init; } = PoolKind.Max;

    /// <summary><c>activation</c>; the survey's default is ReLU.</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.Relu;

    /// <summary><c>negative_slope</c> for LeakyReLU (any sign; Launay 2019 recommends −0.5).</summary>
    public double NegativeSlope { get; init; } = 0.01;

    /// <summary><c>prelu_init</c>: initial PReLU slope (PyTorch's default 0.25).</summary>
    public double PreluInit { get; init; } = 0.25;

    /// <summary><c>celu_alpha</c>.</summary>
    public double CeluAlpha { get; init; } = 1.0;
}

public enum PoolKind
{
    Max,
    Avg,
}

public enum DatasetKind
{
    Mnist,
    Synthetic,
}

/// <summary><c>data</c>.</summary>
public sealed record DataConfig
{
    /// <summary><c>dataset</c>: <c>mnist</c> or <c>synthetic</c>.</summary>
    public DatasetKind Dataset { get; init; } = DatasetKind.Mnist;

    /// <summary><c>path</c>: the MNIST folder; null means <c>--data</c>, then <c>$DFA_DATA</c>, then the user cache.</summary>
    public string? Path { get; init; }

    /// <summary><c>validation_split</c>: fraction of the training set held out for validation (early stopping).</summary>
    public double ValidationSplit { get; init; }

    /// <summary>
    /// <c>train_samples</c>: train on a random subset of this many training samples (drawn with the run's seed, before any
    /// validation split); null means all. For quick studies: the test set stays whole.
    /// </summary>
    public int? TrainSamples { get; init; }

    /// <summary><c>normalize</c>: standardise MNIST pixels with the training set's mean and std (else scale to [0, 1]).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary><c>synthetic</c>: the teacher-network dataset.</summary>
    public SyntheticConfig Synthetic { get; init; } = new();
}

/// <summary><c>data.synthetic</c>: a seeded random teacher network labels Gaussian inputs.</summary>
public sealed record SyntheticConfig
{
    /// <summary><c>inputs</c>.</summary>
    public int Inputs { get; init; } = 784;

    /// <summary><c>classes</c>.</summary>
    public int Classes { get; init; } = 10;

    /// <summary><c>train</c>: training samples.</summary>
    public int Train { get; init; } = 10000;

    /// <summary><c>test</c>: test samples.</summary>
    public int Test { get; init; } = 2000;

    /// <summary><c>teacher_hidden</c>: hidden width of the teacher.</summary>
    public int TeacherHidden { get; init; } = 256;

    /// <summary><c>seed</c>: the teacher's seed (independent of the run's seed).</summary>
    public ulong Seed { get; init; } = 1;
}

/// <summary><c>adam</c>: <c>beta1</c>, <c>beta2</c>, <c>eps</c> (PyTorch defaults).</summary>
public sealed record AdamConfig
{
    public double Beta1 { get; init; } = 0.9;

    public double Beta2 { get; init; } = 0.999;

    public double Eps { get; init; } = 1e-8;
}

/// <summary><c>sgd</c>: <c>momentum</c>, <c>nesterov</c>, <c>dampening</c> (PyTorch semantics).</summary>
public sealed record SgdConfig
{
    public double Momentum { get; init; }

    public double Dampening { get; init; }

    public bool Nesterov { get; init; }
}

/// <summary><c>early_stopping</c>: stop when validation loss has not improved by <c>min_delta</c> for <c>patience</c> epochs.</summary>
/// <summary>
/// <c>logging</c>: alignment measurements, TensorBoard event files and plots. None of it changes the training
/// trajectory: alignment is measured on a fixed probe batch with a second projector of the same feedback matrices, so a
/// run's weights are the same bits with logging on or off.
/// </summary>
public sealed record LoggingConfig
{
    /// <summary><c>alignment_every</c>: measure gradient and weight alignment every this many optimizer steps (and after the last step); 0 turns it off.</summary>
    public int AlignmentEvery { get; init; } = 100;

    /// <summary><c>alignment_samples</c>: size of the fixed probe batch the alignment is measured on (drawn once from the training set by the run's seed).</summary>
    public int AlignmentSamples { get; init; } = 512;

    /// <summary><c>loss_every</c>: write the training loss of every this many steps as a TensorBoard scalar; 0 turns it off.</summary>
    public int LossEvery { get; init; } = 10;

    /// <summary><c>tensorboard</c>: write a TensorBoard event file in the run folder.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary><c>histograms</c>: per-epoch histograms of every parameter's values and gradients in the event file.</summary>
    public bool Histograms { get; init; } = true;

    /// <summary><c>plots</c>: PNG curves of loss, accuracy and alignment in the run folder.</summary>
    public bool Plots { get; init; } = true;
}

/// <summary>
/// <c>checkpoint</c>: <c>checkpoint.bin</c> in the run folder, rewritten atomically at every epoch end and every
/// <c>every_steps</c> optimizer steps, so <c>dfa train --resume DIR</c> can continue a killed run. Not part of the
/// training trajectory: a run's numbers are the same bits with checkpoints on or off.
/// </summary>
public sealed record CheckpointConfig
{
    /// <summary><c>enabled</c>: write checkpoints at all.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>every_steps</c>: also checkpoint after every this many optimizer steps; 0 means at epoch ends only.</summary>
    public int EverySteps { get; init; }
}

/// <summary><c>hybrid</c> (Han &amp; Yoo 2019).</summary>
public sealed record HybridConfig
{
    /// <summary>
    /// <c>warmup_steps</c>: optimizer steps at the start in which only the fully connected blocks train (by DFA), so the
    /// first fully connected layer's error has settled before BP carries it into the convolutional blocks.
    /// </summary>
    public int WarmupSteps { get; init; } = 200;
}

/// <summary><c>modular</c> (Han et al. 2020).</summary>
public sealed record ModularConfig
{
    /// <summary>
    /// <c>boundaries</c>: names of the blocks that start a new module, e.g. <c>[hidden1]</c> splits
    /// conv1, conv2 | hidden1, output. The first block always starts one. Empty: one module, which is DFA.
    /// </summary>
    public IReadOnlyList<string> Boundaries { get; init; } = [];
}

/// <summary><c>hdfa</c> (Han et al. 2020, the survey's Algorithm 1).</summary>
public sealed record HdfaConfig
{
    /// <summary><c>p</c>: probability that a step uses BP (the rest use DFA).</summary>
    public double P { get; init; } = 0.1;

    /// <summary><c>gamma</c>: weight of the DFA momentum in a DFA step's update <c>γ·v_DFA + (1 − γ)·v_BP</c>.</summary>
    public double Gamma { get; init; } = 0.5;
}

/// <summary><c>sign_symmetry</c> (Liao et al. 2016; the variants as BioTorch defines them).</summary>
public sealed record SignSymmetryConfig
{
    /// <summary>
    /// <c>init</c>: the distribution whose scale sets the backward magnitudes: <c>xavier</c> (BioTorch's benchmark
    /// setting, <c>a = √(6/(fan_in + fan_out))</c>) or <c>pytorch</c> (PyTorch's default init, <c>a = 1/√fan_in</c>).
    /// </summary>
    public SignSymmetryInitKind Init { get; init; } = SignSymmetryInitKind.Xavier;
}

/// <summary>The values of <c>sign_symmetry.init</c>.</summary>
public enum SignSymmetryInitKind
{
    Xavier,
    Pytorch,
}

/// <summary><c>kolen_pollack</c> (Akrout et al. 2019).</summary>
public sealed record KolenPollackConfig
{
    /// <summary>
    /// <c>decay</c>: <c>λ</c>, the weight decay per step that <c>W</c> and <c>B</c> share (both are multiplied by
    /// <c>1 − λ</c> after each step), so <c>B − W</c> shrinks by <c>1 − λ</c> per step; 0 keeps <c>B − W</c> at its start.
    /// </summary>
    public double Decay { get; init; }
}

/// <summary><c>init_from</c>: where a run's starting weights come from.</summary>
public sealed record InitFromConfig
{
    /// <summary><c>path</c>: a weights file, or a run folder holding <c>weights.bin</c>; relative to the working directory.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary><c>blocks</c>: names of the blocks whose parameters (and buffers) are loaded; empty loads every block.</summary>
    public IReadOnlyList<string> Blocks { get; init; } = [];
}

public sealed record EarlyStoppingConfig
{
    public int Patience { get; init; } = 5;

    public double MinDelta { get; init; }
}

public enum FeedbackInit
{
    /// <summary>N(0, 1) scaled by <c>1/sqrt(n_l)</c> unless a scale is given.</summary>
    Gaussian,

    /// <summary>U(−1, 1) scaled by <c>1/sqrt(n_l)</c> unless a scale is given (Nøkland's choice).</summary>
    Uniform,

    /// <summary>Xavier/Glorot uniform: U(−a, a), <c>a = sqrt(6 / (e + n_l))</c>.</summary>
    XavierUniform,
}

/// <summary><c>feedback</c>: the feedback backend of DFA and its relatives, and the options common to every backend.</summary>
public sealed record FeedbackConfig
{
    /// <summary>
    /// <c>backend</c>: a registered feedback backend's name; null means the registry's default (the config loader
    /// writes the default's name in, so a loaded config always names its backend).
    /// </summary>
    public string? Backend { get; init; }

    /// <summary><c>init</c>: <c>gaussian</c>, <c>uniform</c> or <c>xavier_uniform</c>.</summary>
    public FeedbackInit Init { get; init; } = FeedbackInit.Gaussian;

    /// <summary><c>scale</c>: overrides the init's default scale when set.</summary>
    public double? Scale { get; init; }

    /// <summary><c>seed</c>: names the feedback matrices; null means derived from the run's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>
    /// <c>feedback.&lt;name&gt;</c>: each registered backend's option section, null where the config does not give it.
    /// Opaque here; a backend reads its own (<see cref="Options{T}"/>).
    /// </summary>
    public BackendSections Sections { get; init; } = BackendSections.Empty;

    /// <summary>The options of type <typeparamref name="T"/> the config gives, or null (the backend's defaults apply).</summary>
    public T? Options<T>()
        where T : BackendOptions => Sections.Get<T>();

    /// <summary>This config with <paramref name="section"/>'s options set to <paramref name="options"/>.</summary>
    public FeedbackConfig With(IBackendSection section, BackendOptions? options) => this with { Sections = Sections.With(section, options) };
}
