using Dfa.Core;
using Dfa.Core.Config;

namespace Dfa.Backends.Crossbar;

/// <summary>The device whose published fit sets a crossbar's conductance range and noise.</summary>
public enum CrossbarDevice
{
    /// <summary>
    /// Phase-change memory after IBM aihwkit's <c>PCMLikeNoiseModel</c> (fitted on a million-device PCM array,
    /// Nandakumar et al., ICECS 2019, doi:10.1109/ICECS46596.2019.8964852; code: aihwkit
    /// <c>src/aihwkit/inference/noise/pcm.py</c>): g_max 25 µS, g_min 0; programming noise
    /// <c>σ(g) = max(0.26348 + 1.9650·ĝ − 1.1731·ĝ², 0) µS·(g_max/25 µS)</c>, <c>ĝ = g/g_max</c>; drift exponent
    /// <c>ν ~ |N(μ, σ)|</c> with <c>μ = clip(−0.0155·ln ĝ + 0.0244, 0.049, 0.1)</c>,
    /// <c>σ = clip(−0.0125·ln ĝ − 0.0059, 0.008, 0.045)</c>, <c>t₀ = 20 s</c>; 1/f read noise
    /// <c>g·Q_s(ĝ)·sqrt(ln((t + t_read)/(2·t_read)))</c>, <c>Q_s = min(0.0088/max(ĝ^0.65, 10⁻³), 0.2)</c>,
    /// <c>t_read = 250 ns</c>.
    /// </summary>
    Pcm,

    /// <summary>
    /// HfO₂ RRAM after Sandia CrossSim's <c>RRAMMilo</c> device (Milo et al., "Optimized programming algorithms for
    /// multilevel RRAM in hardware neural networks", IRPS 2021, doi:10.1109/IRPS46558.2021.9405119, Fig. 4, IGVVA-100;
    /// code: cross-sim <c>simulator/devices/custom/RRAM_Milo.py</c>): g_max 225 µS, on/off ratio 4.5 (g_min 50 µS),
    /// programming noise <c>σ(G) = max(−0.009107·G + 4.782321, 0) µS</c> (G in µS). The fit has no drift and no read
    /// noise model, so the preset has neither (<c>read_noise_relative</c> adds a proportional one).
    /// </summary>
    Rram,

    /// <summary>No noise, no drift, continuous levels, no converters: realises the dense backend's matrices.</summary>
    Ideal,
}

