namespace Dfa.Core.Tensors;

/// <summary>
/// A dense row-major float32 matrix: element <c>(i, j)</c> lives at <c>Data[i * Cols + j]</c>.
/// The storage is exposed on purpose: kernels work on spans of it.
/// </summary>
public sealed class Matrix
{
    public Matrix(int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Rows = rows;
        Cols = cols;
        Data = new float[checked(rows * cols)];
    }

    /// <summary>Wraps <paramref name="data"/> (not copied) as a <paramref name="rows"/> × <paramref name="cols"/> matrix.</summary>
    public Matrix(int rows, int cols, float[] data)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length != checked(rows * cols))
        {
            throw new ArgumentException($"Expected {rows}×{cols} = {rows * cols} elements, got {data.Length}.", nameof(data));
        }

        Rows = rows;
        Cols = cols;
        Data = data;
    }

    public int Rows { get; }

    public int Cols { get; }

    public float[] Data { get; }

    public int Length => Data.Length;

    public Span<float> Span => Data;

    public float this[int row, int col]
    {
        get => Data[(row * Cols) + col];
        set => Data[(row * Cols) + col] = value;
    }

    public Span<float> Row(int row) => Data.AsSpan(row * Cols, Cols);

    public void Clear() => Array.Clear(Data);

    public Matrix Clone() => new(Rows, Cols, (float[])Data.Clone());

    public void CopyTo(Matrix destination)
    {
        ThrowIfShapeDiffers(destination, nameof(destination));
        Data.AsSpan().CopyTo(destination.Data);
    }

    public bool SameShape(Matrix other) => other.Rows == Rows && other.Cols == Cols;

    public void ThrowIfShapeDiffers(Matrix other, string paramName)
    {
        if (!SameShape(other))
        {
            throw new ArgumentException($"Expected a {Rows}×{Cols} matrix, got {other.Rows}×{other.Cols}.", paramName);
        }
    }

    /// <summary>Returns <paramref name="buffer"/> if it already has the shape, else a new zeroed matrix of that shape.</summary>
    public static Matrix Ensure(ref Matrix? buffer, int rows, int cols)
    {
        if (buffer is null || buffer.Rows != rows || buffer.Cols != cols)
        {
            buffer = new Matrix(rows, cols);
        }

        return buffer;
    }

    public override string ToString() => $"Matrix {Rows}×{Cols}";
}
