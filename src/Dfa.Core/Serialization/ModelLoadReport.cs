namespace Dfa.Core.Serialization;

/// <summary>
/// What <see cref="ModelLoader"/> put into a network: the resolved file, its format version, the blocks loaded (in
/// network order), how many tensors, and the SHA-256 of the file's bytes (lower-case hex) so a run names exactly the
/// model it started from.
/// </summary>
public sealed record ModelLoadReport(string Path, int Version, IReadOnlyList<string> Blocks, int Tensors, string Sha256);
