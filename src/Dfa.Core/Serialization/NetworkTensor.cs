using System.Buffers.Binary;
using Dfa.Core.Layers;
using Dfa.Core.Tensors;
using Dfa.Core.Training;

namespace Dfa.Core.Serialization;

/// <summary>
/// One tensor of a built network as a saved model sees it: its block, its network-unique name, whether it is a
/// parameter or a buffer, and its storage. <see cref="Of"/> lists them in the network's fixed order (blocks, then
/// layers, then each layer's parameters before its buffers), which is the order a model file is written in.
/// </summary>
public sealed class NetworkTensor
{
    private readonly LayerBuffer? _counter;

    private NetworkTensor(string block, string name, TensorKind kind, Matrix? floats, LayerBuffer? counter)
    {
        Block = block;
        Name = name;
        Kind = kind;
        Floats = floats;
        _counter = counter;
    }

    public string Block { get; }

    public string Name { get; }

    public TensorKind Kind { get; }

    public TensorDType DType => Floats is null ? TensorDType.Int64 : TensorDType.Float32;

    public int Rows => Floats?.Rows ?? 1;

    public int Cols => Floats?.Cols ?? 1;

    /// <summary>The float32 storage (the layer's own matrix), or null for an int64 scalar.</summary>
    public Matrix? Floats { get; }

    /// <summary>The int64 scalar's value.</summary>
    /// <exception cref="InvalidOperationException">This is a float32 tensor.</exception>
    public long Int64Value
    {
        get => _counter?.Int64Value ?? throw new InvalidOperationException($"'{Name}' is float32.");
        set
        {
            if (_counter is null)
            {
                throw new InvalidOperationException($"'{Name}' is float32.");
            }

            _counter.Int64Value = value;
        }
    }

    public string Shape => $"{Rows}×{Cols} {(DType == TensorDType.Float32 ? "float32" : "int64")}";

    /// <summary>
    /// Overwrites this tensor with a saved tensor's little-endian data. The caller has checked that
    /// <paramref name="source"/> has this tensor's dtype and shape.
    /// </summary>
    public void Assign(ModelTensor source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ReadOnlySpan<byte> data = source.Data.Span;
        if (Floats is { } floats)
        {
            Span<float> values = floats.Span;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]);
            }
        }
        else
        {
            Int64Value = BinaryPrimitives.ReadInt64LittleEndian(data);
        }
    }

    /// <summary>Every parameter and buffer of <paramref name="network"/>, block by block.</summary>
    public static IReadOnlyList<NetworkTensor> Of(Network network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<NetworkTensor>();
        foreach (NetworkBlock block in network.Blocks)
        {
            foreach (ILayer layer in block.Layers)
            {
                foreach (Parameter p in layer.Parameters)
                {
                    tensors.Add(new(block.Name, p.Name, TensorKind.Parameter, p.Value, null));
                }

                foreach (LayerBuffer b in (layer as IStatefulLayer)?.Buffers ?? [])
                {
                    tensors.Add(new(block.Name, b.Name, TensorKind.Buffer, b.Value, b.IsInt64 ? b : null));
                }
            }
        }

        return tensors;
    }

    public override string ToString() => $"{Block}/{Name} {Shape}";
}
