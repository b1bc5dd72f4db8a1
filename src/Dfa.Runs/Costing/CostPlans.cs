using Dfa.Backends.Registry;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Sim.Cost;

namespace Dfa.Runs.Costing;

/// <summary>
/// The composition root's bridge from backends to the simulator: for each priced name it asks the registered
/// backend to predict its work for the workload's feedback shape, on the priced device. Names: <c>bp</c>, every
/// registered backend (at its default options unless a run's options are given), and <c>NAME-fp16</c> for each backend
/// that offers a float16 variant of its float32 layout.
/// </summary>
public static class CostPlans
{
    public const string Bp = "bp";

    private const string Fp16Suffix = "-fp16";

    /// <summary>Every name <c>--backend all</c> prices, in report order.</summary>
    public static IReadOnlyList<string> AllNames(FeedbackBackendRegistry registry) =>
        [Bp, .. registry.Names.SelectMany(n => registry.Get(n).HasFp16Variant ? new[] { n, n + Fp16Suffix } : [n])];

    /// <summary>Whether <paramref name="name"/> can run on <paramref name="prices"/> (a backend on a device of another kind cannot).</summary>
    public static bool Runs(string name, Prices prices, FeedbackBackendRegistry registry) =>
        name == Bp || prices.Runs(registry.Get(BackendOf(name, registry)).Device);

    /// <summary>The plan for <paramref name="name"/>, or null for BP.</summary>
    /// <param name="name">A priced name (see <see cref="AllNames"/>).</param>
    /// <param name="shape">The workload's feedback shape.</param>
    /// <param name="batch">Samples per step.</param>
    /// <param name="prices">The profile.</param>
    /// <param name="registry">The backends.</param>
    /// <param name="options">
    /// The feedback options a run trained with (its backend's option section); null prices the backend at its
    /// defaults. The backend then takes from the profile what describes the device (<see cref="IFeedbackBackend.OnDevice"/>).
    /// </param>
    /// <exception cref="DfaInputException">An unknown name (listing the valid ones).</exception>
    public static FeedbackPlan? Plan(string name, FeedbackShape shape, int batch, Prices prices, FeedbackBackendRegistry registry, FeedbackConfig? options = null)
    {
        if (name == Bp)
        {
            return null;
        }

        IFeedbackBackend backend = registry.Get(BackendOf(name, registry));
        FeedbackConfig given = (options ?? new FeedbackConfig()) with { Backend = backend.Name };
        bool onDevice = prices.Runs(backend.Device);
        FeedbackConfig priced = onDevice ? backend.OnDevice(given, prices) : given;
        FeedbackPrediction prediction = backend.Predict(shape, priced, batch);
        if (onDevice && prediction.Infeasible is null && backend.CannotRunOn(priced, prices) is { } reason)
        {
            prediction = prediction with { Infeasible = reason };
        }

        var plan = new FeedbackPlan(backend.Name, prediction, backend.Device);
        return name.Length > backend.Name.Length ? plan.AsFp16(name) : plan;
    }

    /// <summary>The method a priced name stands for on <paramref name="network"/>: BP for <c>bp</c>, else DFA.</summary>
    public static MethodPlan MethodFor(string name, NetworkSpec network) =>
        MethodPlan.For(new TrainConfig { Algorithm = name == Bp ? TrainingAlgorithmKind.Bp : TrainingAlgorithmKind.Dfa }, network);

    /// <summary>
    /// One step of <paramref name="network"/> trained by BP (<c>bp</c>) or by DFA on the named backend (at
    /// <paramref name="options"/>, else its defaults) at <paramref name="batch"/> on <paramref name="prices"/>, through the one
    /// cost engine (<see cref="CostModel"/>).
    /// </summary>
    /// <exception cref="DfaInputException">An unknown name, or a backend whose device the profile cannot run.</exception>
    public static MethodCost Price(
        string name, NetworkSpec network, int batch, Prices prices, FeedbackBackendRegistry registry, FeedbackConfig? options = null, OptimizerKind optimizer = OptimizerKind.Sgd)
    {
        ArgumentNullException.ThrowIfNull(network);
        MethodPlan plan = MethodFor(name, network);
        return CostModel.Price(plan, batch, name == Bp ? null : shape => Plan(name, shape, batch, prices, registry, options)!, prices, optimizer);
    }

    /// <summary>The backend a priced name belongs to (<c>dense-fp16</c> → <c>dense</c>).</summary>
    /// <exception cref="DfaInputException">An unknown name, listing the valid ones.</exception>
    public static string BackendOf(string name, FeedbackBackendRegistry registry)
    {
        if (registry.Names.Contains(name))
        {
            return name;
        }

        if (name.EndsWith(Fp16Suffix, StringComparison.Ordinal) && registry.Names.Contains(name[..^Fp16Suffix.Length])
            && registry.Get(name[..^Fp16Suffix.Length]).HasFp16Variant)
        {
            return name[..^Fp16Suffix.Length];
        }

        throw new DfaInputException($"unknown backend '{name}'; valid: {string.Join(", ", AllNames(registry))}, all");
    }
}
