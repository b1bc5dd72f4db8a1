namespace Dfa.Core.Optim;

/// <summary>
/// A snapshot of an optimizer's state for checkpoints: the number of steps taken and, per buffer name, one array per
/// parameter in the order the optimizer was built with. Names follow PyTorch's <c>state_dict</c>:
/// <c>momentum_buffer</c> for <see cref="Sgd"/>, <c>exp_avg</c> and <c>exp_avg_sq</c> for <see cref="Adam"/>.
/// The constructor copies every array, so a snapshot never aliases live optimizer memory.
/// </summary>
public sealed class OptimizerState
{
    public OptimizerState(long stepCount, IReadOnlyDictionary<string, IReadOnlyList<float[]>> buffers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        ArgumentNullException.ThrowIfNull(buffers);
        var copy = new Dictionary<string, IReadOnlyList<float[]>>(buffers.Count, StringComparer.Ordinal);
        foreach ((string name, IReadOnlyList<float[]> arrays) in buffers)
        {
            ArgumentNullException.ThrowIfNull(arrays, nameof(buffers));
            var arraysCopy = new float[arrays.Count][];
            for (int i = 0; i < arraysCopy.Length; i++)
            {
                float[] source = arrays[i] ?? throw new ArgumentException($"Expected an array for '{name}'[{i}], got null.", nameof(buffers));
                arraysCopy[i] = (float[])source.Clone();
            }

            copy.Add(name, arraysCopy);
        }

        StepCount = stepCount;
        Buffers = copy;
    }

    /// <summary>Steps taken so far; Adam's bias correction uses it as <c>t</c>.</summary>
    public long StepCount { get; }

    /// <summary>Buffer name → one array per parameter.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<float[]>> Buffers { get; }

    /// <summary>Copies the named buffers into <paramref name="destination"/> after <see cref="ThrowIfShapesDiffer"/>.</summary>
    internal void CopyBuffersTo(string name, float[][] destination)
    {
        ThrowIfShapesDiffer(name, destination);
        IReadOnlyList<float[]> source = Buffers[name];
        for (int i = 0; i < destination.Length; i++)
        {
            source[i].AsSpan().CopyTo(destination[i]);
        }
    }

    /// <summary>Throws unless the named buffers exist and match <paramref name="destination"/> in count and lengths.</summary>
    internal void ThrowIfShapesDiffer(string name, float[][] destination)
    {
        if (!Buffers.TryGetValue(name, out IReadOnlyList<float[]>? source))
        {
            throw new ArgumentException($"Expected a buffer named '{name}', got [{string.Join(", ", Buffers.Keys)}].", "state");
        }

        if (source.Count != destination.Length)
        {
            throw new ArgumentException($"Expected {destination.Length} '{name}' arrays (one per parameter), got {source.Count}.", "state");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            if (source[i].Length != destination[i].Length)
            {
                throw new ArgumentException($"Expected '{name}'[{i}] of length {destination[i].Length}, got {source[i].Length}.", "state");
            }
        }
    }

    /// <summary>Throws unless the snapshot holds exactly <paramref name="expectedNames"/>.</summary>
    internal void ThrowIfNamesDiffer(params string[] expectedNames)
    {
        if (Buffers.Count != expectedNames.Length || !expectedNames.All(Buffers.ContainsKey))
        {
            throw new ArgumentException(
                $"Expected buffers [{string.Join(", ", expectedNames)}], got [{string.Join(", ", Buffers.Keys)}].", "state");
        }
    }
}
