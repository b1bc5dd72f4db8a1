namespace Dfa.Core.Optim;

/// <summary>An optimizer whose state can be saved in a checkpoint and restored so that later steps are identical.</summary>
public interface IStatefulOptimizer : IOptimizer
{
    /// <summary>Steps taken so far.</summary>
    long StepCount { get; }

    /// <summary>A deep copy of the state (step count and buffers).</summary>
    OptimizerState ExportState();

    /// <summary>
    /// Replaces the state with a copy of <paramref name="state"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer names, counts or lengths differ from this optimizer's.</exception>
    void ImportState(OptimizerState state);
}
