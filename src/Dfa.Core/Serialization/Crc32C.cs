using System.Buffers.Binary;
using System.Numerics;

namespace Dfa.Core.Serialization;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial <c>0x82F63B78</c>, initial value and final XOR <c>0xFFFFFFFF</c>), the
/// checksum of weights and checkpoint files and of TFRecord (TensorBoard) records. Computed by
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>, which uses the SSE4.2 or ARMv8 instruction where there is one and a
/// software table elsewhere, eight bytes at a time. Check value: <c>Compute("123456789"u8) == 0xE3069283</c>.
/// </summary>
public static class Crc32C
{
    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return ~crc;
    }
}
