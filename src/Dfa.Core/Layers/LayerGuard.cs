using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>The argument checks every layer makes once per call, so kernels below them run without checks.</summary>
internal static class LayerGuard
{
    public static void CheckInput(ILayer layer, Matrix input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Cols != layer.InputSize)
        {
            throw new ArgumentException(
                $"{layer.Kind} expects input with {layer.InputSize} columns, got a {input.Rows}×{input.Cols} matrix.", nameof(input));
        }
    }

    /// <summary>Checks that a forward pass happened and that the gradient has the shape of its output.</summary>
    public static void CheckOutputGradient(ILayer layer, Matrix outputGradient, Matrix? lastOutput)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (lastOutput is null)
        {
            throw new InvalidOperationException($"{layer.Kind}: Backward called before Forward.");
        }

        if (!outputGradient.SameShape(lastOutput))
        {
            throw new ArgumentException(
                $"{layer.Kind} expects an output gradient of the last forward output's shape {lastOutput.Rows}×{lastOutput.Cols}, " +
                $"got {outputGradient.Rows}×{outputGradient.Cols}.", nameof(outputGradient));
        }
    }

    /// <summary>Checks that a derivative destination has the shape of the last forward batch.</summary>
    public static void CheckDerivativeDestination(ILayer layer, Matrix destination, Matrix? lastOutput)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (lastOutput is null)
        {
            throw new InvalidOperationException($"{layer.Kind}: WriteDerivative called before Forward.");
        }

        if (!destination.SameShape(lastOutput))
        {
            throw new ArgumentException(
                $"{layer.Kind} derivative destination must be {lastOutput.Rows}×{lastOutput.Cols}, got {destination.Rows}×{destination.Cols}.",
                nameof(destination));
        }
    }

    public static void CheckSize(int size, string paramName) => ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, paramName);
}
