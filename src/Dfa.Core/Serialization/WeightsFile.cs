using System.Buffers.Binary;
using System.Text;
using Dfa.Core.State;
using Dfa.Core.Training;

namespace Dfa.Core.Serialization;

/// <summary>
/// The <c>weights.bin</c> model format: every parameter and every layer buffer of a network, each with its block, so a
/// model can be restored whole or block by block. All integers are little-endian. Version 2 (written):
/// <code>
/// offset  size  field
/// 0       4     magic "DFAW" (44 46 41 57)
/// 4       4     int32 version = 2
/// 8       4     int32 tensor count N (0 ≤ N ≤ 65,536)
/// 12      8     int64 payload length P: the bytes of the N records
/// 20      P     N records, each:
///                 uint16 block name length (1..255), block name (UTF-8)
///                 uint16 tensor name length (1..255), tensor name (UTF-8), unique in the file
///                 uint8  kind: 0 parameter, 1 buffer, 2 optimizer state, 3 training state, 4 training text (2–4: checkpoints; model loaders skip them)
///                 uint8  dtype: 1 float32, 2 int64
///                 int32  rows ≥ 1, int32 cols ≥ 1
///                 rows·cols elements, row-major
/// 20+P    4     uint32 CRC-32C (Castagnoli, reflected, init and final XOR 0xFFFFFFFF) of bytes 0 .. 20+P−1
/// </code>
/// The file is exactly <c>24 + P</c> bytes and at most <see cref="MaxFileBytes"/>. Version 1 (read only) is the
/// parameters-only format: magic, int32 version = 1, int32 count, then per parameter int32 name length (1..1024),
/// name, int32 rows, int32 cols, float32 values; no blocks and no checksum. Readers parse from a byte array whose
/// size is the file's, checking every length against the bytes that remain, so a hostile file cannot make them
/// allocate more than its own size or loop longer than its length. Tensors are written in the network's order
/// (<see cref="NetworkTensor.Of"/>), so equal networks give equal bytes. Byte by byte: <c>docs/model-format.md</c>.
/// </summary>
public static class WeightsFile
{
    public const int CurrentVersion = 2;

    /// <summary>Most tensors a file may declare (VGG-16 has 32 parameters; a BN network three buffers per BN layer).</summary>
    public const int MaxTensors = 65_536;

    /// <summary>Longest block or tensor name in bytes (v2).</summary>
    public const int MaxNameBytes = 255;

    /// <summary>Longest parameter name in bytes in format v1 (the limit its writer's reader enforced).</summary>
    public const int MaxV1NameBytes = 1024;

    /// <summary>Largest file read (2·10⁹ bytes: below .NET's array limit; VGG-16's float32 weights are 0.55 GB).</summary>
    public const long MaxFileBytes = 2_000_000_000;

    private const int HeaderBytes = 20;
    private const int ChecksumBytes = 4;
    private static ReadOnlySpan<byte> Magic => "DFAW"u8;

    /// <summary>Writes every tensor of <paramref name="network"/> in format v2.</summary>
    public static void Write(Stream stream, Network network)
    {
        ArgumentNullException.ThrowIfNull(stream);
        stream.Write(ToBytes(network));
    }

    /// <summary>The v2 bytes of every tensor of <paramref name="network"/>.</summary>
    public static byte[] ToBytes(Network network) => ToBytes(network, null);

    /// <summary>
    /// The v2 bytes of every tensor of <paramref name="network"/>, then (a checkpoint) every record of
    /// <paramref name="state"/> in ordinal name order, in block <c>state</c>: float32 arrays as 1 × n records of kind 2
    /// (names under <c>optimizer/</c>) or 3, int64 words as 1 × n int64 records of kind 3, texts as int64 records of kind 4 (<see cref="TensorKind.TrainingText"/>).
    /// </summary>
    public static byte[] ToBytes(Network network, ResumeState? state)
    {
        ArgumentNullException.ThrowIfNull(network);
        IReadOnlyList<NetworkTensor> tensors = NetworkTensor.Of(network);
        var extra = new List<(string Name, TensorKind Kind, TensorDType DType, int Count, object Values)>();
        if (state is not null)
        {
            foreach ((string name, float[] values) in state.AllFloats.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                extra.Add((name, name.StartsWith("optimizer/", StringComparison.Ordinal) ? TensorKind.OptimizerState : TensorKind.TrainingState, TensorDType.Float32, values.Length, values));
            }

            foreach ((string name, long[] words) in state.AllWords.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                extra.Add((name, TensorKind.TrainingState, TensorDType.Int64, words.Length, words));
            }

            foreach ((string name, string text) in state.AllTexts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(text);
                long[] packed = new long[1 + ((utf8.Length + 7) / 8)];
                packed[0] = utf8.Length;
                utf8.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(packed.AsSpan(1)));
                if (!BitConverter.IsLittleEndian)
                {
                    throw new PlatformNotSupportedException("Checkpoint text packing assumes a little-endian machine.");
                }

                extra.Add((name, TensorKind.TrainingText, TensorDType.Int64, packed.Length, packed));
            }
        }

