using Dfa.Core.Config.Schema;

namespace Dfa.Plugins.Tests.Noisy;

/// <summary><c>feedback.noisy</c>: the noisy dense projector's one option.</summary>
public sealed record NoisyOptions : BackendOptions
{
    /// <summary><c>sigma</c>: the noise's standard deviation, relative to the rms of the sample's noise-free signal.</summary>
    public double Sigma { get; init; } = 0.05;

    public static BackendSection<NoisyOptions> Section { get; } = new(
        "noisy",
        new Section<NoisyOptions>(
            Keys<NoisyOptions>.F("sigma", o => o.Sigma, (o, v) => o with { Sigma = v }, new DoubleType(0, maxInclusive: true, max: 10),
                "noise standard deviation relative to the rms of each sample's noise-free signal; 0: exact")));
}
