using System.Buffers.Binary;

namespace Dfa.Testing;

/// <summary>A test-side TFRecord reader (TensorBoard event files), independent of the writer: its own bitwise CRC-32C.</summary>
public static class TfRecords
{
    /// <summary>
    /// Splits a TFRecord stream, checking each length CRC and data CRC on its own. A record cut short at the end
    /// stops the read (as in TensorBoard) and is reported; a CRC mismatch throws.
    /// </summary>
    public static (List<byte[]> Records, bool Truncated) Read(byte[] file)
    {
        var records = new List<byte[]>();
        ReadOnlySpan<byte> rest = file;
        while (!rest.IsEmpty)
        {
            if (rest.Length < 12)
            {
                return (records, true);
            }

            ReadOnlySpan<byte> lengthBytes = rest[..8];
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest[8..]) != Unmasked(lengthBytes))
            {
                throw new InvalidDataException($"record {records.Count}: length CRC mismatch");
            }

            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if ((ulong)rest.Length < 12 + length + 4)
            {
                return (records, true);
            }

            ReadOnlySpan<byte> payload = rest.Slice(12, (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(rest[(12 + (int)length)..]) != Unmasked(payload))
            {
                throw new InvalidDataException($"record {records.Count}: data CRC mismatch");
            }

            records.Add(payload.ToArray());
            rest = rest[(12 + (int)length + 4)..];
        }

        return (records, false);

        static uint Unmasked(ReadOnlySpan<byte> data)
        {
            uint crc = Crc32CReference.Bitwise(data);
            return ((crc >> 15) | (crc << 17)) + 0xA282EAD8u;
        }
    }
}