        if (tensors.Count + extra.Count > MaxTensors)
        {
            throw new ArgumentException($"The network has {tensors.Count + extra.Count} tensors and records; the format holds at most {MaxTensors}.", nameof(network));
        }

        long payload = 0;
        foreach (NetworkTensor t in tensors)
        {
            payload += 2 + NameBytes(t.Block) + 2 + NameBytes(t.Name) + 1 + 1 + 4 + 4 + ((long)t.Rows * t.Cols * ElementSize(t.DType));
        }

        foreach (var r in extra)
        {
            payload += 2 + NameBytes(StateBlock) + 2 + NameBytes(r.Name) + 1 + 1 + 4 + 4 + ((long)r.Count * ElementSize(r.DType));
        }

        long total = HeaderBytes + payload + ChecksumBytes;
        if (total > MaxFileBytes)
        {
            throw new ArgumentException($"The network needs a {total}-byte model file; the format holds at most {MaxFileBytes}.", nameof(network));
        }

        byte[] bytes = new byte[total];
        Span<byte> s = bytes;
        Magic.CopyTo(s);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], CurrentVersion);
        BinaryPrimitives.WriteInt32LittleEndian(s[8..], tensors.Count + extra.Count);
        BinaryPrimitives.WriteInt64LittleEndian(s[12..], payload);
        int at = HeaderBytes;
        foreach (NetworkTensor t in tensors)
        {
            at = WriteName(s, at, t.Block);
            at = WriteName(s, at, t.Name);
            s[at++] = (byte)t.Kind;
            s[at++] = (byte)t.DType;
            BinaryPrimitives.WriteInt32LittleEndian(s[at..], t.Rows);
            BinaryPrimitives.WriteInt32LittleEndian(s[(at + 4)..], t.Cols);
            at += 8;
            if (t.Floats is { } floats)
            {
                foreach (float v in floats.Data)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(s[at..], v);
                    at += 4;
                }
            }
            else
            {
                BinaryPrimitives.WriteInt64LittleEndian(s[at..], t.Int64Value);
                at += 8;
            }
        }

        foreach (var r in extra)
        {
            at = WriteName(s, at, StateBlock);
            at = WriteName(s, at, r.Name);
            s[at++] = (byte)r.Kind;
            s[at++] = (byte)r.DType;
            BinaryPrimitives.WriteInt32LittleEndian(s[at..], 1);
            BinaryPrimitives.WriteInt32LittleEndian(s[(at + 4)..], r.Count);
            at += 8;
            switch (r.Values)
            {
                case float[] floats:
                    foreach (float v in floats)
                    {
                        BinaryPrimitives.WriteSingleLittleEndian(s[at..], v);
                        at += 4;
                    }

                    break;
                default:
                    foreach (long w in (long[])r.Values)
                    {
                        BinaryPrimitives.WriteInt64LittleEndian(s[at..], w);
                        at += 8;
                    }

                    break;
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(s[at..], Crc32C.Compute(s[..at]));
        return bytes;
    }

    /// <summary>The block name of a checkpoint's non-network records.</summary>
    public const string StateBlock = "state";

    /// <summary>Reads and verifies the model file at <paramref name="path"/> (named as given in errors).</summary>
    /// <exception cref="DfaInputException">The file is missing, unreadable, too large, or not a valid model file.</exception>
    public static ModelFile ReadFile(string path) => Read(ReadBytes(path), path);

    /// <summary>The bytes of the file at <paramref name="path"/>, after checking it is no larger than <see cref="MaxFileBytes"/>.</summary>
    /// <exception cref="DfaInputException">The file is missing, unreadable or too large.</exception>
    public static byte[] ReadBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            long length = stream.Length;
            if (length > MaxFileBytes)
            {
                throw new DfaInputException($"{path}: {length} bytes, more than a weights file may hold ({MaxFileBytes})");
            }

            byte[] bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (FileNotFoundException)
        {
            throw new DfaInputException($"{path}: no such weights file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new DfaInputException($"{path}: no such weights file");
        }
        catch (EndOfStreamException)
        {
            throw new DfaInputException($"{path}: the weights file shrank while it was read");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DfaInputException($"{path}: cannot read the weights file ({ex.Message})");
        }
    }

    /// <summary>Parses and verifies a whole model file held in <paramref name="bytes"/> (not copied: tensors are slices of it).</summary>
    /// <exception cref="DfaInputException">Not a model file, an unknown version, truncated, a checksum mismatch, or a malformed record; the message names <paramref name="displayName"/>.</exception>
    public static ModelFile Read(byte[] bytes, string displayName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(displayName);
        if (bytes.Length < 4 || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw new DfaInputException($"{displayName}: not a Dfa weights file (it does not start with \"DFAW\")");
        }

        if (bytes.Length < 8)
        {
            throw new DfaInputException($"{displayName}: truncated weights file ({bytes.Length} bytes, no format version)");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(4));
        return version switch
        {
            1 => ReadV1(bytes, displayName),
            2 => ReadV2(bytes, displayName),
            _ => throw new DfaInputException($"{displayName}: weights format version {version}; this build reads versions 1 and 2"),
        };
    }

    private static ModelFile ReadV2(byte[] bytes, string displayName)
    {
        if (bytes.Length < HeaderBytes + ChecksumBytes)
        {
            throw new DfaInputException($"{displayName}: truncated weights file ({bytes.Length} bytes, shorter than the {HeaderBytes + ChecksumBytes}-byte header and checksum)");
        }

        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
        long payload = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(12));
        long expected = payload is >= 0 and <= MaxFileBytes ? HeaderBytes + payload + ChecksumBytes : -1;
        if (expected < 0 || bytes.Length < expected)
        {
            throw new DfaInputException(
                $"{displayName}: truncated weights file (the header declares {payload} bytes of tensors, {Math.Max(0, bytes.Length - HeaderBytes - ChecksumBytes)} are present)");
        }

        if (bytes.Length > expected)
        {
            throw new DfaInputException($"{displayName}: {bytes.Length - expected} unexpected bytes after the checksum (the header declares {payload} bytes of tensors)");
        }

        int end = (int)(HeaderBytes + payload);
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(end));
        uint actual = Crc32C.Compute(bytes.AsSpan(0, end));
        if (stored != actual)
        {
            throw new DfaInputException($"{displayName}: checksum mismatch (CRC-32C stored {stored:X8}, computed {actual:X8}); the file is corrupt");
        }

        if (count is < 0 or > MaxTensors)
        {
            throw new DfaInputException($"{displayName}: malformed weights file: {count} tensors (at most {MaxTensors})");
        }

        var reader = new Reader(bytes, HeaderBytes, end, displayName);
        var tensors = new List<ModelTensor>(Math.Min(count, 1024));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string block = reader.Name16(MaxNameBytes, $"tensor {i}'s block name");
            string name = reader.Name16(MaxNameBytes, $"tensor {i}'s name");
            var kind = (TensorKind)reader.Byte($"tensor '{name}'");
            byte dtypeCode = reader.Byte($"tensor '{name}'");
            if (dtypeCode is not ((byte)TensorDType.Float32 or (byte)TensorDType.Int64))
            {
                throw reader.Malformed($"tensor '{name}' has element type {dtypeCode} (1 float32, 2 int64)");
            }

            var dtype = (TensorDType)dtypeCode;
            (int rows, int cols, ReadOnlyMemory<byte> data) = reader.Values(name, ElementSize(dtype));
            if (!names.Add(name))
            {
                throw reader.Malformed($"tensor '{name}' appears twice");
            }

            tensors.Add(new ModelTensor(block, name, kind, dtype, rows, cols, data));
        }

        reader.ExpectEnd($"{count} tensors");
        return new ModelFile(displayName, 2, tensors);
    }

    private static ModelFile ReadV1(byte[] bytes, string displayName)
    {
        var reader = new Reader(bytes, 8, bytes.Length, displayName);
        int count = reader.Int32("the parameter count");
        if (count is < 0 or > MaxTensors)
        {
            throw reader.Malformed($"{count} parameters (at most {MaxTensors})");
        }

        var tensors = new List<ModelTensor>(Math.Min(count, 1024));
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            int length = reader.Int32($"parameter {i}'s name length");
            if (length is < 1 or > MaxV1NameBytes)
            {
                throw reader.Malformed($"parameter {i}'s name length is {length} (1..{MaxV1NameBytes})");
            }

            string name = reader.Utf8(length, $"parameter {i}'s name");
            (int rows, int cols, ReadOnlyMemory<byte> data) = reader.Values(name, 4);
            if (!names.Add(name))
            {
                throw reader.Malformed($"parameter '{name}' appears twice");
            }

            tensors.Add(new ModelTensor(null, name, TensorKind.Parameter, TensorDType.Float32, rows, cols, data));
        }

        reader.ExpectEnd($"{count} parameters");
        return new ModelFile(displayName, 1, tensors);
    }

    private static int ElementSize(TensorDType dtype) => dtype == TensorDType.Float32 ? 4 : 8;

    private static int NameBytes(string name)
    {
        int n = Encoding.UTF8.GetByteCount(name);
        if (n > MaxNameBytes)
        {
            throw new ArgumentException($"'{name}' is {n} bytes in UTF-8; model file names hold at most {MaxNameBytes}.", nameof(name));
        }

        return n;
    }

    private static int WriteName(Span<byte> s, int at, string name)
    {
        int n = Encoding.UTF8.GetBytes(name, s[(at + 2)..]);
        BinaryPrimitives.WriteUInt16LittleEndian(s[at..], (ushort)n);
        return at + 2 + n;
    }

    /// <summary>A bounds-checked cursor over <c>[position, end)</c> of a file's bytes; every shortfall is a "truncated" input error.</summary>
    private sealed class Reader(byte[] bytes, int position, int end, string displayName)
    {
        private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        private int _position = position;

        public DfaInputException Malformed(string what) =>
            new($"{displayName}: malformed weights file at byte {_position}: {what}");

        public byte Byte(string what) => Take(1, what)[0];

        public int Int32(string what) => BinaryPrimitives.ReadInt32LittleEndian(Take(4, what));

        public string Name16(int maxBytes, string what)
        {
            int length = BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
            if (length < 1 || length > maxBytes)
            {
                throw Malformed($"{what} is {length} bytes (1..{maxBytes})");
            }

            return Utf8(length, what);
        }

        public string Utf8(int length, string what)
        {
            ReadOnlySpan<byte> raw = Take(length, what);
            try
            {
                return StrictUtf8.GetString(raw);
            }
            catch (DecoderFallbackException)
            {
                throw Malformed($"{what} is not valid UTF-8");
            }
        }

        /// <summary>Rows, cols and the row-major element bytes of tensor <paramref name="name"/>; shape checked against the bytes left before anything is sliced.</summary>
        public (int Rows, int Cols, ReadOnlyMemory<byte> Data) Values(string name, int elementSize)
        {
            int rows = Int32($"the rows of '{name}'");
            int cols = Int32($"the cols of '{name}'");
            if (rows < 1 || cols < 1)
            {
                throw Malformed($"tensor '{name}' is {rows}×{cols} (both must be at least 1)");
            }

            long elements = (long)rows * cols;
            if (elements > int.MaxValue)
            {
                throw Malformed($"tensor '{name}' is {rows}×{cols}, more than {int.MaxValue} elements");
            }

            long byteCount = elements * elementSize;
            if (byteCount > end - _position)
            {
                throw Truncated($"tensor '{name}' ({rows}×{cols}) needs {byteCount} bytes, {end - _position} remain");
            }

            var data = new ReadOnlyMemory<byte>(bytes, _position, (int)byteCount);
            _position += (int)byteCount;
            return (rows, cols, data);
        }

        public void ExpectEnd(string what)
        {
            if (_position != end)
            {
                throw Malformed($"{end - _position} bytes left after the {what} the header declares");
            }
        }

        private ReadOnlySpan<byte> Take(int count, string what)
        {
            if (count > end - _position)
            {
                throw Truncated($"{what} needs {count} bytes, {end - _position} remain");
            }

            var span = new ReadOnlySpan<byte>(bytes, _position, count);
            _position += count;
            return span;
        }

        private DfaInputException Truncated(string what) =>
            new($"{displayName}: truncated weights file at byte {_position}: {what}");
    }
}
