using System.Buffers.Binary;

namespace Dfa.Core.Data;

/// <summary>
/// Reads the IDX files MNIST ships in (LeCun's format): a 4-byte magic <c>00 00 tt dd</c> (type code <c>tt</c>,
/// dimension count <c>dd</c>), then <c>dd</c> big-endian int32 dimensions, then the payload. Only unsigned-byte
/// payloads (<c>tt = 0x08</c>) are accepted: magic <c>0x00000803</c> for images, <c>0x00000801</c> for labels.
/// </summary>
/// <remarks>
/// Everything is checked before a byte of payload is trusted: the magic, every dimension positive and within
/// <see cref="MaxItems"/> / <see cref="MaxImageDimension"/>, and the file length equal to header plus the product of
/// the dimensions exactly (a truncated download and trailing garbage are both errors). Every failure is a
/// <see cref="DfaInputException"/> whose one-line message starts with the file's path.
/// </remarks>
public static class IdxReader
{
    /// <summary>Upper bound on the first dimension (images or labels per file): 10 M, ~150× MNIST's training set.</summary>
    public const int MaxItems = 10_000_000;

    /// <summary>Upper bound on an image's rows and columns: 4096 (MNIST's are 28).</summary>
    public const int MaxImageDimension = 4096;

    /// <summary>The IDX type code of unsigned bytes, the only payload type MNIST uses.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>Reads and validates an image file (magic <c>0x00000803</c>: count × rows × cols unsigned bytes).</summary>
    /// <exception cref="DfaInputException">The file is missing, unreadable or malformed.</exception>
    public static IdxImages ReadImages(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        int[] dims = Read(path, 3, out byte[] payload);
        return new IdxImages(dims[0], dims[1], dims[2], payload);
    }

    /// <summary>
    /// Reads and validates a label file (magic <c>0x00000801</c>: count unsigned bytes) whose labels must all lie in
    /// <c>0..classes−1</c> (10 for MNIST).
    /// </summary>
    /// <exception cref="DfaInputException">The file is missing, unreadable, malformed, or holds a label out of range.</exception>
    public static byte[] ReadLabels(string path, int classes = 10)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, 256);
        _ = Read(path, 1, out byte[] labels);
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classes)
            {
                throw new DfaInputException(
                    $"{path}: label {labels[i]} at index {i} is outside 0..{classes - 1}.");
            }
        }

        return labels;
    }

    private static int[] Read(string path, int expectedRank, out byte[] payload)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
            int[] dims = ReadHeader(stream, path, expectedRank);
            long payloadBytes = 1;
            foreach (int d in dims)
            {
                payloadBytes *= d;
            }

            long headerBytes = 4 + (4L * expectedRank);
            long actual = stream.Length - headerBytes;
            if (actual != payloadBytes)
            {
                string shape = string.Join('×', dims);
                string what = expectedRank == 1 ? "labels" : "pixels";
                string problem = actual < payloadBytes ? "truncated" : "trailing bytes";
                throw new DfaInputException(
                    $"{path}: {problem}: header says {shape} = {payloadBytes} bytes of {what}, file has {actual} after the header.");
            }

            // Bounded by MaxItems·MaxImageDimension² only in theory; reject what a single array cannot hold.
            if (payloadBytes > Array.MaxLength)
            {
                throw new DfaInputException(
                    $"{path}: payload of {payloadBytes} bytes exceeds the {Array.MaxLength}-byte limit of one array.");
            }

            payload = new byte[payloadBytes];
            stream.ReadExactly(payload);
            return dims;
        }
        catch (FileNotFoundException ex)
        {
            throw new DfaInputException($"{path}: file not found.", ex);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new DfaInputException($"{path}: file not found (its folder does not exist).", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new DfaInputException($"{path}: cannot read: {ex.Message}", ex);
        }
        catch (EndOfStreamException ex)
        {
            throw new DfaInputException($"{path}: file ended while reading (changed while being read?).", ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new DfaInputException($"{path}: cannot read: {ex.Message}", ex);
        }
    }

    private static int[] ReadHeader(Stream stream, string path, int expectedRank)
    {
        uint expectedMagic = ((uint)UnsignedByteType << 8) | (uint)expectedRank;
        string kind = expectedRank == 1 ? "labels" : "images";
        Span<byte> magic = stackalloc byte[4];
        if (stream.ReadAtLeast(magic, 4, throwOnEndOfStream: false) < 4)
        {
            throw new DfaInputException(
                $"{path}: file has {stream.Length} bytes, too short for an IDX header (expected magic 0x{expectedMagic:X8} for {kind}).");
        }

        uint actualMagic = BinaryPrimitives.ReadUInt32BigEndian(magic);
        if (actualMagic != expectedMagic)
        {
            string hint = magic[0] == 0x1F && magic[1] == 0x8B ? " (file is gzip-compressed: decompress it first)"
                : magic[0] != 0 || magic[1] != 0 ? " (not an IDX file: first two bytes must be zero)"
                : magic[2] != UnsignedByteType ? $" (type code 0x{magic[2]:X2}, only 0x08 = unsigned byte is supported)"
                : $" ({magic[3]} dimensions, {kind} have {expectedRank})";
            throw new DfaInputException(
                $"{path}: bad magic 0x{actualMagic:X8}, expected 0x{expectedMagic:X8} for {kind}{hint}.");
        }

        Span<byte> raw = stackalloc byte[4 * expectedRank];
        if (stream.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) < raw.Length)
        {
            throw new DfaInputException(
                $"{path}: truncated header: {expectedRank} dimensions need {4 + raw.Length} header bytes, file has {stream.Length}.");
        }

        var dims = new int[expectedRank];
        for (int i = 0; i < expectedRank; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(raw[(4 * i)..]);
            int limit = i == 0 ? MaxItems : MaxImageDimension;
            string name = i == 0 ? (expectedRank == 1 ? "label count" : "image count") : i == 1 ? "rows" : "cols";
            if (d <= 0)
            {
                throw new DfaInputException($"{path}: {name} (dimension {i}) is {d}; it must be positive.");
            }

            if (d > limit)
            {
                throw new DfaInputException($"{path}: {name} (dimension {i}) is {d}, above the limit of {limit}.");
            }

            dims[i] = d;
        }

        return dims;
    }
}
