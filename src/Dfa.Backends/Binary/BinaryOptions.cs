using Dfa.Core.Config.Schema;

namespace Dfa.Backends.Binary;

/// <summary><c>feedback.binary</c>: binary feedback weights ±1 at one bit each (Han &amp; Yoo 2019, BDFA).</summary>
public sealed record BinaryOptions : BackendOptions
{
    /// <summary><c>error</c>: <c>float</c> (the default) or <c>ternary</c> (a popcount kernel on packed bits).</summary>
    public ErrorEncoding Error { get; init; } = ErrorEncoding.Float;

    /// <summary><c>threshold</c>: the ternarisation threshold, a fraction of the sample's largest |error|.</summary>
    public double Threshold { get; init; } = 0.1;

    /// <summary>The section's schema.</summary>
    public static BackendSection<BinaryOptions> Section { get; } = new(
        "binary",
        new Section<BinaryOptions>(
            Keys<BinaryOptions>.F("error", o => o.Error, (o, v) => o with { Error = v }, new EnumType<ErrorEncoding>(
                [("float", ErrorEncoding.Float), ("ternary", ErrorEncoding.Ternary)],
                [("fp32", "float"), ("float32", "float"), ("ternarized", "ternary"), ("ternarised", "ternary")]),
                "float: the float32 error; ternary: the error ternarised per sample, projected by popcounts on packed bits"),
            Keys<BinaryOptions>.F("threshold", o => o.Threshold, (o, v) => o with { Threshold = v }, new DoubleType(0, minInclusive: true, 1, maxInclusive: false),
                "ternary only: keep components with |e_i| above this fraction of the sample's largest |e|")));
}
