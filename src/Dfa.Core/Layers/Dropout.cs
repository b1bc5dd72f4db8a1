using System.Numerics.Tensors;
using Dfa.Core.Randomness;
using Dfa.Core.State;
using Dfa.Core.Tensors;

namespace Dfa.Core.Layers;

/// <summary>
/// Inverted dropout: in training <c>y = x ⊙ m</c> with <c>m = 1/(1 − p)</c> where <c>u ≥ p</c> and 0 elsewhere,
/// <c>u ~ U[0, 1)</c> drawn from the layer's <see cref="Rng"/> in row-major order (one draw per element, so a seed
/// reproduces every mask); in evaluation <c>y = x</c>. Backward is <c>∂L/∂x = g ⊙ m</c> (or <c>g</c> after an
/// evaluation forward). The 1/(1 − p) scale keeps <c>E[y] = x</c>, so evaluation needs no rescaling.
/// </summary>
public sealed class Dropout : ILayer, IResumable
{
    private readonly Rng _rng;
    private readonly float _keepScale;
    private Matrix? _mask;
    private Matrix? _output;
    private Matrix? _inputGradient;
    private bool _masked;

    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is not positive or <paramref name="p"/> is outside [0, 1).</exception>
    public Dropout(int size, double p, Rng rng)
    {
        LayerGuard.CheckSize(size, nameof(size));
        if (!(p >= 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The drop probability must be in [0, 1).");
        }

        ArgumentNullException.ThrowIfNull(rng);
        InputSize = size;
        P = p;
        _rng = rng;
        _keepScale = (float)(1.0 / (1.0 - p));
    }

    public string Kind => "dropout";

    public int InputSize { get; }

    public int OutputSize => InputSize;

    /// <summary>Drop probability <c>p</c>.</summary>
    public double P { get; }

    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>Saves the mask generator's position, so a resumed run draws the masks an uninterrupted one would.</summary>
    public void SaveState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.SetRng(prefix + "rng", _rng);
    }

    public void RestoreState(ResumeState state, string prefix)
    {
        ArgumentNullException.ThrowIfNull(state);
        state.RestoreRng(prefix + "rng", _rng);
    }

    public Matrix Forward(Matrix input, bool training)
    {
        LayerGuard.CheckInput(this, input);
        Matrix output = Matrix.Ensure(ref _output, input.Rows, InputSize);

        // p = 0 draws nothing, so adding a zero-probability dropout layer does not shift any other random stream.
        _masked = training && P > 0;
        if (!_masked)
        {
            input.Span.CopyTo(output.Span);
            return output;
        }

        Matrix mask = Matrix.Ensure(ref _mask, input.Rows, InputSize);
        Span<float> m = mask.Span;
        float p = (float)P;
        for (int i = 0; i < m.Length; i++)
        {
            m[i] = _rng.NextSingle() >= p ? _keepScale : 0f;
        }

        TensorPrimitives.Multiply(input.Span, m, output.Span);
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
        if (_masked)
        {
            TensorPrimitives.Multiply(outputGradient.Span, _mask!.Span, dx.Span);
        }
        else
        {
            outputGradient.Span.CopyTo(dx.Span);
        }

        return dx;
    }
}