/// <summary>
/// The crossbar backend's resolved options (config section <c>feedback.crossbar</c>). Every key defaults to its preset's
/// value; <see cref="Resolve"/> is the one place they are validated, so <see cref="CrossbarBackend.Create"/> and
/// <see cref="CrossbarBackend.Predict"/> reject the same options with the same one-line message naming the key.
/// <list type="table">
/// <listheader><term>key</term><description>pcm / rram / ideal: meaning and source</description></listheader>
/// <item><term><c>preset</c></term><description><c>pcm</c> (default), <c>rram</c> or <c>ideal</c> (see <see cref="CrossbarDevice"/>).</description></item>
/// <item><term><c>g_max_us</c></term><description>25 / 225 / 25 µS: the largest programmable conductance (device fit).</description></item>
/// <item><term><c>on_off_ratio</c></term><description>0 / 4.5 / 0: <c>g_max/g_min</c>; 0 means <c>g_min = 0</c> (CrossSim's convention; aihwkit's single-pair converter maps to [0, g_max]).</description></item>
/// <item><term><c>levels</c></term><description>0 / 0 / 0: programmable conductance levels per cell, evenly spaced on [g_min, g_max]; 0 is continuous (program-and-verify to any target, as aihwkit's PCM model and CrossSim's <c>cell_bits = 0</c> assume).</description></item>
/// <item><term><c>programming_noise_scale</c></term><description>1 / 1 / 0: multiplies the device's σ(G) fit; drawn once from the seed, frozen until reprogrammed.</description></item>
/// <item><term><c>programming_sigma</c></term><description>unset: a constant σ as a fraction of g_max, replacing the device fit (for sweeps).</description></item>
/// <item><term><c>read_noise_scale</c></term><description>1 / 0 / 0: multiplies the PCM 1/f read noise; redrawn at every array read. The rram fit has none (must stay 0).</description></item>
/// <item><term><c>read_noise_relative</c></term><description>0: an extra read noise <c>σ = value·G</c> per read (CrossSim's normal-proportional read noise; its magnitude is the user's).</description></item>
/// <item><term><c>drift_scale</c></term><description>1 / 0 / 0: multiplies every drift exponent ν (PCM fit only; rram has no drift fit).</description></item>
/// <item><term><c>seconds_per_step</c></term><description>1e-3: simulated seconds between projections (one training step). Assumption: a millisecond per batch-128 step on an accelerator; no source fixes it.</description></item>
/// <item><term><c>time_since_programming_s</c></term><description>0: device age at the first projection beyond t₀ = 20 s (aihwkit counts inference time from t₀).</description></item>
/// <item><term><c>drift_compensation</c></term><description>true / false / false: global drift compensation (aihwkit's <c>GlobalDriftCompensation</c>): one all-ones calibration read per tile at programming and at every projection, outputs scaled by the ratio of summed |outputs|; counted.</description></item>
/// <item><term><c>dac_bits</c></term><description>7 / 7 / 0: signed input DAC, <c>2^(b−1) − 1</c> levels per sign on each sample's <c>e/max|e|</c> (aihwkit <c>PresetIOParameters.inp_res = 1/(2⁷ − 2)</c>, "7 bit DAC"); 0 is exact. 1 is not a signed DAC and is rejected.</description></item>
/// <item><term><c>adc_bits</c></term><description>9 / 9 / 0: per-column ADC, <c>2^(b−1) − 1</c> levels per sign over ±<c>adc_range</c>, saturating (aihwkit <c>out_res = 1/(2⁹ − 2)</c>, "9 bit ADC"); 1 is a comparator (±range/2); 0 is exact.</description></item>
/// <item><term><c>adc_range</c></term><description>20: the ADC's full scale in units of one full-scale input on one full-scale weight pair (aihwkit <c>PresetIOParameters.out_bound = 20</c>, same units).</description></item>
/// <item><term><c>tile_rows</c>, <c>tile_cols</c></term><description>256×256 / 128×128 / 256×256 cells per array; a weight takes two columns (G⁺, G⁻), so a tile holds rows × cols/2 weights. PCM: the 256×256 cores of IBM's 64-core PCM chip (Le Gallo et al., Nature Electronics 6, 680–693, 2023, arXiv 2212.02872); RRAM: NeuroSim V1.3's 128×128 sub-arrays (Param.cpp). When priced, the profile's array size replaces them.</description></item>
/// <item><term><c>arrays</c></term><description>0: arrays on the chip (0: as many as needed); when B needs more, <see cref="CrossbarBackend.Predict"/> says it is infeasible. When priced, the profile's <c>cim.arrays</c> replaces it.</description></item>
/// <item><term><c>stuck_at_min</c>, <c>stuck_at_max</c></term><description>0: fractions of cells stuck at g_min or g_max whatever they are programmed to (MemTorch's stuck-at-low/high faults); no published fraction is assumed.</description></item>
/// </list>
/// </summary>
public sealed record CrossbarOptions
{
    /// <summary>aihwkit's drift reference time t₀ (first read after programming), s.</summary>
    public const double DriftT0Seconds = 20.0;

    /// <summary>aihwkit's 1/f read-noise integration time t_read, s.</summary>
    public const double ReadTimeSeconds = 250e-9;

    public CrossbarDevice Device { get; init; } = CrossbarDevice.Pcm;

    public double GMaxMicroSiemens { get; init; } = 25;

    public double OnOffRatio { get; init; }

    public int Levels { get; init; }

    public double ProgrammingNoiseScale { get; init; } = 1;

    public double? ProgrammingSigma { get; init; }

    public double ReadNoiseScale { get; init; } = 1;

    public double ReadNoiseRelative { get; init; }

    public double DriftScale { get; init; } = 1;

    public double SecondsPerStep { get; init; } = 1e-3;

    public double TimeSinceProgrammingSeconds { get; init; }

    public bool DriftCompensation { get; init; } = true;

    public int DacBits { get; init; } = 7;

    public int AdcBits { get; init; } = 9;

    public double AdcRange { get; init; } = 20;

    public int TileRows { get; init; } = 256;

    public int TileCols { get; init; } = 256;

    public long Arrays { get; init; }

    public double StuckAtMin { get; init; }

    public double StuckAtMax { get; init; }

    /// <summary><c>g_min</c> in µS: <c>g_max/on_off_ratio</c>, or 0 when the ratio is 0.</summary>
    public double GMinMicroSiemens => OnOffRatio == 0 ? 0 : GMaxMicroSiemens / OnOffRatio;

    /// <summary>Weights per tile row: two cells (G⁺, G⁻) per weight.</summary>
    public int WeightsPerTileRow => TileCols / 2;

    /// <summary>Whether any read is noisy (1/f or proportional read noise).</summary>
    public bool ReadNoise => (Device == CrossbarDevice.Pcm && ReadNoiseScale > 0) || ReadNoiseRelative > 0;

