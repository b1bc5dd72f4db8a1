using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Config.Schema;

namespace Dfa.Backends.Spiking;

/// <summary>How the output error becomes spike events.</summary>
public enum SpikeEncoding
{
    /// <summary>
    /// Rate coding with a spike budget: over T time steps the error population sends exactly T signed spikes (one per
    /// step on average), component i about <c>T·|e_i|/‖e‖₁</c> of them (largest-remainder apportionment, the count a
    /// winner-take-all sigma-delta population produces), each decoded as <c>sign(e_i)·‖e‖₁/T</c>.
    /// </summary>
    Rate,

    /// <summary>
    /// Graded spikes (Loihi 2): one event per component whose |e_i| reaches the sample's k-th largest magnitude (a
    /// per-sample threshold that lets exactly k through), carrying a signed integer payload
    /// <c>round(e_i/max|e|·P)</c>, <c>P = 2^(payload_bits−1) − 1</c>.
    /// </summary>
    Graded,
}

/// <summary>
/// <c>feedback.spiking</c>: the spiking backend's options. The config loader checks each key's range (file, line and
/// column); <see cref="Resolve"/> checks options built in code the same way, so <see cref="SpikingBackend.Create"/> and
/// <see cref="SpikingBackend.Predict"/> reject the same options with the same message.
/// <list type="table">
/// <listheader><term>key</term><description>default: meaning and source</description></listheader>
/// <item><term><c>encoding</c></term><description><c>rate</c>: see <see cref="SpikeEncoding"/>. <c>graded</c> needs a chip with graded spikes (Loihi 2, Intel's Loihi 2 brief, 2021; Orchard et al., "Efficient neuromorphic signal processing with Loihi 2", SiPS 2021, arXiv 2111.03746); Loihi 1 sends binary spikes only (Davies et al., IEEE Micro 38(1), 2018).</description></item>
/// <item><term><c>time_steps</c></term><description>32: T, algorithmic time steps per sample (rate coding; graded spikes take one).</description></item>
/// <item><term><c>events</c></term><description>0: k, graded events per sample (0: every component, e).</description></item>
/// <item><term><c>payload_bits</c></term><description>8: signed graded payload bits (0: exact float payload; the ideal setting).</description></item>
/// <item><term><c>weight_bits</c></term><description>8: signed synaptic weight mantissa bits with one power-of-two exponent shared by each core's synapses (Loihi: up to 8-bit weights and a per-core weight exponent, Davies et al. 2018); 0: float32 weights (ideal).</description></item>
/// <item><term><c>cores</c></term><description>128: neuromorphic cores on the chip (Loihi, Davies et al. 2018).</description></item>
/// <item><term><c>neurons_per_core</c></term><description>1024: compartments per core (Loihi: 131,072 neurons on 128 cores, Davies et al. 2018).</description></item>
/// <item><term><c>synapses_per_core</c></term><description>131072: synapses per core at 8 bits (Loihi: 16 MB of synaptic memory in all, Davies et al. 2018 as summarised in IEEE CAS Magazine Q2 2022 p. 21; ÷ 128 cores = 128 KiB per core, ÷ 1 B per 8-bit synapse). The synapse format's own overhead is ignored: an upper bound.</description></item>
/// <item><term><c>fan_out</c></term><description>128: cores one error neuron's spike may be routed to (assumption: a source core addresses every core of its chip; no published per-neuron limit was found).</description></item>
/// </list>
/// <para><b>Mapping onto the chip.</b> The hidden units (the signal accumulators) are split over cores, each core holding
/// <c>c = min(neurons_per_core, ⌊synapses_per_core/e⌋)</c> of them with all their e input synapses; layer l needs
/// <c>⌈n_l/c⌉</c> cores. The B does not fit, and <see cref="SpikingBackend.Predict"/> says so, when <c>c = 0</c> (one
/// unit's e synapses exceed a core), when more cores than <c>cores</c> are needed, or when a spike must reach more
/// cores than <c>fan_out</c>.</para>
/// </summary>
public sealed record SpikingOptions : BackendOptions
{
    public SpikeEncoding Encoding { get; init; } = SpikeEncoding.Rate;

    public int TimeSteps { get; init; } = 32;

    public int Events { get; init; }

    public int PayloadBits { get; init; } = 8;

    public int WeightBits { get; init; } = 8;

    public int Cores { get; init; } = 128;

    public int NeuronsPerCore { get; init; } = 1024;

    public int SynapsesPerCore { get; init; } = 131_072;

    public int FanOut { get; init; } = 128;

    /// <summary>Graded, every component, exact payload and weights: the dense backend's product.</summary>
    public static SpikingOptions Ideal { get; } = new() { Encoding = SpikeEncoding.Graded, PayloadBits = 0, WeightBits = 0 };

    /// <summary>Events per sample for error size <paramref name="e"/>: T (rate) or k (graded; 0 means e).</summary>
    public int EventsPerSample(int e) => Encoding == SpikeEncoding.Rate ? TimeSteps : Events == 0 ? e : Math.Min(Events, e);

