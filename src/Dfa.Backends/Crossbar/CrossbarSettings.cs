using Dfa.Core;
using Dfa.Core.Config.Schema;

namespace Dfa.Backends.Crossbar;

/// <summary>
/// <c>feedback.crossbar</c> as the config gives it: a <c>preset</c> and the keys that override it (null: the preset's
/// value). <see cref="CrossbarOptions.Resolve"/> turns it into the options the projector runs with; the key
/// meanings, defaults per preset and sources are on <see cref="CrossbarOptions"/>.
/// </summary>
public sealed record CrossbarSettings : BackendOptions
{
    public CrossbarDevice Preset { get; init; } = CrossbarDevice.Pcm;

    public double? GMaxUs { get; init; }

    public double? OnOffRatio { get; init; }

    public int? Levels { get; init; }

    public double? ProgrammingNoiseScale { get; init; }

    public double? ProgrammingSigma { get; init; }

    public double? ReadNoiseScale { get; init; }

    public double? ReadNoiseRelative { get; init; }

    public double? DriftScale { get; init; }

    public double? SecondsPerStep { get; init; }

    public double? TimeSinceProgrammingS { get; init; }

    public bool? DriftCompensation { get; init; }

    public int? DacBits { get; init; }

    public int? AdcBits { get; init; }

    public double? AdcRange { get; init; }

    public int? TileRows { get; init; }

    public int? TileCols { get; init; }

    public int? Arrays { get; init; }

    public double? StuckAtMin { get; init; }

    public double? StuckAtMax { get; init; }

