using System.Buffers.Binary;
using System.Text;

namespace Dfa.Runs.TensorBoard;

/// <summary>
/// A minimal protocol-buffers wire-format encoder into a growable buffer: just the field kinds TensorBoard's event,
/// summary and hparams messages need, so the CLI carries no protobuf runtime.
/// </summary>
/// <remarks>
/// Every call writes its field, including zeros and empty strings: proto3 readers accept explicit defaults, and a
/// member of a <c>oneof</c> (such as <c>Summary.Value.simple_value = 0</c>) must be present to be set at all. Callers
/// leave out the fields they do not want. A nested message is encoded in its own <see cref="ProtoWriter"/> and
/// added with <see cref="Message"/>, because its length prefix must precede it.
/// </remarks>
public sealed class ProtoWriter
{
    private const int WireVarint = 0;
    private const int WireFixed64 = 1;
    private const int WireLengthDelimited = 2;
    private const int WireFixed32 = 5;

    private byte[] _buffer;
    private int _length;

    public ProtoWriter(int initialCapacity = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = new byte[Math.Max(initialCapacity, 16)];
    }

    /// <summary>The bytes written so far (valid until the next write).</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public int Length => _length;

    /// <summary>Forgets the content, keeping the buffer for reuse.</summary>
    public void Clear() => _length = 0;

    /// <summary>A <c>uint64</c>, <c>int64</c> (two's complement, so negatives take ten bytes), <c>bool</c> or enum field.</summary>
    public void Varint(int field, ulong value)
    {
        Tag(field, WireVarint);
        RawVarint(value);
    }

    /// <summary>An <c>int64</c> field.</summary>
    public void Int64(int field, long value) => Varint(field, unchecked((ulong)value));

    /// <summary>An <c>int32</c> or enum field; negatives are sign-extended to 64 bits as the wire format requires.</summary>
    public void Int32(int field, int value) => Varint(field, unchecked((ulong)(long)value));

    public void Bool(int field, bool value) => Varint(field, value ? 1UL : 0UL);

    /// <summary>A <c>double</c> field: wire type 1, eight little-endian bytes.</summary>
    public void Double(int field, double value)
    {
        Tag(field, WireFixed64);
        BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), value);
    }

    /// <summary>A <c>float</c> field: wire type 5, four little-endian bytes.</summary>
    public void Float(int field, float value)
    {
        Tag(field, WireFixed32);
        BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);
    }

    /// <summary>A <c>string</c> field, UTF-8 encoded.</summary>
    public void String(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Tag(field, WireLengthDelimited);
        int count = Encoding.UTF8.GetByteCount(value);
        RawVarint((ulong)count);
        Encoding.UTF8.GetBytes(value, Grow(count));
    }

    /// <summary>A <c>bytes</c> field.</summary>
    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, WireLengthDelimited);
        RawVarint((ulong)value.Length);
        value.CopyTo(Grow(value.Length));
    }

    /// <summary>An embedded message field whose content is what <paramref name="message"/> holds.</summary>
    public void Message(int field, ProtoWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Bytes(field, message.WrittenSpan);
    }

    /// <summary>A packed <c>repeated double</c> field: one length-delimited run of eight-byte values.</summary>
    public void PackedDoubles(int field, ReadOnlySpan<double> values)
    {
        Tag(field, WireLengthDelimited);
        RawVarint((ulong)values.Length * 8);
        Span<byte> destination = Grow(values.Length * 8);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(destination[(i * 8)..], values[i]);
        }
    }

    private void Tag(int field, int wireType)
    {
        // Field numbers run from 1 to 2^29 - 1; 19000-19999 are reserved by protobuf itself but still encodable.
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(field, (1 << 29) - 1);
        RawVarint(((ulong)field << 3) | (uint)wireType);
    }

    private void RawVarint(ulong value)
    {
        Span<byte> destination = Grow(10);
        int i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        _length -= 10 - i;
    }

    /// <summary>Reserves <paramref name="count"/> bytes at the end and returns them.</summary>
    private Span<byte> Grow(int count)
    {
        int needed = _length + count;
        if (needed > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
        }

        Span<byte> span = _buffer.AsSpan(_length, count);
        _length = needed;
        return span;
    }
}
