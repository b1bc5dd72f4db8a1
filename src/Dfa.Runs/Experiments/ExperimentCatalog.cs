namespace Dfa.Runs.Experiments;

/// <summary>
/// The survey's Section 3.2 experiments (Sections 3.2.1–3.2.7), each on the base config
/// <c>configs/experiments/base.yaml</c> (the survey's Section 3.1 network: 784-800-800-10, ReLU, MNIST, batch 128,
/// Adam). Quick modes train on a 10 000-sample subset (the test set stays whole) so that each experiment fits in a few
/// minutes on 2 cores; full modes train on all 60 000 samples for as long as the survey's curves run.
/// </summary>
public static class ExperimentCatalog
{
    /// <summary>The shipped base config, relative to the repository root.</summary>
    public const string BaseConfig = "configs/experiments/base.yaml";

    private const string Bp = "backward_method=BP";
    private const string Dfa = "backward_method=DFA";
    private const string Sgd = "optimizer_algorithm=SGD";
    private const string Adam = "optimizer_algorithm=ADAM";

    public static IReadOnlyList<Experiment> All { get; } =
    [
        new(
            "high-lr",
            "3.2.1 Tolerance to High Learning Rate (Fig. 14, train loss; Fig. 15, train accuracy)",
            "\"unlike backpropagation, when trained using DFA, the aforementioned overshooting due to high learning rate might not propose the same problems\": "
            + "over long training at a high rate BP's train loss rises again while DFA's converges and does not rise.",
            [new("bp", [Bp]), new("dfa", [Dfa])],
            Quick: new ExperimentMode(epochs: 30, trainSamples: 10_000, learningRate: 5e-3),
            Full: new ExperimentMode(epochs: 60, trainSamples: null, learningRate: 5e-3),
            Verdicts.HighLr,
            "Adam at 5e-3, the survey's default rate and high for Adam: in a trial run on 10 000 samples BP's train loss fell to "
            + "0.021 at epoch 16 and climbed to 0.085 by epoch 30; at 1e-3 it only spiked now and then (and DFA's rose ×13 there too)."),
        new(
            "sgd-vs-adam",
            "3.2.2 SGD Training (Fig. 16) and 3.2.3 ADAM Training (Figs. 17, 18)",
            "\"even though BP training using SGD converges quickly to very small loss values it is not the case for DFA\"; higher SGD rates help DFA "
            + "but it stays \"nowhere near\" BP, and \"ADAM results in faster convergence to lower training losses\" for DFA.",
            [
                new("bp-sgd-small", [Bp, Sgd, "lr=0.01"]),
                new("dfa-sgd-small", [Dfa, Sgd, "lr=0.01"]),
                new("dfa-sgd-mid", [Dfa, Sgd, "lr=0.03"]),
                new("dfa-sgd-high", [Dfa, Sgd, "lr=0.05"]),
                new("dfa-adam", [Dfa, Adam]),
            ],
            Quick: new ExperimentMode(epochs: 10, trainSamples: 10_000, learningRate: 5e-4),
            Full: new ExperimentMode(epochs: 20, trainSamples: null, learningRate: 5e-4),
            Verdicts.SgdVsAdam,
            "plain SGD (no momentum) at 0.01 / 0.03 / 0.05: the highest of the rates tried at which DFA+SGD with ReLU still learns (at 0.1 its train loss climbed to 24 in 10 epochs, at 0.2 to 3 400); DFA+Adam at the experiment's rate 5e-4."),
        new(
            "dropout",
            "3.2.4 Dropout (Fig. 19)",
            "\"as the dropout_p increases the degree of overfitting decreases\": dropout is a viable regularizer for DFA.",
            [new("p0", [Dfa, "p_drop=0"]), new("p0.1", [Dfa, "p_drop=0.1"]), new("p0.3", [Dfa, "p_drop=0.3"]), new("p0.5", [Dfa, "p_drop=0.5"])],
            Quick: new ExperimentMode(epochs: 15, trainSamples: 10_000, learningRate: 5e-4),
            Full: new ExperimentMode(epochs: 30, trainSamples: null, learningRate: 5e-4),
            Verdicts.Dropout,
            "DFA, p = 0 (reference), 0.1 (small, Launay 2019's recommendation), 0.3 (medium), 0.5 (high), Adam 5e-4."),
        new(
            "normalization",
            "3.2.5 BatchNorm and LayerNorm (Fig. 20)",
            "\"BatchNorm [results] in higher training loss and, LayerNorm [makes] almost no substantial difference\" for DFA, whereas with BP "
            + "\"under the same conditions we got improvements using those methods\".",
            [
                new("dfa-none", [Dfa]),
                new("dfa-bn", [Dfa, "use_BatchNorm1D=true"]),
                new("dfa-ln", [Dfa, "use_LayerNorm1D=true"]),
                new("bp-none", [Bp]),
                new("bp-bn", [Bp, "use_BatchNorm1D=true"]),
                new("bp-ln", [Bp, "use_LayerNorm1D=true"]),
            ],
            Quick: new ExperimentMode(epochs: 10, trainSamples: 10_000, learningRate: 5e-4),
            Full: new ExperimentMode(epochs: 20, trainSamples: null, learningRate: 5e-4),
            Verdicts.Normalization,
            "Adam 5e-4 for all six; BatchNorm1d / LayerNorm after each hidden Linear."),
        new(
            "regularization",
            "3.2.6 L1 Regularization, L2 regularization, and Weight Decay (Fig. 21)",
            "L1, L2 and weight decay \"all had similar effects between DFA and BP training\"; \"the addition of L1 Regularization translated the loss "
            + "curves upward for both DFA and BP\".",
            [
                new("dfa", [Dfa]),
                new("dfa-l1", [Dfa, "l1_regularization_lambda=1e-5"]),
                new("dfa-l2", [Dfa, "l2_regularization_lambda=1e-4"]),
                new("dfa-wd", [Dfa, "weight_decay=1e-3"]),
                new("bp", [Bp]),
                new("bp-l1", [Bp, "l1_regularization_lambda=1e-5"]),
                new("bp-l2", [Bp, "l2_regularization_lambda=1e-4"]),
                new("bp-wd", [Bp, "weight_decay=1e-3"]),
            ],
            Quick: new ExperimentMode(epochs: 8, trainSamples: 10_000, learningRate: 5e-4),
            Full: new ExperimentMode(epochs: 20, trainSamples: null, learningRate: 5e-4),
            Verdicts.Regularization,
            "λ₁ = 1e-5 (Σ|w| ≈ 4·10⁴ at initialisation, so a penalty of ≈ 0.4), λ₂ = 1e-4, weight decay 1e-3 (PyTorch Adam semantics), Adam 5e-4."),
        new(
            "activations",
            "3.2.7 Activation Functions (Fig. 22)",
            "for DFA, \"SeLU, CeLU, and tanh appear to be yielding the best performance. They are then followed by the PReLU and GeLU\", with ReLU last "
            + "(the survey's last sentence says ReLU \"yields the best performance\"; its figure and the sentence before it place ReLU last).",
            [
                new("relu", [Dfa, "model.activation=relu"]),
                new("prelu", [Dfa, "model.activation=prelu"]),
                new("selu", [Dfa, "model.activation=selu"]),
                new("celu", [Dfa, "model.activation=celu"]),
                new("gelu", [Dfa, "model.activation=gelu"]),
                new("tanh", [Dfa, "model.activation=tanh"]),
            ],
            Quick: new ExperimentMode(epochs: 10, trainSamples: 10_000, learningRate: 5e-4),
            Full: new ExperimentMode(epochs: 20, trainSamples: null, learningRate: 5e-4),
            Verdicts.Activations,
            "DFA, Adam 5e-4, PReLU initial slope 0.25, CELU α = 1 (PyTorch defaults)."),
    ];

    public static IEnumerable<string> Names => All.Select(e => e.Name);

    public static Experiment? Find(string name) => All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
}
