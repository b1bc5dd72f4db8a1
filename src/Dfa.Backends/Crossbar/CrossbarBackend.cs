using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Crossbar;

/// <summary>
/// Analog in-memory feedback: each <c>B_l</c> held as conductance pairs in RRAM or PCM crossbars, with programming
/// noise, read noise, drift, converters, tiling and faults (see <see cref="CrossbarProjector"/>, options in
/// <see cref="CrossbarOptions"/>).
/// </summary>
public sealed class CrossbarBackend : IFeedbackBackend
{
    public string Name => "crossbar";

    public string Description => "B held as G⁺ − G⁻ conductance pairs in PCM/RRAM crossbar tiles: programming and read noise, drift, DAC/ADC, stuck cells";

    /// <exception cref="DfaInputException">
    /// A <c>feedback.crossbar</c> option out of range (see <see cref="CrossbarOptions.Resolve"/>), or a B that needs more
    /// arrays than <c>arrays</c> (<see cref="Predict"/> reports that as <see cref="FeedbackPrediction.Infeasible"/>).
    /// </exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        CrossbarOptions o = CrossbarOptions.Resolve(options);
        if (new CrossbarGeometry(shape, o).Infeasible is { } why)
        {
            throw new DfaInputException($"the crossbar backend cannot hold B for {shape} on the configured chip: {why}");
        }

        if ((long)shape.ErrorSize * shape.MaxLayerSize > int.MaxValue)
        {
            throw new DfaInputException(
                $"the crossbar backend simulates at most {int.MaxValue} weights per layer, got {shape.ErrorSize}×{shape.MaxLayerSize} (Predict prices any shape)");
        }

        return new CrossbarProjector(shape, o, options.Init, options.Scale, seed, threads);
    }

    /// <summary>Closed-form storage and work of <see cref="CrossbarGeometry"/> (what <see cref="CrossbarProjector"/> counts).</summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var geometry = new CrossbarGeometry(shape, CrossbarOptions.Resolve(options));
        return new FeedbackPrediction(geometry.Storage(), geometry.Setup(), geometry.PerProjection(batch)) { Infeasible = geometry.Infeasible };
    }
}
