using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
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

    public IBackendSection Section => SpikingOptions.Section;

    public FeedbackDevice Device => FeedbackDevice.Neuromorphic;

    /// <summary>Issue 14's target: rate coding at the defaults, at least 1,000 vectors/s at batch 128.</summary>
    public IReadOnlyList<BackendVariant> Variants { get; } = [new("spiking-rate", null, [new SpeedTarget(128, OnRatio: false, 1000)])];

    /// <summary>
    /// The chip from a neuromorphic profile: <c>neuromorphic.neuron_cores</c> (cores), <c>neuromorphic.neurons</c> ÷
    /// cores (neurons per core), <c>neuromorphic.synapse_bits_per_core</c> ÷ 8 (8-bit synapses per core) and
    /// <c>neuromorphic.fan_out_cores</c>, each where the profile gives it; the encoding and precision stay as trained.
    /// </summary>
    public FeedbackConfig OnDevice(FeedbackConfig options, IDeviceFigures device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        SpikingOptions trained = options.Options<SpikingOptions>() ?? new SpikingOptions();
        int cores = device.Find("neuromorphic.neuron_cores") is { } c ? Clamp(c) : trained.Cores;
        SpikingOptions chip = trained with
        {
            Cores = cores,
            NeuronsPerCore = device.Find("neuromorphic.neurons") is { } n ? Math.Max(1, Clamp(n / cores)) : trained.NeuronsPerCore,
            SynapsesPerCore = device.Find("neuromorphic.synapse_bits_per_core") is { } bits ? Math.Max(1, Clamp(bits / 8)) : trained.SynapsesPerCore,
            FanOut = device.Find("neuromorphic.fan_out_cores") is { } fan ? Math.Max(1, Clamp(fan)) : trained.FanOut,
        };
        return options.With(SpikingOptions.Section, chip);
    }

    /// <summary>Graded spikes need a chip that sends them (the profile capability <c>graded_spikes</c>).</summary>
    public string? CannotRunOn(FeedbackConfig options, IDeviceFigures device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        return (options.Options<SpikingOptions>()?.Encoding ?? SpikeEncoding.Rate) == SpikeEncoding.Graded && !device.HasCapability("graded_spikes")
            ? $"graded spikes need a chip that sends them (capability graded_spikes); {device.Name} sends binary spikes"
            : null;
    }

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

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        SpikingOptions o = SpikingOptions.Resolve(options);
        if (new SpikingGeometry(shape, o).Infeasible is { } why)
        {
            throw new DfaInputException($"the spiking backend cannot hold B for {shape} on the configured chip: {why}");
        }

        return new SpikingCountingReference(shape, o, options, seed);
    }

    /// <summary>Closed-form storage and work of <see cref="SpikingGeometry"/>, with the verdict whether the matrices fit.</summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var geometry = new SpikingGeometry(shape, SpikingOptions.Resolve(options));
        return new FeedbackPrediction(geometry.Storage(), geometry.Setup(), geometry.PerProjection(batch), FeedbackPrecision.Spiking)
        {
            Infeasible = geometry.Infeasible,
        };
    }

    private static int Clamp(double value) => (int)Math.Min(int.MaxValue, Math.Max(0, value));
}
