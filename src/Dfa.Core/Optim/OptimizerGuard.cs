using System.Runtime.CompilerServices;
using Dfa.Core.Layers;

namespace Dfa.Core.Optim;

/// <summary>Argument checks shared by the optimizers, schedules and penalties.</summary>
internal static class OptimizerGuard
{
    /// <summary>Throws unless <paramref name="value"/> is a finite number ≥ 0 (NaN slips past <c>ThrowIfNegative</c>).</summary>
    public static void ThrowIfNegativeOrNotFinite(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a finite value ≥ 0, got {value}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(value, paramName);
    }

    /// <summary>Throws unless <paramref name="value"/> lies in <c>[0, 1)</c>.</summary>
    public static void ThrowIfNotInUnitInterval(double value, [CallerArgumentExpression(nameof(value))] string? paramName = null)
    {
        if (!(value >= 0.0 && value < 1.0))
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"Expected a value in [0, 1), got {value}.");
        }
    }

    /// <summary>Copies the list, rejecting nulls and any parameter listed twice (it would be updated twice per step).</summary>
    public static Parameter[] CopyParameters(IReadOnlyList<Parameter> parameters, [CallerArgumentExpression(nameof(parameters))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(parameters, paramName);
        var copy = new Parameter[parameters.Count];
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < copy.Length; i++)
        {
            Parameter p = parameters[i] ?? throw new ArgumentException($"Expected a parameter at index {i}, got null.", paramName);
            if (!seen.Add(p))
            {
                throw new ArgumentException($"Expected each parameter once, got '{p.Name}' again at index {i}.", paramName);
            }

            copy[i] = p;
        }

        return copy;
    }

    /// <summary>One zeroed buffer per parameter, each as long as the parameter.</summary>
    public static float[][] ZeroBuffers(Parameter[] parameters)
    {
        var buffers = new float[parameters.Length][];
        for (int i = 0; i < buffers.Length; i++)
        {
            buffers[i] = new float[parameters[i].Value.Length];
        }

        return buffers;
    }
}
