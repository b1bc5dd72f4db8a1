namespace Dfa.Backends.Crossbar;

/// <summary>
/// The published device fits of <see cref="CrossbarDevice"/>, in µS and seconds, as plain functions (no state, no
/// randomness): programming noise σ(G), the drift exponent's mean and spread, and the relative 1/f read noise.
/// </summary>
internal static class DeviceModel
{
    /// <summary>The g_max the aihwkit PCM programming-noise polynomial was fitted at, µS.</summary>
    public const double PcmFitGMax = 25.0;

    /// <summary>
    /// Standard deviation of the programming error of a cell programmed to <paramref name="g"/> µS. A constant
    /// <c>programming_sigma·g_max</c> when set; else the device fit times <c>programming_noise_scale</c>.
    /// </summary>
    public static double ProgrammingSigma(CrossbarOptions o, double g)
    {
        if (o.ProgrammingSigma is { } constant)
        {
            return constant * o.GMaxMicroSiemens;
        }

        double fit = o.Device switch
        {
            CrossbarDevice.Pcm => PcmProgrammingSigma(g / o.GMaxMicroSiemens) * (o.GMaxMicroSiemens / PcmFitGMax),
            CrossbarDevice.Rram => Math.Max((-0.009107 * g) + 4.782321, 0),
            _ => 0,
        };
        return o.ProgrammingNoiseScale * fit;
    }

    /// <summary>aihwkit PCM: <c>max(0.26348 + 1.9650·ĝ − 1.1731·ĝ², 0)</c> µS at g_max = 25 µS.</summary>
    public static double PcmProgrammingSigma(double gHat) => Math.Max(0.26348 + (1.9650 * gHat) - (1.1731 * gHat * gHat), 0);

    /// <summary>aihwkit PCM drift exponent mean <c>clip(−0.0155·ln ĝ + 0.0244, 0.049, 0.1)</c>, ĝ clipped at 10⁻⁷.</summary>
    public static double PcmDriftMean(double gHat) => Math.Clamp((-0.0155 * Math.Log(Math.Max(gHat, 1e-7))) + 0.0244, 0.049, 0.1);

    /// <summary>aihwkit PCM drift exponent spread <c>clip(−0.0125·ln ĝ − 0.0059, 0.008, 0.045)</c>.</summary>
    public static double PcmDriftSpread(double gHat) => Math.Clamp((-0.0125 * Math.Log(Math.Max(gHat, 1e-7))) - 0.0059, 0.008, 0.045);

    /// <summary>aihwkit PCM relative 1/f noise amplitude <c>Q_s = min(0.0088/max(ĝ^0.65, 10⁻³), 0.2)</c>.</summary>
    public static double PcmReadQ(double gHat) => Math.Min(0.0088 / Math.Max(Math.Pow(Math.Abs(gHat), 0.65), 1e-3), 0.2);

    /// <summary>The 1/f integration factor <c>ln((t + t_read)/(2·t_read))</c> at device age <paramref name="t"/> (≥ t₀).</summary>
    public static double PcmReadLogFactor(double t) =>
        Math.Log((t + CrossbarOptions.ReadTimeSeconds) / (2 * CrossbarOptions.ReadTimeSeconds));
}
