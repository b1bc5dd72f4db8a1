using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>A trainable tensor and its gradient (same shape). <see cref="IsWeight"/> marks the tensors L1/L2 penalties apply to.</summary>
public sealed class Parameter
{
    public Parameter(string name, Matrix value, bool isWeight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Gradient = new Matrix(value.Rows, value.Cols);
        IsWeight = isWeight;
    }

    /// <summary>Unique within a network once the network prefixes it, e.g. <c>fc1.weight</c>.</summary>
    public string Name { get; internal set; }

    public Matrix Value { get; }

    public Matrix Gradient { get; }

    /// <summary>True for weight matrices (penalised by L1/L2), false for biases and normalisation parameters.</summary>
    public bool IsWeight { get; }

    public override string ToString() => $"{Name} {Value.Rows}×{Value.Cols}";
}
