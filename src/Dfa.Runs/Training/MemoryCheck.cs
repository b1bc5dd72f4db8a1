using System.Globalization;
using Dfa.Core;
using Dfa.Core.Config;
using Dfa.Core.Feedback;
using Dfa.Core.Methods;
using Dfa.Core.Networks;

namespace Dfa.Runs.Training;

/// <summary>
/// What training a network needs in memory, from its spec alone, checked before anything is allocated so a network
/// too large for this machine is refused in a moment with the bytes it would need, instead of failing (or swapping)
/// part-way through allocating. The estimate is a lower bound: every parameter's value and gradient (4 bytes each),
/// the optimizer's state (Adam: two moments, SGD: a momentum when it has one; HDFA keeps one set per kind of step),
/// two float buffers per layer output for a batch (the forward's output and the backward's gradient), the batch
/// itself, and the feedback matrices the backend predicts for every projecting module.
/// </summary>
public static class MemoryCheck
{
    /// <summary>The estimate in bytes (see the class summary).</summary>
    public static double BytesNeeded(NetworkSpec spec, MethodPlan plan, TrainConfig config, IFeedbackBackend? backend)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(config);
        double p = spec.Parameters;
        double stateCopies = config.Optimizer == OptimizerKind.Adam ? 2 : config.Sgd.Momentum > 0 ? 1 : 0;
        if (plan.Kind == TrainingAlgorithmKind.Hdfa)
        {
            stateCopies = 2 * Math.Max(1, stateCopies);
        }

        double batch = config.BatchSize;
        double layerOutputs = spec.Inputs + spec.Blocks.SelectMany(b => b.Layers).Sum(l => (double)l.OutputSize);
        double feedback = 0;
        if (backend is not null)
        {
            foreach (ModulePlan module in plan.Steps.SelectMany(s => s.Modules).Where(m => m.Shape is not null).DistinctBy(m => (m.Start, m.Top)))
            {
                FeedbackStorage storage = backend.Predict(module.Shape!, config.Feedback, config.BatchSize).Storage;
                feedback += storage.MatrixBytes + storage.CalibrationBytes;
            }
        }

        return (4 * p * (2 + stateCopies)) + (4 * batch * layerOutputs * 2) + feedback;
    }

    /// <summary>Refuses a network that needs more memory than this process may use.</summary>
    /// <exception cref="DfaInputException">It needs more than <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>.</exception>
    public static void ThrowIfTooLarge(NetworkSpec spec, MethodPlan plan, TrainConfig config, IFeedbackBackend? backend)
    {
        double needed = BytesNeeded(spec, plan, config, backend);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
        {
            throw new DfaInputException(
                $"the network {Describe(spec)} is too large to train here: it needs at least {Bytes(needed)} ({spec.Parameters.ToString("N0", CultureInfo.InvariantCulture)} parameters: "
                + $"values, gradients and {config.Optimizer.ToString().ToUpperInvariant()} state at 4 bytes each, and batch {config.BatchSize}'s activations"
                + (backend is null ? string.Empty : " and feedback matrices") + $"); this process can use {Bytes(available)}");
        }
    }

    /// <summary>The network as its widths, e.g. <c>784-800-800-10</c> (each block's output after the input).</summary>
    public static string Describe(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.Join("-", spec.Blocks.Select(b => b.OutputSize).Prepend(spec.Inputs));
    }

    private static string Bytes(double bytes) => bytes switch
    {
        >= 1e12 => (bytes / 1e12).ToString("0.0", CultureInfo.InvariantCulture) + " TB",
        >= 1e9 => (bytes / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + " GB",
        >= 1e6 => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };
}
