using System.Buffers.Binary;

namespace Dfa.Cli.Tests;

/// <summary>Writes a tiny, structurally valid MNIST folder (IDX files) that tests can then corrupt.</summary>
internal static class TinyMnist
{
    public const string TrainImages = "train-images-idx3-ubyte";
    public const string TrainLabels = "train-labels-idx1-ubyte";
    public const string TestImages = "t10k-images-idx3-ubyte";
    public const string TestLabels = "t10k-labels-idx1-ubyte";

    public static void Write(string folder, int train = 40, int test = 20)
    {
        Directory.CreateDirectory(folder);
        WriteImages(Path.Combine(folder, TrainImages), train, seed: 1);
        WriteLabels(Path.Combine(folder, TrainLabels), train);
        WriteImages(Path.Combine(folder, TestImages), test, seed: 2);
        WriteLabels(Path.Combine(folder, TestLabels), test);
    }

    public static void WriteImages(string path, int count, int seed, uint magic = 0x00000803)
    {
        var bytes = new byte[16 + (count * 28 * 28)];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), 28);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), 28);
        new Random(seed).NextBytes(bytes.AsSpan(16));
        File.WriteAllBytes(path, bytes);
    }

    public static void WriteLabels(string path, int count)
    {
        var bytes = new byte[8 + count];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, 0x00000801);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        for (int i = 0; i < count; i++)
        {
            bytes[8 + i] = (byte)(i % 10);
        }

        File.WriteAllBytes(path, bytes);
    }
}
