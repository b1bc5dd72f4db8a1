using Dfa.Core.State;

namespace Dfa.Core.Optim;

/// <summary>An optimizer's state (step count and buffers) as checkpoint records of a <see cref="ResumeState"/>.</summary>
public static class OptimizerCheckpoints
{
    /// <summary>Saves an optimizer's step count and every buffer (<c>prefix + name + "/" + parameter index</c>).</summary>
    public static void SetOptimizer(this ResumeState state, string prefix, IStatefulOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(optimizer);
        OptimizerState s = optimizer.ExportState();
        state.SetLong(prefix + "step", s.StepCount);
        foreach ((string name, IReadOnlyList<float[]> arrays) in s.Buffers)
        {
            for (int i = 0; i < arrays.Count; i++)
            {
                state.SetFloats($"{prefix}{name}/{i}", arrays[i]);
            }
        }
    }

    /// <summary>Restores what <see cref="SetOptimizer(ResumeState, string, IStatefulOptimizer)"/> saved; the live optimizer says which buffers and lengths to expect.</summary>
    public static void RestoreOptimizer(this ResumeState state, string prefix, IStatefulOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(optimizer);
        OptimizerState live = optimizer.ExportState();
        var buffers = new Dictionary<string, IReadOnlyList<float[]>>(StringComparer.Ordinal);
        foreach ((string name, IReadOnlyList<float[]> arrays) in live.Buffers)
        {
            buffers[name] = arrays.Select((a, i) => state.Floats($"{prefix}{name}/{i}", a.Length)).ToArray();
        }

        long step = state.Long(prefix + "step");
        if (step < 0)
        {
            throw new DfaInputException($"{state.DisplayName}: record '{prefix}step' is negative ({step})");
        }

        optimizer.ImportState(new OptimizerState(step, buffers));
    }
}
