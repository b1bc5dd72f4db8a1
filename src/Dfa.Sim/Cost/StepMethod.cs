using Dfa.Core.Config;

namespace Dfa.Sim.Cost;

/// <summary>
/// What a training method does in one step, as the simulator prices it (see <see cref="MethodCostModel"/>): its kind,
/// the module boundaries of <c>MODULAR</c>, the frozen prefix, and HDFA's <c>p</c> and <c>γ</c>.
/// </summary>
public sealed record StepMethod
{
    /// <param name="kind">BP, FA, DFA, HYBRID, MODULAR or HDFA.</param>
    /// <param name="boundaries">MODULAR only: names of the blocks that start a module (the first block always does).</param>
    /// <param name="frozen">Names of the blocks that never train, a prefix of the network.</param>
    /// <param name="hdfaP">HDFA only: the probability that a step is BP, in [0, 1].</param>
    /// <param name="hdfaGamma">HDFA only: the weight of the DFA momentum in a DFA step's update, in [0, 1].</param>
    public StepMethod(TrainingAlgorithmKind kind, IReadOnlyList<string>? boundaries = null, IReadOnlyList<string>? frozen = null, double hdfaP = 0.1, double hdfaGamma = 0.5)
    {
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown training method.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(hdfaP, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hdfaP, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hdfaGamma, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hdfaGamma, 1);
        Kind = kind;
        Boundaries = [.. boundaries ?? []];
        Frozen = [.. frozen ?? []];
        HdfaP = hdfaP;
        HdfaGamma = hdfaGamma;
    }

    public TrainingAlgorithmKind Kind { get; }

    public IReadOnlyList<string> Boundaries { get; }

    public IReadOnlyList<string> Frozen { get; }

    public double HdfaP { get; }

    public double HdfaGamma { get; }

    /// <summary>The config's name of the method: <c>BP</c>, <c>FA</c>, <c>DFA</c>, <c>HYBRID</c>, <c>MODULAR</c> or <c>HDFA</c>.</summary>
    public string Name => Kind.ToString().ToUpperInvariant();

    /// <summary>True when some step of the method projects an error through a feedback backend.</summary>
    public bool UsesFeedback => Kind is not (TrainingAlgorithmKind.Bp or TrainingAlgorithmKind.Fa);

    /// <summary>The method <paramref name="config"/> trains with: <c>backward_method</c>, <c>modular.boundaries</c>, <c>freeze</c>, <c>hdfa.p</c>, <c>hdfa.gamma</c>.</summary>
    public static StepMethod From(TrainConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new StepMethod(config.Algorithm, config.Modular.Boundaries, config.Freeze, config.Hdfa.P, config.Hdfa.Gamma);
    }

    public bool Equals(StepMethod? other) =>
        other is not null && other.Kind == Kind && other.Boundaries.SequenceEqual(Boundaries) && other.Frozen.SequenceEqual(Frozen) &&
        other.HdfaP == HdfaP && other.HdfaGamma == HdfaGamma;

    public override int GetHashCode() => HashCode.Combine(Kind, Boundaries.Count, Frozen.Count, HdfaP, HdfaGamma);
}
