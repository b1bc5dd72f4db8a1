using Dfa.Backends.Encoding;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Optical;

/// <summary>
/// A simulated LightOn-style optical processing unit: ternarised errors on a micro-mirror array, a complex Gaussian
/// transmission matrix named by the seed and never stored, anchor-field linear recovery and a noisy 8-bit camera
/// (see <see cref="OpticalProjector"/>).
/// </summary>
public sealed class OpticalBackend : IFeedbackBackend
{
    internal const string Layout = "optical: transmission matrix named by its seed, 0 B stored";

    public string Name => "optical";

    public string Description => "simulated optical processing unit: ternary error, complex Gaussian medium, anchor-field linear readout, noisy camera";

    public IBackendSection Section => OpticalOptions.Section;

    public FeedbackDevice Device => FeedbackDevice.Optical;

    /// <summary>
    /// The simulation with default noise at batch 128: at least 5,000 vectors/s on softmax errors (issue 16), and on
    /// dense Gaussian errors at least half the GEMM-bound rate of the products it must compute: the fields of both
    /// binary frames, <c>x⁺·R</c> and <c>x⁻·R</c> with R complex e × N, are 2 × 2·e·N real multiply-adds, 8 FLOPs per
    /// feedback weight and vector.
    /// </summary>
    public IReadOnlyList<BackendVariant> Variants { get; } =
    [
        new("optical", null, [new SpeedTarget(128, OnRatio: false, 5000)]),
        new("optical-gaussian", null, [new SpeedTarget(128, OnRatio: true, 0.5)], BenchErrors.Gaussian, GemmFlopsPerWeight: 8),
    ];

    /// <summary>
    /// The device's geometry from the priced optical profile (<c>optical.dmd_pixels</c>, <c>optical.camera_pixels</c>,
    /// <c>optical.frame_time_s</c>, <c>optical.output_bits</c>), so the counted frames are the priced device's; the
    /// other options (threshold, noise, calibration frames) stay as trained.
    /// </summary>
    public FeedbackConfig OnDevice(FeedbackConfig options, IDeviceFigures device)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(device);
        OpticalOptions trained = options.Options<OpticalOptions>() ?? new OpticalOptions();
        double Figure(string key) => device.Find(key) ?? throw new DfaInputException($"profile {device.Name} has no {key}; the optical backend is priced on optical profiles");
        return options.With(OpticalOptions.Section, trained with
        {
            Mirrors = (int)Math.Min(int.MaxValue, Figure("optical.dmd_pixels")),
            CameraPixels = (int)Math.Min(int.MaxValue, Figure("optical.camera_pixels")),
            FrameTimeSeconds = Figure("optical.frame_time_s"),
            BitDepth = (int)Math.Clamp(Figure("optical.output_bits"), 0, 16),
        });
    }

    /// <exception cref="DfaInputException"><c>feedback.init</c> is not gaussian, or a <c>feedback.optical</c> option is out of range.</exception>
    public IFeedbackProjector Create(FeedbackShape shape, FeedbackConfig options, ulong seed, int threads)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        return new OpticalProjector(OpticalGeometry.Create(shape, options), seed, threads);
    }

    public ICountingReference CreateCountingReference(FeedbackShape shape, FeedbackConfig options, ulong seed) =>
        new OpticalCountingReference(OpticalGeometry.Create(shape, options), seed);

    /// <summary>Closed-form storage and work (see <see cref="OpticalProjector"/> for the definitions).</summary>
    public FeedbackPrediction Predict(FeedbackShape shape, FeedbackConfig options, int batch)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        OpticalGeometry g = OpticalGeometry.Create(shape, options);
        long e = shape.ErrorSize;
        long n = shape.TotalLayerSize;
        long a = g.Anchors;
        long tin = g.InputTiles;
        long tout = g.OutputTiles;
        long cal = g.Options.CalibrationFrames;
        long b = batch;

        var setup = new ActionCounts();
        setup.Add(HardwareAction.OpticalFrames, checked(cal * tout));
        setup.Add(HardwareAction.MirrorPixelsWritten, checked(cal * tout * (Math.Min(e, g.Capacity) + a)));
        setup.Add(HardwareAction.CameraPixelsRead, checked(cal * n));
        setup.Add(HardwareAction.Fp32Add, checked(cal * n));
        setup.Add(HardwareAction.Fp32Multiply, checked((cal * n) + n));

        var perCall = new ActionCounts();
        perCall.Add(HardwareAction.OpticalFrames, checked(4 * b * tin * tout));
        perCall.Add(HardwareAction.MirrorPixelsWritten, checked(4 * b * tout * (e + (tin * a))));
        perCall.Add(HardwareAction.CameraPixelsRead, checked(4 * b * tin * n));
        perCall.Add(HardwareAction.Fp32Compare, checked(2 * b * e));
        perCall.Add(HardwareAction.Int32Add, checked(b * e));
        perCall.Add(HardwareAction.Fp32Add, checked((b * e) + (6 * b * tin * n)));
        long scales = g.Options.TernaryScale == TernaryScale.PerSign ? 2 : 1;
        perCall.Add(HardwareAction.Fp32Multiply, checked((b * (1 + scales)) + (8 * b * tin * n) + n + (b * n)));
        perCall.Add(HardwareAction.ErrorBytesRead, checked(4 * b * e));
        perCall.Add(HardwareAction.SignalBytesWritten, checked(4 * b * n));
        return new FeedbackPrediction(new FeedbackStorage(Layout, 0, 0, 0, checked(4 * n)), setup, perCall, FeedbackPrecision.Analog);
    }
}
