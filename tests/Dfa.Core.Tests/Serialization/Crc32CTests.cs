using Dfa.Core.Serialization;
using Dfa.Testing;

namespace Dfa.Core.Tests.Serialization;

/// <summary>The one CRC-32C (weights, checkpoints, TensorBoard records) against published vectors and the bitwise loop.</summary>
public sealed class Crc32CTests
{
    [Test]
    public void Compute_MatchesPublishedCheckValues()
    {
        // The CRC catalogue's check value, then the four RFC 3720 (iSCSI) B.4 vectors.
        Assert.That(Crc32C.Compute("123456789"u8), Is.EqualTo(0xE3069283u));
        byte[] ascending = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        byte[] descending = [.. ascending.Reverse()];
        Assert.That(Crc32C.Compute(new byte[32]), Is.EqualTo(0x8A9136AAu));
        Assert.That(Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()), Is.EqualTo(0x62A8AB43u));
        Assert.That(Crc32C.Compute(ascending), Is.EqualTo(0x46DD794Eu));
        Assert.That(Crc32C.Compute(descending), Is.EqualTo(0x113FDB5Cu));
        Assert.That(Crc32C.Compute([]), Is.EqualTo(0u));
    }

    [Test]
    public void Compute_MatchesTheBitwiseLoop_ForLengths0To1000_AlignedOrNot()
    {
        var rng = new Dfa.Core.Randomness.Rng(20261128);
        var data = new byte[1000 + 7];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)rng.NextUInt64();
        }

        for (int length = 0; length <= 1000; length++)
        {
            // Offset by length mod 8 so the 8-byte steps also run unaligned.
            ReadOnlySpan<byte> slice = data.AsSpan(length % 8, length);
            Assert.That(Crc32C.Compute(slice), Is.EqualTo(Crc32CReference.Bitwise(slice)), $"length {length}");
        }
    }
}
