using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Dfa.Runs.Files;

/// <summary>
/// Writes an ordered list of fields as an indented JSON object, atomically. Values are strings, numbers, booleans,
/// null, nested field lists (objects) or sequences (arrays); non-finite doubles become strings.
/// </summary>
public static class JsonFile
{
    /// <summary>A number for a field where an undefined value (an angle of a zero gradient, an infinite condition number) should read null.</summary>
    public static double? FiniteOrNull(double value) => double.IsFinite(value) ? value : null;

    public static void Write(string path, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
        {
            Indented = true,

            // Files for people too: keep "784→800" and "6×16" readable instead of \u-escaped (nothing here is HTML).
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        }))
        {
            WriteObject(writer, fields);
        }

        buffer.WriteByte((byte)'\n');
        AtomicFile.WriteAllBytes(path, buffer.ToArray());
    }

    private static void WriteObject(Utf8JsonWriter writer, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        writer.WriteStartObject();
        foreach ((string key, object? value) in fields)
        {
            writer.WritePropertyName(key);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double d:
                writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case IReadOnlyList<KeyValuePair<string, object?>> nested:
                WriteObject(writer, nested);
                break;
            case System.Collections.IEnumerable items:
                writer.WriteStartArray();
                foreach (object? item in items)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"Cannot write a {value.GetType().Name} to summary.json.", nameof(value));
        }
    }
}
