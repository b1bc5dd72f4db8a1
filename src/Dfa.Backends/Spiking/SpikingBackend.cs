using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Spiking;

/// <summary>
/// An event-driven, Loihi-class spiking projector: the error as signed rate-coded or graded spike events, low-bit
/// synapses with a shared exponent per core, partitioned over the chip's cores (see <see cref="SpikingProjector"/>,
/// options and mapping in <see cref="SpikingOptions"/>).
/// </summary>
public sealed class SpikingBackend : IFeedbackBackend
{
    public string Name => "spiking";

    public string Description => "Loihi-class event-driven projector: signed rate-coded or graded spikes, 8-bit synapses with a per-core exponent, core/synapse limits";

    /// <exception cref="DfaInputException">
    /// A <c>feedback.spiking</c> option out of range, or matrices that do not fit the chip the options describe
    /// (<see cref="Predict"/> reports that as <see cref="FeedbackPrediction.Infeasible"/> instead).
    /// </exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        SpikingOptions o = SpikingOptions.Resolve(options);
        var geometry = new SpikingGeometry(shape, o);
        if (geometry.Infeasible is { } why)
        {
            throw new DfaInputException($"the spiking backend cannot hold B for {shape} on the configured chip: {why}");
        }

        return new SpikingProjector(shape, o, options.Init, options.Scale, seed, threads);
    }

    /// <summary>Closed-form storage and work of <see cref="SpikingGeometry"/>, with the verdict whether the matrices fit.</summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var geometry = new SpikingGeometry(shape, SpikingOptions.Resolve(options));
        return new FeedbackPrediction(geometry.Storage(), geometry.Setup(), geometry.PerProjection(batch)) { Infeasible = geometry.Infeasible };
    }
}
