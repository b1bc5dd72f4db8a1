using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// The joint between image layers and fully connected ones. Our rows already hold each sample's <c>C×H×W</c> tensor
/// flattened channel-major, exactly what PyTorch's <c>nn.Flatten</c> produces, so forward and backward are copies;
/// the layer exists so that configs and <c>Describe()</c> read like the PyTorch model and the builder can check that
/// the shape before it is the one the head was sized for.
/// </summary>
public sealed class Flatten : ILayer
{
    private Matrix? _output;
    private Matrix? _inputGradient;

    public Flatten(ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        InputShape = shape;
    }

    public string Kind => "flatten";

    public ImageShape InputShape { get; }

    public int InputSize => InputShape.Size;

    public int OutputSize => InputShape.Size;

    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Copies <paramref name="input"/>: the returned matrix is the layer's own, as <see cref="ILayer"/> promises.</summary>
    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, OutputSize);
        input.CopyTo(output);
        return output;
    }

    public Matrix? Backward(Matrix outputGradient, bool needInputGradient)
    {
        LayerGuard.CheckOutputGradient(this, outputGradient, _output);
        if (!needInputGradient)
        {
            return null;
        }

        Matrix dx = Matrix.Ensure(ref _inputGradient, outputGradient.Rows, InputSize);
        outputGradient.CopyTo(dx);
        return dx;
    }

    public override string ToString() => $"{Kind} {InputShape}→{OutputSize}";
}
