using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// A non-trainable tensor a layer needs to reproduce its outputs (PyTorch's "buffer"), such as BatchNorm's running
/// statistics: no gradient, no optimizer, but a saved model must carry it or evaluation changes. Either a float32
/// matrix, or one int64 counter (1×1, e.g. <c>num_batches_tracked</c>) read and written through the layer's accessors.
/// </summary>
public sealed class LayerBuffer
{
    private readonly Func<long>? _getInt64;
    private readonly Action<long>? _setInt64;

    /// <summary>A float32 buffer; <paramref name="value"/> is the layer's own matrix (not copied).</summary>
    public LayerBuffer(string name, Matrix value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
    }

    /// <summary>An int64 scalar buffer kept by the layer as a field, reached through <paramref name="get"/> and <paramref name="set"/>.</summary>
    public LayerBuffer(string name, Func<long> get, Action<long> set)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        Name = name;
        _getInt64 = get;
        _setInt64 = set;
    }

    /// <summary>Unique within a network once the network prefixes it, e.g. <c>bn1.running_mean</c>.</summary>
    public string Name { get; internal set; }

    /// <summary>The float32 values, or null for an int64 scalar buffer.</summary>
    public Matrix? Value { get; }

    public bool IsInt64 => Value is null;

    public int Rows => Value?.Rows ?? 1;

    public int Cols => Value?.Cols ?? 1;

    /// <summary>The value of an int64 scalar buffer.</summary>
    /// <exception cref="InvalidOperationException">This is a float32 buffer.</exception>
    public long Int64Value
    {
        get => _getInt64 is { } get ? get() : throw new InvalidOperationException($"Buffer '{Name}' is float32, not int64.");
        set
        {
            if (_setInt64 is null)
            {
                throw new InvalidOperationException($"Buffer '{Name}' is float32, not int64.");
            }

            _setInt64(value);
        }
    }

    public override string ToString() => $"{Name} {Rows}×{Cols}{(IsInt64 ? " int64" : string.Empty)}";
}