    /// <summary>
    /// The section's schema: each key's type and simple range; the checks across keys (and against the preset) are
    /// <see cref="CrossbarOptions.Validate"/>'s, run on the resolved options so a config and code refuse the same things.
    /// </summary>
    public static BackendSection<CrossbarSettings> Section { get; } = new(
        "crossbar",
        new Section<CrossbarSettings>(
            Keys<CrossbarSettings>.F("preset", c => c.Preset, (c, v) => c with { Preset = v },
                new EnumType<CrossbarDevice>([("pcm", CrossbarDevice.Pcm), ("rram", CrossbarDevice.Rram), ("ideal", CrossbarDevice.Ideal)]),
                "device fit every other key defaults to: pcm (aihwkit's PCM model, Nandakumar et al. 2019), rram (CrossSim's Milo et al. 2021 fit), ideal (noise-free, exact converters)"),
            Keys<CrossbarSettings>.F("g_max_us", c => c.GMaxUs, (c, v) => c with { GMaxUs = v }, new NullableType<double>(DoubleType.Positive),
                "largest programmable conductance, µS (pcm 25, rram 225, ideal 25)"),
            Keys<CrossbarSettings>.F("on_off_ratio", c => c.OnOffRatio, (c, v) => c with { OnOffRatio = v }, new NullableType<double>(DoubleType.NonNegative),
                "g_max/g_min; 0 means g_min = 0 (pcm 0, rram 4.5, ideal 0)"),
            Keys<CrossbarSettings>.F("levels", c => c.Levels, (c, v) => c with { Levels = v }, new NullableType<int>(new IntType(0, 1 << 16)),
                "programmable conductance levels per cell, evenly spaced; 0: continuous (every preset)"),
            Keys<CrossbarSettings>.F("programming_noise_scale", c => c.ProgrammingNoiseScale, (c, v) => c with { ProgrammingNoiseScale = v },
                new NullableType<double>(DoubleType.NonNegative), "multiplies the device's programming-noise fit σ(G), frozen per seed (pcm 1, rram 1, ideal 0)"),
            Keys<CrossbarSettings>.F("programming_sigma", c => c.ProgrammingSigma, (c, v) => c with { ProgrammingSigma = v },
                new NullableType<double>(new DoubleType(0, true, 10)), "a constant programming σ as a fraction of g_max, replacing the device fit (for sweeps)"),
            Keys<CrossbarSettings>.F("read_noise_scale", c => c.ReadNoiseScale, (c, v) => c with { ReadNoiseScale = v },
                new NullableType<double>(DoubleType.NonNegative), "multiplies the PCM 1/f read noise, redrawn every read (pcm 1; rram and ideal have none and must keep 0)"),
            Keys<CrossbarSettings>.F("read_noise_relative", c => c.ReadNoiseRelative, (c, v) => c with { ReadNoiseRelative = v },
                new NullableType<double>(new DoubleType(0, true, 10)), "an extra read noise σ = value·G per read (CrossSim's proportional read noise); 0: none"),
            Keys<CrossbarSettings>.F("drift_scale", c => c.DriftScale, (c, v) => c with { DriftScale = v },
                new NullableType<double>(new DoubleType(0, true, 100)), "multiplies every PCM drift exponent ν (pcm 1; rram and ideal have no drift fit and must keep 0)"),
            Keys<CrossbarSettings>.F("seconds_per_step", c => c.SecondsPerStep, (c, v) => c with { SecondsPerStep = v },
                new NullableType<double>(DoubleType.NonNegative), "simulated seconds between projections (assumption: 1e-3, a batch-128 step on an accelerator)"),
            Keys<CrossbarSettings>.F("time_since_programming_s", c => c.TimeSinceProgrammingS, (c, v) => c with { TimeSinceProgrammingS = v },
                new NullableType<double>(new DoubleType(0, true, 1e12)), "device age at the first projection beyond t₀ = 20 s; 0 by default"),
            Keys<CrossbarSettings>.F("drift_compensation", c => c.DriftCompensation, (c, v) => c with { DriftCompensation = v },
                new NullableType<bool>(BoolType.Instance), "global drift compensation, one counted all-ones read per tile (pcm true, rram false, ideal false)"),
            Keys<CrossbarSettings>.F("dac_bits", c => c.DacBits, (c, v) => c with { DacBits = v }, new NullableType<int>(new IntType(0, 16)),
                "signed input DAC bits (2..16) on each sample's e/max|e|; 0: exact (pcm 7, rram 7, ideal 0; aihwkit's preset)"),
            Keys<CrossbarSettings>.F("adc_bits", c => c.AdcBits, (c, v) => c with { AdcBits = v }, new NullableType<int>(new IntType(0, 16)),
                "per-column ADC bits, saturating at ±adc_range; 1 is a comparator; 0: exact (pcm 9, rram 9, ideal 0; aihwkit's preset)"),
            Keys<CrossbarSettings>.F("adc_range", c => c.AdcRange, (c, v) => c with { AdcRange = v }, new NullableType<double>(DoubleType.Positive),
                "ADC full scale in full-scale input × full-scale weight-pair units (20, aihwkit's out_bound)"),
            Keys<CrossbarSettings>.F("tile_rows", c => c.TileRows, (c, v) => c with { TileRows = v }, new NullableType<int>(new IntType(1, 1 << 16)),
                "rows per array (pcm 256, Le Gallo et al. 2023; rram 128, NeuroSim); priced runs take the profile's cim.array_rows"),
            Keys<CrossbarSettings>.F("tile_cols", c => c.TileCols, (c, v) => c with { TileCols = v }, new NullableType<int>(new IntType(2, 1 << 16)),
                "columns per array, even: two cells (G⁺, G⁻) per weight (pcm 256, rram 128); priced runs take the profile's cim.array_cols"),
            Keys<CrossbarSettings>.F("arrays", c => c.Arrays, (c, v) => c with { Arrays = v }, new NullableType<int>(new IntType(0)),
                "arrays on the chip; 0: as many as needed; priced runs take the profile's cim.arrays"),
            Keys<CrossbarSettings>.F("stuck_at_min", c => c.StuckAtMin, (c, v) => c with { StuckAtMin = v }, new NullableType<double>(new DoubleType(0, true, 1)),
                "fraction of cells stuck at g_min whatever they are programmed to; 0 by default"),
            Keys<CrossbarSettings>.F("stuck_at_max", c => c.StuckAtMax, (c, v) => c with { StuckAtMax = v }, new NullableType<double>(new DoubleType(0, true, 1)),
                "fraction of cells stuck at g_max; 0 by default")),
        static (settings, check) =>
        {
            if (CrossbarOptions.Problem(CrossbarOptions.From(settings)) is { } problem)
            {
                check.Fail(problem.Message, problem.Key);
            }
        });
}
