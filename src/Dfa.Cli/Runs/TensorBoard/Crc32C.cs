using System.Buffers.Binary;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Dfa.Cli.Runs.TensorBoard;

/// <summary>
/// CRC-32C (Castagnoli: reflected polynomial <c>0x82F63B78</c>, initial value and final XOR <c>0xFFFFFFFF</c>), the
/// checksum TFRecord files (and so TensorBoard event files) put after each length and each payload.
/// </summary>
/// <remarks>
/// The SSE4.2 and ARMv8 CRC32C instructions compute exactly this polynomial, so where one is available it is used;
/// elsewhere a slicing-by-8 table gives the same result (<see cref="ComputeTable"/>, tested against both the
/// hardware path and a bitwise loop). Check value: <c>Compute("123456789"u8) == 0xE3069283</c>.
/// </remarks>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;

    /// <summary>Eight 256-entry tables: <c>Table[k][b]</c> is the CRC of byte <c>b</c> followed by <c>k</c> zero bytes.</summary>
    private static readonly uint[][] Table = BuildTables();

    /// <summary>Whether <see cref="Compute"/> uses a CRC32C instruction (SSE4.2 or ARMv8) instead of the tables.</summary>
    public static bool IsHardwareAccelerated => Sse42.X64.IsSupported || Sse42.IsSupported || Crc32.Arm64.IsSupported || Crc32.IsSupported;

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) =>
        IsHardwareAccelerated ? ComputeHardware(data) : ComputeTable(data);

    /// <summary>
    /// TFRecord's masked CRC, <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c>: the rotation and offset keep the
    /// CRC of data that itself contains CRCs from being trivially related to it.
    /// </summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + 0xa282ead8u;

    /// <summary>The CRC-32C of <paramref name="data"/> by slicing-by-8 tables (the portable path).</summary>
    public static uint ComputeTable(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        uint[] t0 = Table[0], t1 = Table[1], t2 = Table[2], t3 = Table[3];
        uint[] t4 = Table[4], t5 = Table[5], t6 = Table[6], t7 = Table[7];
        while (data.Length >= 8)
        {
            uint low = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            uint high = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t7[low & 0xFF] ^ t6[(low >> 8) & 0xFF] ^ t5[(low >> 16) & 0xFF] ^ t4[low >> 24]
                ^ t3[high & 0xFF] ^ t2[(high >> 8) & 0xFF] ^ t1[(high >> 16) & 0xFF] ^ t0[high >> 24];
            data = data[8..];
        }

        foreach (byte b in data)
        {
            crc = t0[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    /// <summary>
    /// The CRC-32C of <paramref name="data"/> with the CPU's CRC32C instruction, eight bytes at a time where the
    /// 64-bit form exists. Falls back to <see cref="ComputeTable"/> when no such instruction is available.
    /// </summary>
    public static uint ComputeHardware(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = crc;
            for (; data.Length >= 8; data = data[8..])
            {
                wide = Sse42.X64.Crc32(wide, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }

            crc = (uint)wide;
        }
        else if (Crc32.Arm64.IsSupported)
        {
            for (; data.Length >= 8; data = data[8..])
            {
                crc = Crc32.Arm64.ComputeCrc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            }
        }
        else if (!Sse42.IsSupported && !Crc32.IsSupported)
        {
            return ComputeTable(data);
        }

        foreach (byte b in data)
        {
            crc = Sse42.IsSupported ? Sse42.Crc32(crc, b) : Crc32.ComputeCrc32C(crc, b);
        }

        return ~crc;
    }

    private static uint[][] BuildTables()
    {
        var tables = new uint[8][];
        for (int k = 0; k < 8; k++)
        {
            tables[k] = new uint[256];
        }

        for (uint b = 0; b < 256; b++)
        {
            uint crc = b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ Polynomial : crc >> 1;
            }

            tables[0][b] = crc;
        }

        // Appending a zero byte to a CRC state is one more table step; table k is table k-1 advanced by one byte.
        for (int k = 1; k < 8; k++)
        {
            for (int b = 0; b < 256; b++)
            {
                uint previous = tables[k - 1][b];
                tables[k][b] = tables[0][previous & 0xFF] ^ (previous >> 8);
            }
        }

        return tables;
    }
}
