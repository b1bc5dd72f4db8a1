using System.Text;

namespace Dfa.Core.Config;

/// <summary>Turns config bytes into text YAML can read, refusing binary and non-UTF-8 input at its position.</summary>
internal static class ConfigText
{
    /// <summary>Decodes strict UTF-8 (a leading byte-order mark is dropped).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, ConfigSource source)
    {
        if (bytes.StartsWith("\uFEFF"u8))
        {
            bytes = bytes[3..];
        }
        else if (ForeignEncoding(bytes) is { } encoding)
        {
            throw source.Error(1, 1, $"the file is {encoding} text; save it as UTF-8");
        }

        int line = 1, column = 1;
        for (var i = 0; i < bytes.Length;)
        {
            if (Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                throw source.Error(line, column, $"invalid UTF-8 byte 0x{bytes[i]:X2}; a config must be UTF-8 text");
            }

            if (rune.Value == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column += rune.Utf16SequenceLength;
            }

            i += consumed;
        }

        var text = Encoding.UTF8.GetString(bytes);
        CheckCharacters(text, source);
        return text;
    }

    /// <summary>
    /// UTF-16 or UTF-32 recognised by its byte-order mark, or without one by NUL bytes beside the first ASCII character
    /// (every config starts with ASCII: a key, a comment or '{'); null otherwise. Without this, such a file got
    /// "invalid UTF-8 byte 0xFF" or "control character U+0000", which does not say what to do.
    /// </summary>
    private static string? ForeignEncoding(ReadOnlySpan<byte> b) => b switch
    {
        [0x00, 0x00, 0xFE, 0xFF, ..] => "UTF-32 big-endian",
        [0xFF, 0xFE, 0x00, 0x00, ..] => "UTF-32 little-endian",
        [0xFF, 0xFE, ..] => "UTF-16 little-endian",
        [0xFE, 0xFF, ..] => "UTF-16 big-endian",
        [not 0, 0, 0, 0, ..] => "UTF-32 little-endian (no byte-order mark)",
        [0, 0, 0, not 0, ..] => "UTF-32 big-endian (no byte-order mark)",
        [not 0, 0, ..] => "UTF-16 little-endian (no byte-order mark)",
        [0, not 0, ..] => "UTF-16 big-endian (no byte-order mark)",
        _ => null,
    };

    /// <summary>
    /// Refuses characters YAML does not allow in a stream (C0/C1 controls other than tab, line feed, carriage return
    /// and NEL; unpaired surrogates; U+FFFE and U+FFFF), so binary input gets a positioned message.
    /// </summary>
    public static void CheckCharacters(string text, ConfigSource source)
    {
        int line = 1, column = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var bad = c switch
            {
                '\t' or '\n' or '\r' or '\u0085' => false,
                < '\u0020' or '\u007F' => true,
                >= '\u0080' and < '\u00A0' => true,
                '\uFFFE' or '\uFFFF' => true,
                _ when char.IsHighSurrogate(c) => i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]),
                _ when char.IsLowSurrogate(c) => i == 0 || !char.IsHighSurrogate(text[i - 1]),
                _ => false,
            };
            if (bad)
            {
                throw source.Error(line, column, $"control character U+{(int)c:X4} is not allowed; a config must be text");
            }

            if (c == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }
    }
}
