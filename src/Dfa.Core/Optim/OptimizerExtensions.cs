namespace Dfa.Core.Optim;

/// <summary>Conveniences over <see cref="IOptimizer"/>.</summary>
public static class OptimizerExtensions
{
    /// <summary>An ordinary step (<see cref="StepKind.Standard"/>).</summary>
    public static void Step(this IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        optimizer.Step(StepKind.Standard);
    }
}
