using System.Buffers.Binary;
using System.Text;
using Dfa.Core.Randomness;
using Dfa.Core.Serialization;
using Dfa.Core.Training;
using Dfa.Testing;
using static Dfa.Testing.ModelTestNetworks;

namespace Dfa.Core.Tests.Serialization;

/// <summary>
/// The <c>weights.bin</c> format: its bytes against a hand-written reader, bit-exact round trips of parameters and
/// BatchNorm buffers, format v1, and every way a file can be wrong (truncated, corrupt, hostile lengths).
/// </summary>
public sealed class WeightsFileTests
{
    [Test]
    public void ToBytes_LaysOutHeaderRecordsAndChecksum_AsDocumented()
    {
        Network network = BuildMlp(seed: 1, batchNorm: true, hidden: "[3]");
        Scramble(network, 9);
        byte[] bytes = WeightsFile.ToBytes(network);

        // An independent reader of the documented layout.
        using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        Assert.That(reader.ReadBytes(4), Is.EqualTo("DFAW"u8.ToArray()));
        Assert.That(reader.ReadInt32(), Is.EqualTo(2));
        int count = reader.ReadInt32();
        long payload = reader.ReadInt64();
        Assert.That(bytes, Has.Length.EqualTo(20 + payload + 4));
        var seen = new List<string>();
        for (int i = 0; i < count; i++)
        {
            string block = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
            string name = Encoding.UTF8.GetString(reader.ReadBytes(reader.ReadUInt16()));
            byte kind = reader.ReadByte();
            byte dtype = reader.ReadByte();
            int rows = reader.ReadInt32(), cols = reader.ReadInt32();
            seen.Add($"{block}/{name} k{kind} t{dtype} {rows}x{cols}");
            if (name == "bn1.num_batches_tracked")
            {
                Assert.That(reader.ReadInt64(), Is.EqualTo(FirstBatchNorm(network).NumBatchesTracked));
            }
            else if (name == "fc1.weight")
            {
                float[] values = Enumerable.Range(0, rows * cols).Select(_ => reader.ReadSingle()).ToArray();
                Assert.That(values.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(network.Parameters[0].Value.Data.Select(BitConverter.SingleToInt32Bits)));
            }
            else
            {
                reader.ReadBytes(rows * cols * (dtype == 1 ? 4 : 8));
            }
        }

        Assert.That(reader.BaseStream.Position, Is.EqualTo(20 + payload));
        Assert.That(reader.ReadUInt32(), Is.EqualTo(Crc32CReference.Bitwise(bytes.AsSpan(0, (int)(20 + payload)))));
        Assert.That(seen, Is.EqualTo(new[]
        {
            "hidden1/fc1.weight k0 t1 3x5", "hidden1/fc1.bias k0 t1 1x3", "hidden1/bn1.weight k0 t1 1x3", "hidden1/bn1.bias k0 t1 1x3",
            "hidden1/bn1.running_mean k1 t1 1x3", "hidden1/bn1.running_var k1 t1 1x3", "hidden1/bn1.num_batches_tracked k1 t2 1x1",
            "output/fc2.weight k0 t1 3x3", "output/fc2.bias k0 t1 1x3",
        }));

        // Record sizes by hand: 2+7 block, 2+len name, 1+1 kind/dtype, 8 shape, data.
        long expected = new[] { (10, 60), (8, 12), (10, 12), (8, 12), (16, 12), (15, 12), (23, 8) }.Sum(r => 9 + 2 + r.Item1 + 10 + r.Item2)
            + new[] { (10, 36), (8, 12) }.Sum(r => 8 + 2 + r.Item1 + 10 + r.Item2);
        Assert.That(payload, Is.EqualTo(expected));
    }

    [Test]
    public void RoundTrip_MlpWithBatchNorm_RestoresParametersAndBuffersBitExact()
    {
        Network source = BuildMlp(seed: 1);
        Scramble(source, 11);
        byte[] bytes = WeightsFile.ToBytes(source);
        Network target = BuildMlp(seed: 2);

        ModelLoadReport report = ModelLoader.Apply(WeightsFile.Read(bytes, "m.bin"), target, []);

        Assert.That(Bits(target), Is.EqualTo(Bits(source)));
        Assert.That(FirstBatchNorm(target).NumBatchesTracked, Is.EqualTo(FirstBatchNorm(source).NumBatchesTracked).And.GreaterThan(1L << 40));
        Assert.That(report.Blocks, Is.EqualTo(new[] { "hidden1", "hidden2", "output" }));
        Assert.That(report.Tensors, Is.EqualTo(2 * 7 + 2));
        Assert.That(WeightsFile.ToBytes(target), Is.EqualTo(bytes), "writing the loaded network gives the same bytes");
    }