    /// <summary>Whether conductances drift and the simulated clock matters.</summary>
    public bool Drift => Device == CrossbarDevice.Pcm && DriftScale > 0;

    /// <summary>The PCM preset: aihwkit's PCM model, aihwkit's preset converters, 256×256 arrays.</summary>
    public static CrossbarOptions Pcm { get; } = new();

    /// <summary>The RRAM preset: CrossSim's Milo 2021 fit, aihwkit's preset converters, NeuroSim's 128×128 arrays.</summary>
    public static CrossbarOptions Rram { get; } = new()
    {
        Device = CrossbarDevice.Rram,
        GMaxMicroSiemens = 225,
        OnOffRatio = 4.5,
        ReadNoiseScale = 0,
        DriftScale = 0,
        DriftCompensation = false,
        TileRows = 128,
        TileCols = 128,
    };

    /// <summary>Everything off: the realised matrices equal the dense backend's for the same seed.</summary>
    public static CrossbarOptions Ideal { get; } = new()
    {
        Device = CrossbarDevice.Ideal,
        ProgrammingNoiseScale = 0,
        ReadNoiseScale = 0,
        DriftScale = 0,
        DriftCompensation = false,
        DacBits = 0,
        AdcBits = 0,
    };

    /// <summary>The preset for <paramref name="device"/>.</summary>
    public static CrossbarOptions Preset(CrossbarDevice device) => device switch
    {
        CrossbarDevice.Rram => Rram,
        CrossbarDevice.Ideal => Ideal,
        _ => Pcm,
    };

    /// <summary>
    /// The options <c>feedback.crossbar</c> asks for (the pcm preset when the section is absent), validated.
    /// </summary>
    /// <exception cref="DfaInputException">A key out of range, naming it, e.g. <c>feedback.crossbar.adc_bits must be in 0..16, got 17</c>.</exception>
    public static CrossbarOptions Resolve(FeedbackConfig options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Init != FeedbackInit.Gaussian && options.Init != FeedbackInit.Uniform && options.Init != FeedbackInit.XavierUniform)
        {
            throw new DfaInputException($"feedback.init {options.Init} is not known to the crossbar backend");
        }

        if (options.Scale is { } s && !(s > 0 && double.IsFinite(s)))
        {
            throw new DfaInputException($"feedback.scale must be positive and finite, got {s}");
        }

