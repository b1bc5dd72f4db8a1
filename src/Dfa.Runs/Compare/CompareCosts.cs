using Dfa.Backends.Registry;
using Dfa.Core.Config;
using Dfa.Runs.Costing;
using Dfa.Sim.Cost;
using Dfa.Sim.Profiles;
using Dfa.Sim.Workloads;

namespace Dfa.Runs.Compare;

/// <summary>The simulated cost of one member's training step on one profile at one output size.</summary>
/// <param name="Profile">The hardware profile's name.</param>
/// <param name="Outputs">e: the trained network's classes, or the ImageNet-size what-if.</param>
/// <param name="BackwardSeconds">The feedback phase for DFA (<c>B_l·e</c> for every layer), the backward pass for BP.</param>
/// <param name="Row">The full priced row (phases, energy split, operations) for the report's JSON.</param>
public sealed record MemberCost(string Profile, int Outputs, double BackwardSeconds, CostRow Row);

/// <summary>
/// Prices every compared member with the simulator: the trained network as an MLP workload (its input and hidden
/// widths) with its own output size and with e = 1000, at the run's batch size and optimizer, on each chosen profile.
/// The feedback work comes from the same <c>Predict</c> the backend's counters are tested against, at the feedback
/// options the member trained with, so these are the prices of counted work (see <see cref="CostModel"/>). A backend a profile cannot run (the optical unit on a digital
/// profile) has no entry.
/// </summary>
public static class CompareCosts
{
    public const int ImageNetOutputs = 1000;

    public static IReadOnlyList<MemberCost> Price(
        string backend, TrainConfig config, int inputs, int classes, IReadOnlyList<HardwareProfile> profiles, FeedbackBackendRegistry registry)
    {
        var costs = new List<MemberCost>();
        int[] widths = [inputs, .. config.Model.Hidden];
        foreach (int e in classes == ImageNetOutputs ? [classes] : new[] { classes, ImageNetOutputs })
        {
            Workload workload = WorkloadCatalog.Mlp(widths, e);
            foreach (HardwareProfile profile in profiles)
            {
                var prices = new Prices(profile);
                if (!CostPlans.Runs(backend, prices, registry))
                {
                    continue;
                }

                CostRow row = CostModel.Price(
                    workload, config.BatchSize, CostPlans.Plan(backend, workload.FeedbackShape, config.BatchSize, prices, registry, config.Feedback), prices, config.Optimizer);
                costs.Add(new MemberCost(profile.Name, e, row.Phases[1].Seconds, row));
            }
        }

        return costs;
    }
}
