using Dfa.Core.Data;
using Dfa.Core.Feedback;
using Dfa.Core.Randomness;
using Dfa.Core.Tensors;
using Dfa.Core.Training;

namespace Dfa.Core.Analysis;

/// <summary>One alignment measurement during training: every trained hidden block's gradient and weight alignment after a step.</summary>
/// <param name="Step">Optimizer steps taken when it was measured.</param>
/// <param name="Epoch">The 1-based epoch that step belongs to.</param>
/// <param name="Gradient">Per trained hidden block, the rule's update's angle to the BP gradient.</param>
/// <param name="Weight">Per trained hidden block, the angle between the feedback that carries its error and the forward weights it stands in for.</param>
public sealed record AlignmentSnapshot(
    long Step,
    int Epoch,
    IReadOnlyList<LayerGradientAlignment> Gradient,
    IReadOnlyList<LayerWeightAlignment> Weight);

/// <summary>
/// Measures a run's alignment while it trains, without changing it: gradient alignment (<see cref="GradientAlignment"/>)
/// of the rule's update with the BP gradient on a fixed probe batch, for every trained hidden block, and weight
/// alignment where it is defined:
/// <list type="bullet">
/// <item>DFA and DRTP (<see cref="ForProjection"/>): <c>B_l</c> against the product of the forward weights above the
/// block (<see cref="WeightAlignment.OfProjection"/>; DRTP's with <c>−B_l</c>), realised once;</item>
/// <item>FA, sign symmetry and Kolen–Pollack (<see cref="ForChain"/>): the backward matrix that carries the block's
/// error against the forward weight it replaces (<see cref="WeightAlignment.OfBackwardMatrices"/>), as it is now.</item>
/// </list>
/// </summary>
/// <remarks>
/// A projecting rule is probed through a second projector built from the same backend, options and feedback seed as
/// the one that trains: it realises the same <c>B_l</c> (the backends' contract: same seed, same bits), while its own
/// noise streams and work counters leave the training projector's untouched. A chain rule is probed through the
/// training instance itself: its backward pass moves no state (Kolen–Pollack's <c>B</c> changes only after an optimizer
/// step, brSF's draws are named by the step count, which only a step advances). So a run's weights, its counted
/// feedback work and its optical camera noise are bit-identical with monitoring on or off. The probe batch is drawn
/// once from the training set with <c>Rng.Derive(seed, "alignment-probe")</c> and measured in evaluation mode.
/// </remarks>
public sealed class AlignmentMonitor
{
    private readonly Network _network;
    private readonly ITrainingAlgorithm _rule;
    private readonly Func<IReadOnlyList<LayerWeightAlignment>> _weight;
    private readonly Matrix _inputs;
    private readonly int[] _labels;

    /// <summary>DFA's monitor (<see cref="ForProjection"/> without targets).</summary>
    public AlignmentMonitor(Network network, IFeedbackProjector probeProjector, Dataset train, int samples, ulong seed)
        : this(network, Projection(network, probeProjector, targets: false), train, samples, seed)
    {
    }

    private AlignmentMonitor(
        Network network,
        (ITrainingAlgorithm Rule, Func<IReadOnlyList<LayerWeightAlignment>> Weight, IFeedbackProjector? Probe, IReadOnlyList<FeedbackMatrixAnalysis>? Feedback) probe,
        Dataset train,
        int samples,
        ulong seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        _network = network;
        (_rule, _weight, ProbeProjector, Feedback) = probe;
        int count = Math.Min(samples, train.Count);
        int[] order = Enumerable.Range(0, train.Count).ToArray();
        Rng.Derive(seed, "alignment-probe").Shuffle<int>(order);
        _inputs = new Matrix(count, train.Features);
        _labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            train.Sample(order[i]).CopyTo(_inputs.Row(i));
            _labels[i] = train.Labels[order[i]];
        }
    }

    /// <summary>The probe's own projector, for projecting rules (its counts and any noise stream move with every measurement; checkpoints save them); null for chain rules.</summary>
    public IFeedbackProjector? ProbeProjector { get; }

    /// <summary>Spectrum, rank, condition number and sparsity of every <c>B_l</c> of a projecting rule (fixed for the run, computed once); null for chain rules.</summary>
    public IReadOnlyList<FeedbackMatrixAnalysis>? Feedback { get; }

    /// <summary>Probe batch size.</summary>
    public int Samples => _labels.Length;

    /// <summary>
    /// DFA's (<paramref name="targets"/> false) or DRTP's (true) monitor, through <paramref name="probeProjector"/>, a
    /// second projector of the training one's backend, options and seed, mapping onto the trained hidden blocks.
    /// </summary>
    public static AlignmentMonitor ForProjection(Network network, IFeedbackProjector probeProjector, bool targets, Dataset train, int samples, ulong seed) =>
        new(network, Projection(network, probeProjector, targets), train, samples, seed);

    /// <summary>The monitor of FA, sign symmetry or Kolen–Pollack, probing <paramref name="rule"/> itself.</summary>
    public static AlignmentMonitor ForChain(FeedbackChainAlgorithm rule, Dataset train, int samples, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(rule);
        return new(rule.Network, (rule, () => WeightAlignment.OfBackwardMatrices(rule.Network, rule.FeedbackMatrices), null, null), train, samples, seed);
    }

    /// <summary>Measures now; call between optimizer steps (see <see cref="ITrainingObserver.OnStep"/>).</summary>
    public AlignmentSnapshot Measure(long step, int epoch) => new(
        step,
        epoch,
        GradientAlignment.Measure(_network, _inputs, _labels, _rule),
        _weight());

    private static (ITrainingAlgorithm, Func<IReadOnlyList<LayerWeightAlignment>>, IFeedbackProjector?, IReadOnlyList<FeedbackMatrixAnalysis>?) Projection(
        Network network, IFeedbackProjector probeProjector, bool targets)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(probeProjector);
        if (probeProjector.Shape.ErrorSize != network.OutputSize || probeProjector.Shape.LayerSizes.Count != network.FeedbackBlocks.Count)
        {
            throw new ArgumentException("The probe projector's shape does not match the network.", nameof(probeProjector));
        }

        Matrix[] feedback = Enumerable.Range(0, network.FeedbackBlocks.Count).Select(probeProjector.FeedbackMatrix).ToArray();
        ITrainingAlgorithm rule = targets ? new DirectRandomTargetProjection(probeProjector) : new DirectFeedbackAlignment(probeProjector);
        IReadOnlyList<LayerWeightAlignment> Weight() => WeightAlignment.OfProjection(network, feedback, targets ? -1 : 1);
        return (rule, Weight, probeProjector, feedback.Select(FeedbackMatrixAnalysis.Of).ToArray());
    }
}
