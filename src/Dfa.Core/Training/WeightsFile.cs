using System.Text;
using Dfa.Core.Layers;

namespace Dfa.Core.Training;

/// <summary>
/// A network's parameters on disk, little-endian:
/// <c>"DFAW"</c>, format version (int32 = 1), parameter count (int32), then per parameter: name (int32 byte length,
/// UTF-8), rows (int32), cols (int32), rows·cols float32 values in row-major order. Parameters are written in the
/// network's order, so two runs with identical weights give identical files.
/// </summary>
public static class WeightsFile
{
    private const int Version = 1;
    private static readonly byte[] Magic = "DFAW"u8.ToArray();

    public static void Write(Stream stream, IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(Version);
        writer.Write(parameters.Count);
        foreach (Parameter p in parameters)
        {
            byte[] name = Encoding.UTF8.GetBytes(p.Name);
            writer.Write(name.Length);
            writer.Write(name);
            writer.Write(p.Value.Rows);
            writer.Write(p.Value.Cols);
            foreach (float v in p.Value.Data)
            {
                writer.Write(v);
            }
        }
    }

    /// <summary>Reads a file written by <see cref="Write"/> into <paramref name="parameters"/>, which must match it name for name and shape for shape.</summary>
    public static void Read(Stream stream, IReadOnlyList<Parameter> parameters, string displayName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic))
            {
                throw new DfaInputException($"{displayName}: not a Dfa weights file (bad magic)");
            }

            int version = reader.ReadInt32();
            if (version != Version)
            {
                throw new DfaInputException($"{displayName}: weights format version {version}, this build reads {Version}");
            }

            int count = reader.ReadInt32();
            if (count != parameters.Count)
            {
                throw new DfaInputException($"{displayName}: holds {count} parameters, the network has {parameters.Count}");
            }

            foreach (Parameter p in parameters)
            {
                int nameLength = reader.ReadInt32();
                if (nameLength is < 0 or > 1024)
                {
                    throw new DfaInputException($"{displayName}: corrupt parameter name length {nameLength}");
                }

                string name = Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
                int rows = reader.ReadInt32();
                int cols = reader.ReadInt32();
                if (name != p.Name || rows != p.Value.Rows || cols != p.Value.Cols)
                {
                    throw new DfaInputException(
                        $"{displayName}: parameter '{name}' {rows}×{cols} does not match the network's '{p.Name}' {p.Value.Rows}×{p.Value.Cols}");
                }

                for (int i = 0; i < p.Value.Length; i++)
                {
                    p.Value.Data[i] = reader.ReadSingle();
                }
            }
        }
        catch (EndOfStreamException)
        {
            throw new DfaInputException($"{displayName}: truncated weights file");
        }
    }
}
