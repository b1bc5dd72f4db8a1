using System.Security.Cryptography;
using Dfa.Core.Config;
using Dfa.Core.Training;

namespace Dfa.Core.Serialization;

/// <summary>
/// Applies <c>init_from</c> to a freshly built network: the tensors of the named blocks (every block when none are
/// named) are replaced by those of a saved model, bit for bit; other blocks keep their seeded initialisation, and
/// tensors of other blocks in the file are ignored (transfer learning: a trained CNN's conv blocks under a fresh FC
/// head). Every parameter and buffer of a loaded block must be in the file with the same shape and element type, and
/// the file may hold no tensor of that block the network lacks, so an architecture mismatch is an error, not a
/// partial load. Nothing is written into the network unless the whole load is valid.
/// </summary>
public static class ModelLoader
{
    /// <summary>
    /// Loads <c>config.init_from</c> into <paramref name="network"/> and returns what it loaded (the run records it in
    /// its summary); does nothing and returns null without <c>init_from</c>. The path is
    /// relative to the working directory; a directory stands for its <c>weights.bin</c>.
    /// </summary>
    /// <exception cref="DfaInputException">A missing or invalid file, an unknown block, or a tensor missing or of another shape.</exception>
    public static ModelLoadReport? Apply(TrainConfig config, Network network)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(network);
        if (config.InitFrom is not { } init)
        {
            return null;
        }

        string path = Path.GetFullPath(init.Path);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, "weights.bin");
        }

        byte[] bytes = WeightsFile.ReadBytes(path);
        ModelFile file = WeightsFile.Read(bytes, path);
        return Apply(file, network, init.Blocks) with { Path = path, Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)) };
    }

    /// <summary>Loads the tensors of <paramref name="blocks"/> (all blocks when empty) from <paramref name="file"/> into <paramref name="network"/>.</summary>
    /// <returns>A report whose <see cref="ModelLoadReport.Path"/> is the file's display name and whose SHA-256 is empty.</returns>
    /// <exception cref="DfaInputException">See <see cref="Apply(TrainConfig, Network)"/>; the message names the file and the block or tensor.</exception>
    public static ModelLoadReport Apply(ModelFile file, Network network, IReadOnlyList<string> blocks)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(blocks);
        string name = file.DisplayName;
        IReadOnlyList<NetworkTensor> ours = NetworkTensor.Of(network);
        string[] networkBlocks = network.Blocks.Select(b => b.Name).ToArray();
        foreach (string block in blocks)
        {
            if (!networkBlocks.Contains(block, StringComparer.Ordinal))
            {
                throw new DfaInputException(
                    $"init_from.blocks: '{block}' is not a block of this network ({string.Join(", ", networkBlocks)})");
            }
        }

        var selected = networkBlocks.Where(b => blocks.Count == 0 || blocks.Contains(b, StringComparer.Ordinal)).ToArray();

        // Format v1 recorded no blocks: a parameter belongs to the block of the network tensor with its name.
        Dictionary<string, string> blockOfName = ours.ToDictionary(t => t.Name, t => t.Block, StringComparer.Ordinal);
        var theirs = file.Tensors
            .Where(t => t.Kind is TensorKind.Parameter or TensorKind.Buffer)
            .Select(t => (Block: t.Block ?? blockOfName.GetValueOrDefault(t.Name), Tensor: t))
            .Where(x => x.Block is not null)
            .ToLookup(x => x.Block!, x => x.Tensor, StringComparer.Ordinal);
        string v1Note = file.Version == 1 ? " (format v1 holds parameters only, no BatchNorm statistics)" : string.Empty;

        var plan = new List<(NetworkTensor Target, ModelTensor Source)>();
        foreach (string block in selected)
        {
            Dictionary<string, ModelTensor> inFile = theirs[block].ToDictionary(t => t.Name, StringComparer.Ordinal);
            if (inFile.Count == 0)
            {
                string present = string.Join(", ", theirs.Select(g => g.Key));
                throw new DfaInputException($"{name}: holds no tensors of block '{block}' (it holds blocks: {(present.Length == 0 ? "none" : present)})");
            }

            foreach (NetworkTensor target in ours.Where(t => t.Block == block))
            {
                if (!inFile.Remove(target.Name, out ModelTensor? source))
                {
                    throw new DfaInputException($"{name}: block '{block}' has no tensor '{target.Name}' ({target.Shape}){v1Note}");
                }

                if (source.Rows != target.Rows || source.Cols != target.Cols || source.DType != target.DType)
                {
                    throw new DfaInputException($"{name}: tensor '{target.Name}' of block '{block}' is {source.Shape} in the file, {target.Shape} in this network");
                }

                plan.Add((target, source));
            }

            if (inFile.Count > 0)
            {
                throw new DfaInputException(
                    $"{name}: block '{block}' holds {string.Join(", ", inFile.Keys.Select(k => $"'{k}'"))}, which this network's block does not have");
            }
        }

        foreach ((NetworkTensor target, ModelTensor source) in plan)
        {
            target.Assign(source);
        }

        return new ModelLoadReport(name, file.Version, selected, plan.Count, string.Empty);
    }
}
