namespace Dfa.Core.Tests.Config;

/// <summary>The survey's <c>config.yaml</c>, verbatim (also shipped as <c>configs/seed.yaml</c>), and where the repo is.</summary>
internal static class SurveyConfig
{
    public const string Text = """
# HYPERPARAMETERS -----
batch_size: 128
epochs: 20
lr: 5e-3
verbose: True
backward_method: DFA # possible options "DFA", if not Backprop is used (i.e. "BP")
optimizer_algorithm: ADAM # possible options "ADAM", if not SGD is used (i.e. "SGD")

# -----
# Regularization Methods -----
#
# available_regularizeron_methods:
#     - Dropout,
#     - BatchNorm1D
#     - LayerNorm
#     - Weight Decay
#     - L1 Regularization
#     - Learning Rate Scheduling
#     - Early Stopping' # currently not available
#

p_drop: 0.0 # Dropout probability. If set to 0 than no dropout will be applied
use_BatchNorm1D: False # If True apply batch norm
use_LayerNorm1D: False # If True apply layer norm
l1_regularization_lambda: 0.0 # L1 regularization lambda value. If set to 0 then no L1 regularization ap
l2_regularization_lambda: 0 # L2 regularization lambda value. If set to 0 then no L2 regularization appl
weight_decay: 0 # Weight Decay. If set to 0 than it is regular SGD with no weight decay (set to somethin
lr_schdulear: {
    use_lr_schdulear: False, # If True, torch.optim.lr_schdulear.ConstantLR is used
    step_size: 2, # Period of learning rate decay.
    gamma: 0.1, # Multiplicative factor of learning rate decay.
}
# -----

""";

    /// <summary>The folder holding <c>Dfa.sln</c>, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Dfa.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Dfa.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }

    public static string SeedPath => Path.Combine(RepoRoot(), "configs", "seed.yaml");
}
