namespace Dfa.Core.Data;

/// <summary>
/// The payload of an IDX image file: <see cref="Count"/> images of <see cref="Rows"/>×<see cref="Cols"/> unsigned
/// bytes, row-major, one image after another in <see cref="Pixels"/>.
/// </summary>
/// <param name="Count">Number of images (the first header dimension).</param>
/// <param name="Rows">Rows per image (the second header dimension).</param>
/// <param name="Cols">Columns per image (the third header dimension).</param>
/// <param name="Pixels">The <c>Count·Rows·Cols</c> pixel bytes.</param>
public sealed record IdxImages(int Count, int Rows, int Cols, byte[] Pixels)
{
    /// <summary>Pixels per image, <c>Rows·Cols</c>.</summary>
    public int PixelsPerImage => Rows * Cols;
}
