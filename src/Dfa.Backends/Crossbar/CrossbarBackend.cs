using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
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

    public IBackendSection Section => CrossbarSettings.Section;

    public FeedbackDevice Device => FeedbackDevice.InMemory;

    /// <summary>Issue 14's target: the pcm preset (programming and read noise, drift, converters), at least 1,000 vectors/s at batch 128.</summary>
    public IReadOnlyList<BackendVariant> Variants { get; } = [new("crossbar-pcm", null, [new SpeedTarget(128, OnRatio: false, 1000)])];

    /// <summary>
    /// The arrays from a compute-in-memory profile (<c>cim.array_rows</c>, <c>cim.array_cols</c> rounded down to an even
    /// count, <c>cim.arrays</c>), so the counted activations are the priced arrays'; the device preset, noise and
    /// converters stay as trained.
    /// </summary>
    public FeedbackConfig OnDevice(FeedbackConfig options, IDeviceFigures device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        CrossbarSettings trained = options.Options<CrossbarSettings>() ?? new CrossbarSettings();
        CrossbarSettings chip = trained with
        {
            TileRows = device.Find("cim.array_rows") is { } rows ? (int)Math.Clamp(rows, 1, 1 << 16) : trained.TileRows,
            TileCols = device.Find("cim.array_cols") is { } cols ? (int)Math.Clamp(cols, 2, 1 << 16) / 2 * 2 : trained.TileCols,
            Arrays = device.Find("cim.arrays") is { } arrays ? (int)Math.Clamp(arrays, 0, int.MaxValue) : trained.Arrays,
        };
        return options.With(CrossbarSettings.Section, chip);
    }

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

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(shape);
        CrossbarOptions o = CrossbarOptions.Resolve(options);
        if (new CrossbarGeometry(shape, o).Infeasible is { } why)
        {
            throw new DfaInputException($"the crossbar backend cannot hold B for {shape} on the configured chip: {why}");
        }

        return new CrossbarCountingReference(shape, o, options, seed);
    }

    /// <summary>Closed-form storage and work of <see cref="CrossbarGeometry"/> (what <see cref="CrossbarProjector"/> counts).</summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var geometry = new CrossbarGeometry(shape, CrossbarOptions.Resolve(options));
        return new FeedbackPrediction(geometry.Storage(), geometry.Setup(), geometry.PerProjection(batch), FeedbackPrecision.InMemory)
        {
            Infeasible = geometry.Infeasible,
        };
    }
}
