using System.Buffers.Binary;

namespace Dfa.Core.Tests.Data;

/// <summary>Builds IDX files byte by byte for the data tests, and temp folders that delete themselves.</summary>
internal static class IdxTestFiles
{
    public static byte[] Header(uint magic, params int[] dims)
    {
        var bytes = new byte[4 + (4 * dims.Length)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int i = 0; i < dims.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * i)), dims[i]);
        }

        return bytes;
    }

    /// <summary>A valid image file: pixel <c>(i, p)</c> is <c>(i·31 + p) mod 256</c>.</summary>
    public static byte[] Images(int count, int rows = 28, int cols = 28)
    {
        byte[] header = Header(0x00000803, count, rows, cols);
        var bytes = new byte[header.Length + (count * rows * cols)];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < count * rows * cols; i++)
        {
            bytes[header.Length + i] = (byte)((((i / (rows * cols)) * 31) + (i % (rows * cols))) % 256);
        }

        return bytes;
    }

    /// <summary>A valid label file: label <c>i</c> is <c>i mod 10</c>.</summary>
    public static byte[] Labels(int count)
    {
        byte[] header = Header(0x00000801, count);
        var bytes = new byte[header.Length + count];
        header.CopyTo(bytes, 0);
        for (int i = 0; i < count; i++)
        {
            bytes[header.Length + i] = (byte)(i % 10);
        }

        return bytes;
    }

    /// <summary>Writes a complete small MNIST folder: 6 training and 4 test images.</summary>
    public static void WriteMnist(string folder, int train = 6, int test = 4)
    {
        File.WriteAllBytes(Path.Combine(folder, "train-images-idx3-ubyte"), Images(train));
        File.WriteAllBytes(Path.Combine(folder, "train-labels-idx1-ubyte"), Labels(train));
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), Images(test));
        File.WriteAllBytes(Path.Combine(folder, "t10k-labels-idx1-ubyte"), Labels(test));
    }
}