        return From(options.Options<CrossbarSettings>() ?? new CrossbarSettings()).Validate();
    }

    /// <summary>The preset's values with every key <paramref name="c"/> gives replaced (not yet validated).</summary>
    public static CrossbarOptions From(CrossbarSettings c)
    {
        ArgumentNullException.ThrowIfNull(c);
        CrossbarOptions p = Preset(c.Preset);
        return p with
        {
            GMaxMicroSiemens = c.GMaxUs ?? p.GMaxMicroSiemens,
            OnOffRatio = c.OnOffRatio ?? p.OnOffRatio,
            Levels = c.Levels ?? p.Levels,
            ProgrammingNoiseScale = c.ProgrammingNoiseScale ?? p.ProgrammingNoiseScale,
            ProgrammingSigma = c.ProgrammingSigma ?? p.ProgrammingSigma,
            ReadNoiseScale = c.ReadNoiseScale ?? p.ReadNoiseScale,
            ReadNoiseRelative = c.ReadNoiseRelative ?? p.ReadNoiseRelative,
            DriftScale = c.DriftScale ?? p.DriftScale,
            SecondsPerStep = c.SecondsPerStep ?? p.SecondsPerStep,
            TimeSinceProgrammingSeconds = c.TimeSinceProgrammingS ?? p.TimeSinceProgrammingSeconds,
            DriftCompensation = c.DriftCompensation ?? p.DriftCompensation,
            DacBits = c.DacBits ?? p.DacBits,
            AdcBits = c.AdcBits ?? p.AdcBits,
            AdcRange = c.AdcRange ?? p.AdcRange,
            TileRows = c.TileRows ?? p.TileRows,
            TileCols = c.TileCols ?? p.TileCols,
            Arrays = c.Arrays ?? p.Arrays,
            StuckAtMin = c.StuckAtMin ?? p.StuckAtMin,
            StuckAtMax = c.StuckAtMax ?? p.StuckAtMax,
        };
    }

    /// <summary>Checks every option; returns this record.</summary>
    /// <exception cref="DfaInputException">The first option out of range, naming its key.</exception>
    public CrossbarOptions Validate() =>
        Problem(this) is { } problem ? throw new DfaInputException(problem.Message) : this;

    /// <summary>The first option of <paramref name="o"/> out of range: its key (relative to the section) and one line naming it; null when all are valid.</summary>
    public static (string Key, string Message)? Problem(CrossbarOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        (string, string)? Bad(string key, string what, object value) => (key, $"feedback.crossbar.{key} must be {what}, got {value}");
        if (!(o.GMaxMicroSiemens > 0 && double.IsFinite(o.GMaxMicroSiemens)))
        {
            return Bad("g_max_us", "positive", o.GMaxMicroSiemens);
        }

        if (!(o.OnOffRatio == 0 || (o.OnOffRatio > 1 && double.IsFinite(o.OnOffRatio))))
        {
            return Bad("on_off_ratio", "0 (g_min = 0) or greater than 1", o.OnOffRatio);
        }

        if (!(o.Levels == 0 || o.Levels is >= 2 and <= 1 << 16))
        {
            return Bad("levels", "0 (continuous) or in 2..65536", o.Levels);
        }

        if (!(o.ProgrammingNoiseScale >= 0 && double.IsFinite(o.ProgrammingNoiseScale)))
        {
            return Bad("programming_noise_scale", "non-negative", o.ProgrammingNoiseScale);
        }

        if (!(o.ProgrammingSigma is null || (o.ProgrammingSigma >= 0 && o.ProgrammingSigma <= 10)))
        {
            return Bad("programming_sigma", "a fraction of g_max in [0, 10]", o.ProgrammingSigma!);
        }

        if (!(o.ReadNoiseScale >= 0 && double.IsFinite(o.ReadNoiseScale)))
        {
            return Bad("read_noise_scale", "non-negative", o.ReadNoiseScale);
        }

        if (o.ReadNoiseRelative is not (>= 0 and <= 10))
        {
            return Bad("read_noise_relative", "in [0, 10]", o.ReadNoiseRelative);
        }

        if (!(o.DriftScale >= 0 && o.DriftScale <= 100))
        {
            return Bad("drift_scale", "in [0, 100]", o.DriftScale);
        }

        if (!(o.SecondsPerStep >= 0 && double.IsFinite(o.SecondsPerStep)))
        {
            return Bad("seconds_per_step", "non-negative", o.SecondsPerStep);
        }

        if (!(o.TimeSinceProgrammingSeconds >= 0 && o.TimeSinceProgrammingSeconds <= 1e12))
        {
            return Bad("time_since_programming_s", "in [0, 1e12]", o.TimeSinceProgrammingSeconds);
        }

        if (!(o.DacBits == 0 || o.DacBits is >= 2 and <= 16))
        {
            return Bad("dac_bits", "0 (exact) or in 2..16", o.DacBits);
        }

        if (o.AdcBits is not (>= 0 and <= 16))
        {
            return Bad("adc_bits", "in 0..16 (0: exact)", o.AdcBits);
        }

        if (!(o.AdcRange > 0 && double.IsFinite(o.AdcRange)))
        {
            return Bad("adc_range", "positive", o.AdcRange);
        }

        if (o.TileRows is not (>= 1 and <= 1 << 16))
        {
            return Bad("tile_rows", "in 1..65536", o.TileRows);
        }

        if (!(o.TileCols is >= 2 and <= 1 << 16 && o.TileCols % 2 == 0))
        {
            return Bad("tile_cols", "even and in 2..65536 (two cells per weight)", o.TileCols);
        }

        if (o.Arrays < 0)
        {
            return Bad("arrays", "0 (unlimited) or positive", o.Arrays);
        }

        if (o.StuckAtMin is not (>= 0 and <= 1))
        {
            return Bad("stuck_at_min", "a fraction in [0, 1]", o.StuckAtMin);
        }

        if (o.StuckAtMax is not (>= 0 and <= 1))
        {
            return Bad("stuck_at_max", "a fraction in [0, 1]", o.StuckAtMax);
        }

        if (o.StuckAtMin + o.StuckAtMax > 1)
        {
            return Bad("stuck_at_max", $"at most 1 − stuck_at_min ({1 - o.StuckAtMin})", o.StuckAtMax);
        }

        if (o.Device != CrossbarDevice.Pcm && o.ReadNoiseScale > 0)
        {
            return ("read_noise_scale", $"feedback.crossbar.read_noise_scale applies to the pcm preset's 1/f read-noise fit; the {o.Name} preset has none (use read_noise_relative), got {o.ReadNoiseScale}");
        }

        if (o.Device != CrossbarDevice.Pcm && o.DriftScale > 0)
        {
            return ("drift_scale", $"feedback.crossbar.drift_scale applies to the pcm preset's drift fit; the {o.Name} preset has none, got {o.DriftScale}");
        }

        return null;
    }

    /// <summary>The preset's name as configs write it.</summary>
    public string Name => Device.ToString().ToLowerInvariant();
}
