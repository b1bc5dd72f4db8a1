using Dfa.Core.Training;
using Dfa.Runs.Experiments;

namespace Dfa.Runs.Tests.Experiments;

/// <summary>Hand-made member results for verdict tests: a train-loss curve, optionally a final test loss, or divergence.</summary>
internal static class Outcomes
{
    public static MemberResult Curve(string label, params double[] trainLoss) => WithTest(label, double.NaN, trainLoss);

    /// <summary>A member whose last epoch's test loss is <paramref name="finalTestLoss"/> (others: train loss + 0.1).</summary>
    public static MemberResult WithTest(string label, double finalTestLoss, params double[] trainLoss)
    {
        var epochs = trainLoss.Select((loss, i) => new EpochMetrics(
            i + 1, 1e-3, loss, 0.9, null, null, i == trainLoss.Length - 1 && !double.IsNaN(finalTestLoss) ? finalTestLoss : loss + 0.1, 0.9, 1, 1000)).ToArray();
        return new MemberResult(label, epochs, null, [], 1);
    }

    /// <summary>A final train loss only (one epoch).</summary>
    public static MemberResult Final(string label, double trainLoss) => Curve(label, trainLoss);

    /// <summary>A member that completed <paramref name="trainLoss"/>.Length epochs and diverged in the next one.</summary>
    public static MemberResult Diverged(string label, params double[] trainLoss) =>
        Curve(label, trainLoss) with { DivergedEpoch = trainLoss.Length + 1 };
}
