using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;

namespace Dfa.Cli.Costing;

/// <summary>
/// The composition root's bridge from backends to the simulator: for each priced name it asks the registered
/// backend to predict its work for the workload's feedback shape, and tags the arithmetic. Names: <c>bp</c>, every
/// registered backend (sparse at k = 1, binary with float error, optical with the profile's device), and the float16
/// variants <c>dense-fp16</c> and <c>unified-fp16</c>.
/// </summary>
internal static class CostPlans
{
    public const string Bp = "bp";

    private static readonly string[] Fp16Variants = ["dense-fp16", "unified-fp16"];

    /// <summary>Every name <c>--backend all</c> prices, in report order.</summary>
    public static IReadOnlyList<string> AllNames(FeedbackBackendRegistry registry) =>
        [Bp, .. registry.Names.SelectMany(n => Fp16Variants.Contains(n + "-fp16") ? new[] { n, n + "-fp16" } : [n])];

    /// <summary>The profile kind <paramref name="name"/> is priced on, as notes name it (<c>optical</c>), or null for any kind.</summary>
    public static string? RequiredKind(string name) => name switch
    {
        "optical" => "optical",
        "crossbar" => "cim",
        "spiking" => "neuromorphic",
        _ => null,
    };

    /// <summary>Whether <paramref name="name"/> can run on <paramref name="prices"/> (the optical backend needs an optical profile).</summary>
    public static bool Runs(string name, Prices prices) => name switch
    {
        "optical" => prices.Kind == ProfileKind.Optical,
        "crossbar" => prices.Kind == ProfileKind.Cim,
        "spiking" => prices.Kind == ProfileKind.Neuromorphic,
        _ => true,
    };

    /// <summary>The plan for <paramref name="name"/>, or null for BP.</summary>
    /// <param name="name">A priced name (see <see cref="AllNames"/>).</param>
    /// <param name="shape">The workload's feedback shape.</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="prices">The profile.</param>
    /// <param name="registry">The backends.</param>
    /// <param name="options">
    /// The feedback options a run trained with (its backend's option section: sparse connections and rank, binary
    /// error encoding, optical noise and calibration); null prices the backend at its defaults. The optical device's
    /// geometry (mirrors, camera pixels, frame time, output bits) always comes from the profile.
    /// </param>
    /// <exception cref="DfaInputException">An unknown name (listing the valid ones).</exception>
    public static FeedbackPlan? Plan(string name, FeedbackShape shape, int batch, Prices prices, FeedbackBackendRegistry registry, FeedbackConfig? options = null)
    {
        if (name == Bp)
        {
            return null;
        }

        if (name.EndsWith("-fp16", StringComparison.Ordinal) && Fp16Variants.Contains(name))
        {
            return Plan(name[..^5], shape, batch, prices, registry, options)!.AsFp16(name);
        }

        if (!registry.Names.Contains(name))
        {
            throw new DfaInputException($"unknown backend '{name}'; valid: {string.Join(", ", AllNames(registry))}, all");
        }

        FeedbackConfig given = (options ?? new FeedbackConfig()) with { Backend = name };
        FeedbackConfig priced = name switch
        {
            "optical" => given with { Optical = OpticalOptions(prices, given.Optical) },
            "crossbar" when prices.Kind == ProfileKind.Cim => given with { Crossbar = CrossbarOptions(prices, given.Crossbar) },
            "spiking" when prices.Kind == ProfileKind.Neuromorphic => given with { Spiking = SpikingOptions(prices, given.Spiking) },
            _ => given,
        };
        FeedbackPrediction prediction = registry.Get(name).Predict(shape, priced, batch);
        if (name == "spiking" && string.Equals(priced.Spiking?.Encoding, "graded", StringComparison.OrdinalIgnoreCase)
            && prices.Kind == ProfileKind.Neuromorphic && !prices.Has(ProfileCapability.GradedSpikes) && prediction.Infeasible is null)
        {
            prediction = prediction with { Infeasible = $"graded spikes need a chip that sends them (capability graded_spikes); {prices.Name} sends binary spikes" };
        }

        FeedbackPrecision precision = name switch
        {
            "binary" => FeedbackPrecision.OneBit,
            "optical" => FeedbackPrecision.Analog,
            "crossbar" => FeedbackPrecision.InMemory,
            "spiking" => FeedbackPrecision.Spiking,
            _ => FeedbackPrecision.Fp32,
        };
        return new FeedbackPlan(name, precision, prediction);
    }

    /// <summary>
    /// The optical backend's device options from an optical profile, so the counted frames match the priced device;
    /// the other options (threshold, noise, calibration frames) from <paramref name="trained"/>, else the defaults.
    /// </summary>
    internal static OpticalFeedbackConfig OpticalOptions(Prices prices, OpticalFeedbackConfig? trained = null) => (trained ?? new()) with
    {
        Mirrors = (int)Math.Min(int.MaxValue, prices["optical.dmd_pixels"]),
        CameraPixels = (int)Math.Min(int.MaxValue, prices["optical.camera_pixels"]),
        FrameTimeSeconds = prices["optical.frame_time_s"],
        BitDepth = (int)Math.Clamp(prices["optical.output_bits"], 0, 16),
    };

    /// <summary>The crossbar's array size and count from a compute-in-memory profile, so the counted activations match the priced arrays.</summary>
    internal static CrossbarFeedbackConfig CrossbarOptions(Prices prices, CrossbarFeedbackConfig? trained = null) => (trained ?? new()) with
    {
        TileRows = (int)Math.Min(1 << 16, prices["cim.array_rows"]),
        TileCols = (int)Math.Min(1 << 16, prices["cim.array_cols"]) / 2 * 2,
        Arrays = (int)Math.Min(int.MaxValue, prices["cim.arrays"]),
    };

    /// <summary>The spiking chip's cores, neurons, synapse memory (8-bit synapses) and fan-out per core from a neuromorphic profile.</summary>
    internal static SpikingFeedbackConfig SpikingOptions(Prices prices, SpikingFeedbackConfig? trained = null)
    {
        int cores = (int)Math.Min(int.MaxValue, prices.Find("neuromorphic.neuron_cores") ?? 128);
        return (trained ?? new()) with
        {
            Cores = cores,
            NeuronsPerCore = (int)Math.Min(int.MaxValue, prices["neuromorphic.neurons"] / cores),
            SynapsesPerCore = prices.Find("neuromorphic.synapse_bits_per_core") is { } bits ? (int)Math.Min(int.MaxValue, bits / 8) : trained?.SynapsesPerCore,
            FanOut = prices.Find("neuromorphic.fan_out_cores") is { } fan ? (int)Math.Min(int.MaxValue, fan) : trained?.FanOut,
        };
    }
}
