using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Core.Methods;
using Dfa.Core.Networks;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;

namespace Dfa.Runs.Compare;

/// <summary>The simulated cost of one member's training step on one profile at one output size.</summary>
/// <param name="Profile">The hardware profile's name.</param>
/// <param name="Outputs">e: the trained network's classes, or the ImageNet-size what-if.</param>
/// <param name="BackwardSeconds">The feedback phase for DFA (<c>B_l·e</c> for every layer), the backward pass for BP.</param>
/// <param name="Row">The full price (phases, schedule, energy split, operations) for the report's JSON.</param>
public sealed record MemberCost(string Profile, int Outputs, double BackwardSeconds, MethodCost Row);

/// <summary>
/// Prices every compared member with the one cost engine: the network its config trains (its own spec) with its own
/// output size and with e = 1000, at the run's batch size and optimizer, on each chosen profile, by the member's method
/// as training plans it (<see cref="MethodPlan.For"/>) and, for a method that projects, on the member's backend. The feedback work comes from the same <c>Predict</c> the backend's counters are tested against,
/// at the feedback options the member trained with, so these are the prices of counted work (see
/// <see cref="CostModel"/>). A backend a profile cannot run (the optical unit on a digital profile) has no entry.
/// </summary>
public static class CompareCosts
{
    public const int ImageNetOutputs = 1000;

    /// <param name="config">The member's config: its method, as training plans it, on its own network.</param>
    /// <param name="inputs">Features per sample.</param>
    /// <param name="classes">The trained network's classes.</param>
    /// <param name="profiles">The profiles to price on.</param>
    /// <param name="registry">The feedback backends.</param>
    public static IReadOnlyList<MemberCost> Price(
        TrainConfig config, int inputs, int classes, IReadOnlyList<HardwareProfile> profiles, FeedbackBackendRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(registry);
        var costs = new List<MemberCost>();
        foreach (int e in classes == ImageNetOutputs ? [classes] : new[] { classes, ImageNetOutputs })
        {
            NetworkSpec network = NetworkSpec.From(config, inputs, e);
            MethodPlan plan = MethodPlan.For(config, network);
            string? backend = plan.UsesFeedbackBackend ? registry.Get(config.Feedback.Backend).Name : null;
            foreach (HardwareProfile profile in profiles)
            {
                var prices = new Prices(profile);
                if (backend is not null && !CostPlans.Runs(backend, prices, registry))
                {
                    continue;
                }

                MethodCost cost = CostModel.Price(
                    plan, config.BatchSize, backend is null ? null : s => CostPlans.Plan(backend, s, config.BatchSize, prices, registry, config.Feedback)!, prices, config.Optimizer);
                costs.Add(new MemberCost(profile.Name, e, cost.Phases[1].Seconds, cost));
            }
        }

        return costs;
    }
}
