using Dfa.Backends.Encoding;
using Dfa.Core.Config.Schema;

namespace Dfa.Backends.Optical;

/// <summary>
/// <c>feedback.optical</c>: a simulated optical processing unit (LightOn-style OPU). The defaults are the Aurora-class
/// device of the <c>lighton-opu-aurora</c> profile (DMD 912×1140, camera 1920×1080, 500 µs frames, 8-bit output, each
/// with its source there); the noise figures are assumptions (no published numbers): typical CMOS camera values.
/// </summary>
public sealed record OpticalOptions : BackendOptions
{
    /// <summary><c>threshold</c>: the ternarisation threshold, a fraction of the sample's largest |error|.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>
    /// <c>ternary_scale</c>: <c>per_sign</c> (the default) scales the kept positive and negative components by their own
    /// means, applied digitally to the x⁺ and x⁻ frames; <c>shared</c> uses one mean for both.
    /// </summary>
    public TernaryScale TernaryScale { get; init; } = TernaryScale.PerSign;

    /// <summary><c>mirrors</c>: micro-mirrors on the input device (DMD), 912 × 1140 on the Aurora-class OPU.</summary>
    public int Mirrors { get; init; } = 1_039_680;

    /// <summary><c>camera_pixels</c>: camera pixels (outputs per frame), 1920 × 1080.</summary>
    public int CameraPixels { get; init; } = 2_073_600;

    /// <summary><c>frame_time_s</c>: seconds per frame (500 µs default frame time of the vendor's driver).</summary>
    public double FrameTimeSeconds { get; init; } = 5.0e-4;

    /// <summary><c>anchor_mirrors</c>: mirrors lit for the reference (anchor) field; null means automatic.</summary>
    public int? AnchorMirrors { get; init; }

    /// <summary><c>bit_depth</c>: camera ADC bits; 0 is an ideal camera (no quantisation, no saturation).</summary>
    public int BitDepth { get; init; } = 8;

    /// <summary><c>exposure</c>: the mean intensity of an anchored frame as a fraction of the camera's full scale.</summary>
    public double Exposure { get; init; } = 0.2;

    /// <summary><c>full_well_e</c>: photo-electrons at full scale; sets the shot noise. 0 turns shot noise off.</summary>
    public double FullWellElectrons { get; init; } = 10_000;

    /// <summary><c>read_noise_e</c>: camera read noise in electrons rms; 0 turns it off.</summary>
    public double ReadNoiseElectrons { get; init; } = 5;

    /// <summary><c>drift</c>: stationary relative standard deviation of the slow laser-power drift; 0 turns it off.</summary>
    public double Drift { get; init; } = 0.01;

    /// <summary><c>drift_frames</c>: correlation time of the drift, in frames.</summary>
    public double DriftFrames { get; init; } = 10_000;

    /// <summary><c>calibration_frames</c>: anchor-only frames averaged to measure the reference intensity.</summary>
    public int CalibrationFrames { get; init; } = 16;

    /// <summary>A camera and light source with every imperfection switched off (for exactness tests).</summary>
    public static OpticalOptions Ideal { get; } = new()
    {
        BitDepth = 0,
        FullWellElectrons = 0,
        ReadNoiseElectrons = 0,
        Drift = 0,
        CalibrationFrames = 1,
    };

    /// <summary>The section's schema.</summary>
    public static BackendSection<OpticalOptions> Section { get; } = new(
        "optical",
        new Section<OpticalOptions>(
            Keys<OpticalOptions>.F("threshold", o => o.Threshold, (o, v) => o with { Threshold = v }, new DoubleType(0, minInclusive: true, 1, maxInclusive: false),
                "ternarisation threshold of the error shown on the micro-mirrors (a fraction of the sample's largest |e|)"),
            Keys<OpticalOptions>.F("ternary_scale", o => o.TernaryScale, (o, v) => o with { TernaryScale = v },
                new EnumType<TernaryScale>([("per_sign", TernaryScale.PerSign), ("shared", TernaryScale.Shared)]),
                "per_sign: the kept positive and negative components scaled by their own means (α⁺, α⁻, applied digitally to the x⁺ and x⁻ frames); shared: one mean α for both"),
            Keys<OpticalOptions>.F("mirrors", o => o.Mirrors, (o, v) => o with { Mirrors = v }, new IntType(2),
                "micro-mirrors on the input device (DMD 912×1140); priced runs take the profile's optical.dmd_pixels"),
            Keys<OpticalOptions>.F("camera_pixels", o => o.CameraPixels, (o, v) => o with { CameraPixels = v }, new IntType(1),
                "camera pixels, outputs per frame (1920×1080); priced runs take the profile's optical.camera_pixels"),
            Keys<OpticalOptions>.F("frame_time_s", o => o.FrameTimeSeconds, (o, v) => o with { FrameTimeSeconds = v }, DoubleType.Positive,
                "seconds per frame; priced runs take the profile's optical.frame_time_s"),
            Keys<OpticalOptions>.F("anchor_mirrors", o => o.AnchorMirrors, (o, v) => o with { AnchorMirrors = v }, new NullableType<int>(new IntType(1)),
                "mirrors lit for the reference (anchor) field; null: ⌈min(e, mirrors/2)/4⌉"),
            Keys<OpticalOptions>.F("bit_depth", o => o.BitDepth, (o, v) => o with { BitDepth = v }, new IntType(0, 16),
                "camera ADC bits; 0 is an ideal camera (no quantisation, no saturation); priced runs take the profile's optical.output_bits"),
            Keys<OpticalOptions>.F("exposure", o => o.Exposure, (o, v) => o with { Exposure = v }, new DoubleType(0, minInclusive: false, 1),
                "mean intensity of an anchored frame as a fraction of the camera's full scale"),
            Keys<OpticalOptions>.F("full_well_e", o => o.FullWellElectrons, (o, v) => o with { FullWellElectrons = v }, DoubleType.NonNegative,
                "photo-electrons at full scale, which sets the shot noise; 0: no shot noise (assumption: typical CMOS)"),
            Keys<OpticalOptions>.F("read_noise_e", o => o.ReadNoiseElectrons, (o, v) => o with { ReadNoiseElectrons = v }, DoubleType.NonNegative,
                "camera read noise in electrons rms; 0: off (assumption: typical CMOS)"),
            Keys<OpticalOptions>.F("drift", o => o.Drift, (o, v) => o with { Drift = v }, new DoubleType(0, minInclusive: true, 0.5),
                "stationary relative standard deviation of the slow laser-power drift; 0: off"),
            Keys<OpticalOptions>.F("drift_frames", o => o.DriftFrames, (o, v) => o with { DriftFrames = v }, new DoubleType(1),
                "correlation time of the drift, in frames"),
            Keys<OpticalOptions>.F("calibration_frames", o => o.CalibrationFrames, (o, v) => o with { CalibrationFrames = v }, new IntType(1, 1 << 20),
                "anchor-only frames averaged to measure the reference intensity")));
}
