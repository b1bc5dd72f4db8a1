using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Networks;
using Dfa.Sim.Profiles;

namespace Dfa.Sim.Cost;

public static partial class CostModel
{
    /// <summary>
    /// Prices an inference pass of <paramref name="network"/> at <paramref name="batch"/>: the <c>forward:B</c> tasks
    /// of <see cref="Price"/>'s graph alone, with its rules (kernels, rooflines, residence, energy). The working set is
    /// the weights (<c>4·P</c>, plus the narrower copies of mixed precision) and <c>s·b·A</c> of activations; nothing is
    /// trained, so no optimizer state and no feedback matrices.
    /// </summary>
    /// <returns>A cost whose <see cref="MethodCost.Method"/> is <c>FORWARD</c> and whose one step is the forward pass.</returns>
    public static MethodCost PriceForward(NetworkSpec network, int batch, Prices prices)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        var step = new Context(network, network.Blocks.Count, batch, prices, OptimizerKind.Sgd, kpDecay: 0);
        TaskGraph graph = step.ForwardGraph();
        int width = Precisions.ActivationBytes(prices.Precision);
        double copies = Precisions.KeepsMasterWeights(prices.Precision) ? width * (double)network.Parameters : 0;
        double workingSet = (4.0 * network.Parameters) + copies + ((double)width * batch * network.ActivationsPerSample);
        Prices.Level? residence = prices.Levels.FirstOrDefault(l => l.CapacityBytes >= workingSet);
        double? cells = prices.Kind switch
        {
            ProfileKind.Neuromorphic => prices["neuromorphic.synapses"],
            ProfileKind.Cim => prices["cim.arrays"] * prices["cim.array_rows"] * prices["cim.array_cols"],
            _ => null,
        };
        Prices.Level home = residence ?? prices.Levels[^1];
        var model = new RateModel(prices, home, batch >= GemmBatchThreshold);
        StepSchedule s = step.Schedule(graph, "forward", 1, model, home);
        return new MethodCost
        {
            Workload = network.Name,
            Outputs = network.Outputs,
            Method = "FORWARD",
            Backend = null,
            Layout = "none",
            Precision = "fp32",
            Arithmetic = Precisions.Describe(prices.Precision),
            Frozen = [],
            Profile = prices.Name,
            Batch = batch,
            FeedbackStorageBytes = 0,
            WorkingSetBytes = workingSet,
            Fits = residence is not null && (cells is not { } c || network.Parameters <= c),
            Residence = residence?.Name ?? "none",
            TimeSeconds = s.TimeSeconds,
            CriticalPathSeconds = s.CriticalPathSeconds,
            Cycles = s.TimeSeconds * prices["clock_hz"],
            Energy = s.Energy,
            Operations = s.Operations,
            EnergyByOperation = s.EnergyByOperation,
            BytesByLevel = new SortedDictionary<string, double>(StringComparer.Ordinal) { [home.Name] = s.Bytes },
            Steps = [s],
        };
    }

    /// <summary>
    /// Prices one feedback projection of <paramref name="plan"/> (a backend's predicted work for its shape at
    /// <paramref name="batch"/>) alone, as the <c>projection:</c> task of <see cref="Price"/> prices it: its roofline at
    /// the level that holds its matrices, and its energy (operations, bytes at that level, optical frames × frame time
    /// × power; no static power).
    /// </summary>
    /// <exception cref="DfaInputException">The profile cannot run the plan's device.</exception>
    public static ProjectionCost PriceProjection(FeedbackPlan plan, int batch, Prices prices)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        prices.ThrowIfCannotRun(plan);
        bool inPlace = prices.Kind is ProfileKind.Neuromorphic or ProfileKind.Cim;
        bool prng = prices.Has(ProfileCapability.FeedbackPrng) || inPlace;
        StepWork work = FeedbackWork(plan, prices, prng, batch);
        double storage = prng ? 0 : plan.Prediction.Storage.MatrixBytes;
        Prices.Level home = prices.Levels.FirstOrDefault(l => l.CapacityBytes >= storage) ?? prices.Levels[^1];
        var model = new RateModel(prices, home, batch >= GemmBatchThreshold);
        double energy = model.ComputeEnergy(work) + (work.TotalBytes * home.EnergyJPerByte)
            + (work.TotalFrames * (prices.Find("optical.frame_time_s") ?? 0) * (prices.Find("optical.power_w") ?? 0));
        return new ProjectionCost(model.Time(work).Seconds, energy, home.Name);
    }
}
