namespace Dfa.Testing;

/// <summary>The reference CRC-32C for tests: one bit at a time, reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF.</summary>
public static class Crc32CReference
{
    public static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc >> 1) ^ (0x82F63B78u & (0u - (crc & 1)));
            }
        }

        return ~crc;
    }
}