    [Test]
    public void RoundTrip_SmallCnn_RestoresEveryTensorBitExact()
    {
        Network source = BuildCnn(seed: 3);
        Scramble(source, 12);
        Network target = BuildCnn(seed: 4);

        ModelLoader.Apply(WeightsFile.Read(WeightsFile.ToBytes(source), "cnn.bin"), target, []);

        Assert.That(Bits(target), Is.EqualTo(Bits(source)));
        Assert.That(Bits(target).Select(b => b.Name).Take(4), Is.EqualTo(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias" }));
    }

    [Test]
    public void Read_FormatV1_LoadsItsParameters()
    {
        Network source = BuildMlp(seed: 1, batchNorm: false);
        Scramble(source, 13);
        byte[] v1 = V1Bytes(source);
        Network target = BuildMlp(seed: 2, batchNorm: false);

        ModelFile file = WeightsFile.Read(v1, "old.bin");
        ModelLoadReport report = ModelLoader.Apply(file, target, []);

        Assert.That(file.Version, Is.EqualTo(1));
        Assert.That(file.Tensors.All(t => t.Block is null && t.Kind == TensorKind.Parameter));
        Assert.That(Bits(target), Is.EqualTo(Bits(source)));
        Assert.That(report.Version, Is.EqualTo(1));
    }

    [Test]
    public void Read_FormatV1IntoABatchNormNetwork_SaysV1HasNoStatistics()
    {
        Network source = BuildMlp(seed: 1);
        Network target = BuildMlp(seed: 2);

        var ex = Assert.Throws<DfaInputException>(() => ModelLoader.Apply(WeightsFile.Read(V1Bytes(source), "old.bin"), target, []));

        Assert.That(ex!.Message, Is.EqualTo("old.bin: block 'hidden1' has no tensor 'bn1.running_mean' (1×8 float32) (format v1 holds parameters only, no BatchNorm statistics)"));
    }

    /// <summary>Every single-byte corruption of a file is detected: flipping the lowest or the highest bit of any byte.</summary>
    [Test]
    public void Read_AnyCorruptedByte_IsDetected([Values(0x01, 0x80)] int flip)
    {
        Network source = BuildMlp(seed: 1, hidden: "[3]");
        byte[] bytes = WeightsFile.ToBytes(source);
        int checksummed = 0;
        for (int i = 0; i < bytes.Length; i++)
        {
            byte[] corrupt = (byte[])bytes.Clone();
            corrupt[i] ^= (byte)flip;
            var ex = Assert.Throws<DfaInputException>(() => WeightsFile.Read(corrupt, "w.bin"), $"byte {i}");
            Assert.That(ex!.Message, Does.StartWith("w.bin: "));
            if (i >= 20)
            {
                Assert.That(ex.Message, Does.Contain("checksum mismatch"), $"byte {i}");
                checksummed++;
            }
        }

        Assert.That(checksummed, Is.EqualTo(bytes.Length - 20));
    }

    [TestCase(new byte[] { 0x50, 0x4B, 3, 4, 0, 0, 0, 0 }, "w.bin: not a Dfa weights file (it does not start with \"DFAW\")")]
    [TestCase(new byte[0], "w.bin: not a Dfa weights file (it does not start with \"DFAW\")")]
    [TestCase(new byte[] { 0x44, 0x46, 0x41, 0x57, 3, 0, 0, 0 }, "w.bin: weights format version 3; this build reads versions 1 and 2")]
    [TestCase(new byte[] { 0x44, 0x46, 0x41, 0x57, 2, 0 }, "w.bin: truncated weights file (6 bytes, no format version)")]
    public void Read_NotAWeightsFile_NamesTheProblem(byte[] bytes, string message)
    {
        var ex = Assert.Throws<DfaInputException>(() => WeightsFile.Read(bytes, "w.bin"));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Read_TruncatedAnywhere_SaysTruncated()
    {
        byte[] bytes = WeightsFile.ToBytes(BuildMlp(seed: 1, hidden: "[3]"));
        for (int length = 8; length < bytes.Length; length++)
        {
            var ex = Assert.Throws<DfaInputException>(() => WeightsFile.Read(bytes[..length], "w.bin"), $"length {length}");
            Assert.That(ex!.Message, Does.StartWith("w.bin: truncated weights file"), $"length {length}");
        }

        var extra = Assert.Throws<DfaInputException>(() => WeightsFile.Read([.. bytes, 0], "w.bin"));
        Assert.That(extra!.Message, Does.StartWith("w.bin: 1 unexpected bytes after the checksum"));
    }

    /// <summary>Declared sizes far beyond the file fail before anything of that size is allocated.</summary>
    [Test]
    public void Read_HostileDeclaredSizes_FailWithoutAllocating()
    {
        // v2: a payload length of 2^62 and a tensor count of int.MaxValue.
        byte[] v2 = new byte[24];
        "DFAW"u8.CopyTo(v2);
        BinaryPrimitives.WriteInt32LittleEndian(v2.AsSpan(4), 2);
        BinaryPrimitives.WriteInt32LittleEndian(v2.AsSpan(8), int.MaxValue);
        BinaryPrimitives.WriteInt64LittleEndian(v2.AsSpan(12), 1L << 62);
        Assert.That(Assert.Throws<DfaInputException>(() => WeightsFile.Read(v2, "h.bin"))!.Message, Does.StartWith("h.bin: truncated"));

        // v2 with a valid checksum over a count beyond the limit.
        BinaryPrimitives.WriteInt64LittleEndian(v2.AsSpan(12), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(v2.AsSpan(20), Crc32C.Compute(v2.AsSpan(0, 20)));
        Assert.That(Assert.Throws<DfaInputException>(() => WeightsFile.Read(v2, "h.bin"))!.Message, Does.Contain("2147483647 tensors (at most 65536)"));

        // v1: one parameter claiming int.MaxValue × int.MaxValue, then int.MaxValue × 2 (fits an int64, not the file).
        foreach ((int rows, int cols, string expected) in new[] { (int.MaxValue, int.MaxValue, "more than 2147483647 elements"), (1 << 20, 2, "needs 8388608 bytes, 0 remain") })
        {
            using var stream = new MemoryStream();
            using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                w.Write("DFAW"u8);
                w.Write(1);
                w.Write(1);
                w.Write(1);
                w.Write((byte)'w');
                w.Write(rows);
                w.Write(cols);
            }

            Assert.That(Assert.Throws<DfaInputException>(() => WeightsFile.Read(stream.ToArray(), "h.bin"))!.Message, Does.Contain(expected));
        }
    }

    /// <summary>Random bytes after a valid v1 or v2 prefix only ever give an input error (no other exception, no hang).</summary>
    [Test]
    public void Read_RandomGarbage_OnlyEverGivesInputErrors()
    {
        var rng = new Rng(77);
        byte[] valid = WeightsFile.ToBytes(BuildMlp(seed: 1, hidden: "[3]"));
        for (int trial = 0; trial < 2000; trial++)
        {
            int length = (int)(rng.NextUInt64() % 200);
            byte[] bytes = new byte[length + 8];
            "DFAW"u8.CopyTo(bytes);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), trial % 2 == 0 ? 1 : 2);
            for (int i = 8; i < bytes.Length; i++)
            {
                bytes[i] = rng.NextUInt64() % 4 == 0 ? (byte)rng.NextUInt64() : valid[Math.Min(i, valid.Length - 1)];
            }

            if (trial % 2 == 1 && bytes.Length >= 24)
            {
                // Re-seal so the checksum passes and the record parser sees the garbage.
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), bytes.Length - 24);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
            }

            try
            {
                WeightsFile.Read(bytes, "g.bin");
            }
            catch (DfaInputException)
            {
            }
        }
    }

    /// <summary>The documented extension path: a record of a later kind (optimizer state) is kept by the reader and skipped by model loading.</summary>
    [Test]
    public void Read_RecordOfAnUnknownKind_IsSkippedByModelLoading()
    {
        Network source = BuildMlp(seed: 1, hidden: "[3]");
        Scramble(source, 14);
        byte[] v2 = WeightsFile.ToBytes(source);
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(v2.AsSpan(0, v2.Length - 4));
            w.Write((ushort)6);
            w.Write("output"u8);
            w.Write((ushort)17);
            w.Write("fc2.weight/adam.m"u8);
            w.Write((byte)2);
            w.Write((byte)1);
            w.Write(3);
            w.Write(3);
            for (int i = 0; i < 9; i++)
            {
                w.Write(1e6f);
            }
        }

        byte[] bytes = stream.ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)) + 1);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(12), bytes.Length - 20);
        bytes = [.. bytes, 0, 0, 0, 0];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), Crc32C.Compute(bytes.AsSpan(0, bytes.Length - 4)));
        Network target = BuildMlp(seed: 2, hidden: "[3]");

        ModelFile file = WeightsFile.Read(bytes, "ckpt.bin");
        ModelLoader.Apply(file, target, []);

        Assert.That(file.Tensors[^1].Kind, Is.EqualTo((TensorKind)2));
        Assert.That(Bits(target), Is.EqualTo(Bits(source)));
    }

    [Test]
    public void ReadFile_MissingFile_NamesIt()
    {
        string path = Path.Combine(Path.GetTempPath(), "dfa-tests", Guid.NewGuid().ToString("N"), "weights.bin");
        var ex = Assert.Throws<DfaInputException>(() => WeightsFile.ReadFile(path));
        Assert.That(ex!.Message, Is.EqualTo($"{path}: no such weights file"));
    }

    /// <summary>Format v1 as the previous writer produced it, written here by hand from the documented layout.</summary>
    internal static byte[] V1Bytes(Network network)
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("DFAW"u8);
            w.Write(1);
            w.Write(network.Parameters.Count);
            foreach (Dfa.Core.Layers.Parameter p in network.Parameters)
            {
                byte[] name = Encoding.UTF8.GetBytes(p.Name);
                w.Write(name.Length);
                w.Write(name);
                w.Write(p.Value.Rows);
                w.Write(p.Value.Cols);
                foreach (float v in p.Value.Data)
                {
                    w.Write(v);
                }
            }
        }

        return stream.ToArray();
    }
}
