namespace Dfa.Sim.Profiles;

/// <summary>
/// The <c>optical:</c> section (kind optical only): an OPU that projects one binary input frame per frame time. A
/// projection of an <c>e</c>-vector onto <c>n</c> outputs costs <c>tiles × frames_per_projection × signed_split</c>
/// frames per sample, <c>tiles = ⌈e / dmd_pixels⌉ · ⌈n / camera_pixels⌉</c>; time = frames × frame_time_s, energy =
/// power_w × time.
/// </summary>
public sealed record OpticalSpec
{
    /// <summary><c>dmd_pixels</c>: binary input pixels (micro-mirrors).</summary>
    public required SourcedValue DmdPixels { get; init; }

    /// <summary><c>camera_pixels</c>: output intensities per frame.</summary>
    public required SourcedValue CameraPixels { get; init; }

    /// <summary><c>frame_time_s</c>: time per frame, s.</summary>
    public required SourcedValue FrameTimeS { get; init; }

    /// <summary><c>exposure_s</c>: camera exposure, s.</summary>
    public SourcedValue? ExposureS { get; init; }

    /// <summary><c>power_w</c>: device power while projecting, W.</summary>
    public required SourcedValue PowerW { get; init; }

    /// <summary><c>output_bits</c>: bits per camera intensity.</summary>
    public required SourcedValue OutputBits { get; init; }

    /// <summary><c>frames_per_projection_anchor</c>: intensity frames per linear projection with an anchor/reference.</summary>
    public required SourcedValue FramesPerProjectionAnchor { get; init; }

    /// <summary><c>frames_per_projection_nonlinear</c>: frames for the raw <c>|xR|²</c>.</summary>
    public SourcedValue? FramesPerProjectionNonlinear { get; init; }

    /// <summary><c>frames_per_projection_holography</c>: frames for phase-shift holography.</summary>
    public SourcedValue? FramesPerProjectionHolography { get; init; }

    /// <summary><c>frames_per_projection_vendor_linear</c>: the vendor's linear mode, in frame-equivalents.</summary>
    public SourcedValue? FramesPerProjectionVendorLinear { get; init; }

    /// <summary><c>signed_split</c>: factor for a signed (ternary) error sent as <c>e⁺</c> and <c>e⁻</c> frames.</summary>
    public required SourcedValue SignedSplit { get; init; }

    /// <summary><c>peak_ops_per_s</c>: the vendor's peak op/s, for reference.</summary>
    public SourcedValue? PeakOpsPerS { get; init; }

    /// <summary><c>host_link_bytes_per_s</c>: host ↔ OPU bandwidth, B/s.</summary>
    public SourcedValue? HostLinkBytesPerS { get; init; }
}
