using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;

namespace Dfa.Backends.Optical;

/// <summary>
/// The validated options and tiling of an optical projector: <c>A</c> anchor mirrors, <c>cap = mirrors − A</c>
/// inputs per tile, <c>T_in = ⌈e / cap⌉</c> input tiles, <c>N = Σ n_l</c> outputs and
/// <c>T_out = ⌈N / camera_pixels⌉</c> output tiles. Shared by <see cref="OpticalBackend.Predict"/> and the
/// projector so both reject the same options.
/// </summary>
internal sealed record OpticalGeometry
{
    private OpticalGeometry(FeedbackShape shape, OpticalOptions options, int anchors, double? scale)
    {
        Shape = shape;
        Options = options;
        Anchors = anchors;
        Capacity = options.Mirrors - anchors;
        InputTiles = (int)((shape.ErrorSize + (long)Capacity - 1) / Capacity);
        Outputs = shape.TotalLayerSize;
        OutputTiles = (int)((Outputs + options.CameraPixels - 1) / options.CameraPixels);
        Scale = scale;
    }

    public FeedbackShape Shape { get; }

    public OpticalOptions Options { get; }

    /// <summary><c>A</c>: mirrors lit for the reference field.</summary>
    public int Anchors { get; }

    /// <summary><c>cap = mirrors − A</c>: error components per input tile.</summary>
    public int Capacity { get; }

    public int InputTiles { get; }

    /// <summary><c>N = Σ n_l</c>.</summary>
    public long Outputs { get; }

    public int OutputTiles { get; }

    /// <summary><c>feedback.scale</c> when set; otherwise <c>s_l = 1/sqrt(n_l)</c>.</summary>
    public double? Scale { get; }

    /// <summary>Inputs in input tile <paramref name="tile"/>: <c>min(cap, e − tile·cap)</c>.</summary>
    public int TileInputs(int tile) => (int)Math.Min(Capacity, Shape.ErrorSize - ((long)tile * Capacity));

    /// <summary>
    /// The automatic anchor count: <c>A = max(1, ⌈m/4⌉)</c> with <c>m = min(e, ⌊mirrors/2⌋)</c>. The recovered
    /// term <c>Re(r̄ f)</c> has standard deviation <c>sqrt(A·k/2)</c> for <c>k</c> lit input mirrors while the
    /// camera's full scale follows the frame's mean intensity <c>A + k</c>, so its share of the ADC range,
    /// <c>∝ sqrt(A·k)/(A + k)</c>, peaks at <c>A = k</c>. A thresholded ternary error keeps roughly half of its
    /// components and the signed split shows about half of those per frame: <c>k ≈ e/4</c>. The cap at a quarter
    /// of half the device leaves most mirrors for inputs when e exceeds the DMD.
    /// </summary>
    public static int AutomaticAnchors(int errorSize, int mirrors)
    {
        int m = Math.Min(errorSize, mirrors / 2);
        return Math.Max(1, (m + 3) / 4);
    }

    /// <exception cref="DfaInputException">An option the optical backend cannot honour, naming its config key.</exception>
    public static OpticalGeometry Create(FeedbackShape shape, FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Init != FeedbackInit.Gaussian)
        {
            throw new DfaInputException(
                "feedback.init does not apply to the optical backend: its matrix is Gaussian by physics (leave feedback.init at gaussian)");
        }

        if (options.Scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new DfaInputException($"feedback.scale must be positive and finite, got {s}");
        }

        OpticalOptions o = options.Options<OpticalOptions>() ?? new OpticalOptions();
        Require(o.Threshold >= 0 && o.Threshold < 1, "threshold", "a fraction in [0, 1)", o.Threshold);
        Require(o.Mirrors >= 2, "mirrors", "at least 2", o.Mirrors);
        Require(o.CameraPixels >= 1, "camera_pixels", "at least 1", o.CameraPixels);
        Require(o.FrameTimeSeconds > 0 && double.IsFinite(o.FrameTimeSeconds), "frame_time_s", "positive", o.FrameTimeSeconds);
        Require(o.BitDepth is >= 0 and <= 16, "bit_depth", "in 0..16", o.BitDepth);
        Require(o.Exposure > 0 && o.Exposure <= 1, "exposure", "in (0, 1]", o.Exposure);
        Require(o.FullWellElectrons >= 0 && double.IsFinite(o.FullWellElectrons), "full_well_e", "non-negative", o.FullWellElectrons);
        Require(o.ReadNoiseElectrons >= 0 && double.IsFinite(o.ReadNoiseElectrons), "read_noise_e", "non-negative", o.ReadNoiseElectrons);
        Require(o.Drift >= 0 && o.Drift <= 0.5, "drift", "in [0, 0.5]", o.Drift);
        Require(o.DriftFrames >= 1 && double.IsFinite(o.DriftFrames), "drift_frames", "at least 1", o.DriftFrames);
        Require(o.CalibrationFrames is >= 1 and <= 1 << 20, "calibration_frames", "in 1..1048576", o.CalibrationFrames);
        if (shape.TotalLayerSize > int.MaxValue)
        {
            throw new DfaInputException(
                $"the optical backend simulates at most {int.MaxValue} outputs (the sum of the hidden layer sizes), got {shape.TotalLayerSize}");
        }

        int anchors;
        if (o.AnchorMirrors is { } a)
        {
            Require(a >= 1, "anchor_mirrors", "at least 1", a);
            if (a >= o.Mirrors)
            {
                throw new DfaInputException(
                    $"feedback.optical.anchor_mirrors ({a}) must be less than feedback.optical.mirrors ({o.Mirrors}): no mirror would be left for the error");
            }

            anchors = a;
        }
        else
        {
            anchors = AutomaticAnchors(shape.ErrorSize, o.Mirrors);
        }

        return new OpticalGeometry(shape, o, anchors, options.Scale);
    }

    private static void Require(bool ok, string key, string what, object value)
    {
        if (!ok)
        {
            throw new DfaInputException($"feedback.optical.{key} must be {what}, got {value}");
        }
    }
}