    /// <summary>Time steps per sample: T (rate) or 1 (graded).</summary>
    public int StepsPerSample => Encoding == SpikeEncoding.Rate ? TimeSteps : 1;

    /// <summary>The options <c>feedback.spiking</c> asks for (the defaults when the section is absent), validated.</summary>
    /// <exception cref="DfaInputException">A key out of range, naming it.</exception>
    public static SpikingOptions Resolve(FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new DfaInputException($"feedback.scale must be positive and finite, got {s}");
        }

        return (options.Options<SpikingOptions>() ?? new SpikingOptions()).Validate();
    }

    /// <exception cref="DfaInputException">The first option out of range, naming its key.</exception>
    public SpikingOptions Validate()
    {
        Require(TimeSteps is >= 1 and <= 1 << 16, "time_steps", "in 1..65536", TimeSteps);
        Require(Events >= 0, "events", "0 (every component) or positive", Events);
        Require(PayloadBits == 0 || PayloadBits is >= 2 and <= 24, "payload_bits", "0 (exact) or in 2..24", PayloadBits);
        Require(WeightBits == 0 || WeightBits is >= 2 and <= 16, "weight_bits", "0 (float) or in 2..16", WeightBits);
        Require(Cores >= 1, "cores", "at least 1", Cores);
        Require(NeuronsPerCore >= 1, "neurons_per_core", "at least 1", NeuronsPerCore);
        Require(SynapsesPerCore >= 1, "synapses_per_core", "at least 1", SynapsesPerCore);
        Require(FanOut >= 1, "fan_out", "at least 1", FanOut);
        return this;
    }

    /// <summary>The section's schema (each key's range as <see cref="Validate"/> checks it).</summary>
    public static BackendSection<SpikingOptions> Section { get; } = new(
        "spiking",
        new Section<SpikingOptions>(
            Keys<SpikingOptions>.F("encoding", o => o.Encoding, (o, v) => o with { Encoding = v },
                new EnumType<SpikeEncoding>([("rate", SpikeEncoding.Rate), ("graded", SpikeEncoding.Graded)]),
                "rate: T signed spikes per sample apportioned by |e_i| (largest remainders); graded: one event with an integer payload per kept component (needs a chip with graded spikes, e.g. Loihi 2)"),
            Keys<SpikingOptions>.F("time_steps", o => o.TimeSteps, (o, v) => o with { TimeSteps = v }, new IntType(1, 1 << 16),
                "T, algorithmic time steps (and spikes) per sample with rate coding; graded spikes take one step"),
            Keys<SpikingOptions>.F("events", o => o.Events, (o, v) => o with { Events = v }, new IntType(0),
                "k, graded events per sample, the k largest |e_i|; 0: every component"),
            Keys<SpikingOptions>.F("payload_bits", o => o.PayloadBits, (o, v) => o with { PayloadBits = v }, new IntType(0, 24),
                "signed graded payload bits (2..24); 0: exact float payload"),
            Keys<SpikingOptions>.F("weight_bits", o => o.WeightBits, (o, v) => o with { WeightBits = v }, new IntType(0, 16),
                "signed synaptic weight mantissa bits (2..16) with one power-of-two exponent per core (Loihi: up to 8, Davies et al. 2018); 0: float32"),
            Keys<SpikingOptions>.F("cores", o => o.Cores, (o, v) => o with { Cores = v }, new IntType(1),
                "neuromorphic cores on the chip (Loihi: 128, Davies et al. 2018); priced runs take the profile's neuromorphic.neuron_cores"),
            Keys<SpikingOptions>.F("neurons_per_core", o => o.NeuronsPerCore, (o, v) => o with { NeuronsPerCore = v }, new IntType(1),
                "compartments per core (Loihi: 1024, Davies et al. 2018); priced runs take the profile's neuromorphic.neurons ÷ neuron_cores"),
            Keys<SpikingOptions>.F("synapses_per_core", o => o.SynapsesPerCore, (o, v) => o with { SynapsesPerCore = v }, new IntType(1),
                "8-bit synapses per core (Loihi: 128 KiB of synaptic memory per core, Davies et al. 2018); priced runs take the profile's neuromorphic.synapse_bits_per_core ÷ 8"),
            Keys<SpikingOptions>.F("fan_out", o => o.FanOut, (o, v) => o with { FanOut = v }, new IntType(1),
                "cores one error neuron's spike may reach (assumption: every core of the chip); priced runs take the profile's neuromorphic.fan_out_cores")),
        static (o, check) =>
        {
            if (o.PayloadBits == 1)
            {
                check.Fail("feedback.spiking.payload_bits must be 0 (exact) or in 2..24, got 1", "payload_bits");
            }

            if (o.WeightBits == 1)
            {
                check.Fail("feedback.spiking.weight_bits must be 0 (float) or in 2..16, got 1", "weight_bits");
            }
        });

    private static void Require(bool ok, string key, string what, object value)
    {
        if (!ok)
        {
            throw new DfaInputException($"feedback.spiking.{key} must be {what}, got {value}");
        }
    }
}
