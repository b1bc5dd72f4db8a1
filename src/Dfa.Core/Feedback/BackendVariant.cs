using Dfa.Core.Config.Schema;

namespace Dfa.Core.Feedback;

/// <summary>
/// A named option set of a backend worth measuring (the feedback bench runs the defaults and each variant), with the
/// speed it is held to at e = 1000 → 2 × 4096 in the same run.
/// </summary>
/// <param name="Label">The bench line's label, e.g. <c>binary-ternary</c>.</param>
/// <param name="Options">The backend's options; null for its defaults.</param>
/// <param name="Targets">The speed targets, by batch size.</param>
/// <param name="Errors">The errors the bench feeds it.</param>
/// <param name="GemmFlopsPerWeight">
/// Null: the line's baseline is the reference backend at the same batch and thread count. Otherwise the baseline is
/// the GEMM-bound rate of the products this variant must compute, the same run's GEMM FLOP/s ÷
/// (<paramref name="GemmFlopsPerWeight"/> · e · Σ n_l) FLOPs per vector; a run that measured no GEMM rate leaves the
/// line without a baseline or target.
/// </param>
public sealed record BackendVariant(
    string Label,
    BackendOptions? Options,
    IReadOnlyList<SpeedTarget> Targets,
    BenchErrors Errors = BenchErrors.Softmax,
    double? GemmFlopsPerWeight = null);

/// <summary>
/// A speed a backend is held to on the feedback bench at <paramref name="Batch"/> samples per call: at least
/// <paramref name="Minimum"/> times its baseline's vectors per second when <paramref name="OnRatio"/>,
/// else at least <paramref name="Minimum"/> vectors per second; null <paramref name="Minimum"/> measures without a target.
/// </summary>
public sealed record SpeedTarget(int Batch, bool OnRatio = true, double? Minimum = null);

/// <summary>The errors the feedback bench projects.</summary>
public enum BenchErrors
{
    /// <summary>Softmax cross-entropy errors <c>p − onehot(y)</c> of random logits N(0, 2²): what DFA projects early in training.</summary>
    Softmax,

    /// <summary>N(0, 1) in every component: dense errors, so every element a ternarising backend keeps is worked for.</summary>
    Gaussian,
}
