using System.Text;

namespace Dfa.Core.Yaml;

/// <summary>
/// Turns a file or a string into text <see cref="YamlReader"/> can read, refusing what is not YAML text at its
/// position: a file over the size limit, UTF-16/32, invalid UTF-8, control characters. Shared by the config and
/// profile loaders, so both refuse the same input with the same messages.
/// </summary>
public static class YamlText
{
    /// <summary>
    /// The text of the file at <paramref name="path"/>: at most <paramref name="maxBytes"/> of strict UTF-8 (a
    /// leading byte-order mark is dropped). <paramref name="what"/> names the kind of file in messages
    /// (<c>config</c>, <c>profile</c>).
    /// </summary>
    /// <exception cref="DfaInputException">The path is a folder, or the file is missing or unreadable.</exception>
    /// <exception cref="ConfigException">The file is too large or is not UTF-8 text (at the offending position).</exception>
    public static string ReadFile(string path, int maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        if (Directory.Exists(path))
        {
            throw new DfaInputException($"{path}: is a directory, not a {what} file");
        }

        if (!System.IO.File.Exists(path))
        {
            throw new DfaInputException($"{path}: {what} file not found");
        }

        byte[] buffer;
        int total = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);

            // One byte past the cap, so an oversized (or endless, e.g. a device) file is detected without loading it.
            buffer = new byte[maxBytes + 1];
            int n;
            while (total < buffer.Length && (n = stream.Read(buffer, total, buffer.Length - total)) > 0)
            {
                total += n;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new DfaInputException($"{path}: cannot read the {what} file: {ConfigException.OneLine(ex.Message.ReplaceLineEndings(" ")).Trim()}", ex);
        }

        return Decode(buffer.AsSpan(0, total), YamlSource.File(path), maxBytes, what);
    }

    /// <summary>The bytes of a <paramref name="what"/> file as text: at most <paramref name="maxBytes"/> of strict UTF-8.</summary>
    /// <exception cref="ConfigException">Too many bytes, or not UTF-8 text (at the offending position).</exception>
    public static string Decode(ReadOnlySpan<byte> bytes, YamlSource source, int maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(source);
        return bytes.Length > maxBytes
            ? throw source.Error(1, 1, $"the {what} is larger than {maxBytes} bytes (1 MiB)")
            : Decode(bytes, source);
    }

    /// <summary>
    /// YAML text handed over as a string and named <paramref name="displayName"/> in messages: at most
    /// <paramref name="maxChars"/> UTF-16 characters, a leading byte-order mark dropped, no control characters.
    /// </summary>
    /// <exception cref="ConfigException">The text is too long or holds a character YAML does not allow.</exception>
    public static string FromString(string text, string displayName, int maxChars, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(displayName);
        var source = YamlSource.File(displayName);
        if (text.Length > maxChars)
        {
            throw source.Error(1, 1, $"the {what} is {text.Length} characters; the limit is {maxChars} (1 MiB)");
        }

        var body = text.StartsWith('\uFEFF') ? text[1..] : text;
        CheckCharacters(body, source);
        return body;
    }

    /// <summary>Decodes strict UTF-8 (a leading byte-order mark is dropped).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, YamlSource source)
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
    public static void CheckCharacters(string text, YamlSource source)
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
